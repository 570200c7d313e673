import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatProgress, ProgressBar } from '../../../client/src/cli/progress-bar.ts';

const MiB = 1024 * 1024;

describe('formatProgress', () => {
  it('shows the bar, percentage, bytes, rate and time left', () => {
    const line = formatProgress({ label: 'scan.pdf', loaded: 55 * MiB, total: 110 * MiB, rate: 11 * MiB, columns: 120 });
    expect(line).toBe('scan.pdf [##########----------]  50%  55.0 MiB/110.0 MiB  11.0 MiB/s  5s left');
  });

  it('says -- while the rate is unknown', () => {
    expect(formatProgress({ label: 'a', loaded: 0, total: 10, rate: 0, columns: 120 })).toContain('--/s  -- left');
  });

  it('shortens the name, never the numbers, to fit the terminal', () => {
    const line = formatProgress({ label: 'a-very-long-file-name-from-the-scanner.pdf', loaded: 1, total: 2, rate: 1, columns: 70 });
    expect(line).toBe('a-very-long-fil… [##########----------]  50%  1 B/2 B  1 B/s  1s left');
    expect(line.length).toBeLessThan(70);
    expect(line).toContain('1s left');
  });
});

describe('formatBytes and formatDuration', () => {
  it('picks binary units and readable durations', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 * MiB)).toBe('5.0 GiB');
    expect(formatDuration(59.4)).toBe('59s');
    expect(formatDuration(61)).toBe('1m01s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h02m');
    expect(formatDuration(Infinity)).toBe('--');
  });
});

describe('ProgressBar', () => {
  it('redraws in place at most every 100 ms, rates only this run\'s bytes, and ends the line', () => {
    const writes: string[] = [];
    let now = 0;
    const bar = new ProgressBar({ write: (t: string) => writes.push(t), columns: 100 }, 'x', () => now);
    bar.update({ loaded: 40 * MiB, total: 100 * MiB }); // resumed: 40 MiB were already stored
    now = 50;
    bar.update({ loaded: 45 * MiB, total: 100 * MiB }); // too soon: not drawn
    now = 1000;
    bar.update({ loaded: 50 * MiB, total: 100 * MiB });
    bar.finish();
    expect(writes).toHaveLength(4);
    expect(writes.slice(0, 3).every((w) => w.startsWith('\r') && w.endsWith('\x1b[K'))).toBe(true);
    expect(writes[1]).toContain('10.0 MiB/s  5s left');
    expect(writes[3]).toBe('\n');
  });

  it('assumes 80 columns on a terminal that reports none', () => {
    const writes: string[] = [];
    const bar = new ProgressBar({ write: (t: string) => writes.push(t), columns: 0 }, 'scan.pdf', () => 0);
    bar.update({ loaded: 1, total: 2 });
    expect(writes[0]).toMatch(/^\rscan\.pdf \[#{10}-{10}\]  50%/);
  });

  it('draws nothing when no progress was reported', () => {
    const writes: string[] = [];
    new ProgressBar({ write: (t: string) => writes.push(t) }, 'x').finish();
    expect(writes).toEqual([]);
  });
});
