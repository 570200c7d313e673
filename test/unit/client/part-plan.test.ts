/** Part ranges and where each part goes. */
import { describe, expect, it } from 'vitest';
import { partTargets, planParts } from '../../../client/src/upload/part-plan.ts';

describe('planParts', () => {
  it('cuts the size into parts of partSize, the last one shorter', () => {
    expect(planParts(25, 10)).toEqual([
      { partNumber: 1, start: 0, end: 10 },
      { partNumber: 2, start: 10, end: 20 },
      { partNumber: 3, start: 20, end: 25 },
    ]);
    expect(planParts(20, 10).map((p) => p.end - p.start)).toEqual([10, 10]);
  });

  it('is one part of everything for a single PUT', () => {
    expect(planParts(12, undefined)).toEqual([{ partNumber: 1, start: 0, end: 12 }]);
  });
});

describe('partTargets', () => {
  it("sends a single PUT's signed headers as the server lists them, with the answer's expiry", () => {
    const headers = { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment', 'x-amz-checksum-sha256': 'abc=' };
    const targets = partTargets({ fileId: '0193a5c2-0000-7000-8000-000000000000', method: 'PUT', url: 'https://s3/x?sig', headers, expiresAt: '2026-11-22T15:04:05.123Z' });
    expect([...targets]).toEqual([[1, { url: 'https://s3/x?sig', headers, expiresAt: Date.parse('2026-11-22T15:04:05.123Z') }]]);
  });

  it('maps part numbers to URLs for a multipart upload', () => {
    const targets = partTargets({
      fileId: '0193a5c2-0000-7000-8000-000000000000',
      partSize: 10,
      parts: [
        { partNumber: 2, url: 'https://s3/2' },
        { partNumber: 5, url: 'https://s3/5' },
      ],
      expiresAt: '2026-11-22T15:04:05.123Z',
    });
    expect(targets.get(2)).toEqual({ url: 'https://s3/2', headers: {}, expiresAt: Date.parse('2026-11-22T15:04:05.123Z') });
    expect(targets.get(5)?.url).toBe('https://s3/5');
    expect(targets.has(1)).toBe(false);
  });
});
