/** Backoff with full jitter, capped, and Retry-After honoured. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryAfterMs, sleep } from '../../../client/src/backoff.ts';

describe('backoffDelay', () => {
  it('grows exponentially with the attempt, jittered below the ceiling, capped at 10 s', () => {
    expect(backoffDelay(0, null, () => 0.999)).toBe(199);
    expect(backoffDelay(3, null, () => 0.999)).toBe(1598);
    expect(backoffDelay(3, null, () => 0)).toBe(0);
    expect(backoffDelay(30, null, () => 0.999)).toBe(9990);
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(backoffDelay(0, '2', () => 0.5)).toBe(2000);
    expect(backoffDelay(5, '1', () => 0.5)).toBe(3200);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, bounded to 0..60 s; anything else is 0', () => {
    const now = Date.parse('2026-11-22T15:04:05.000Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Sun, 22 Nov 2026 15:04:15 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Sun, 22 Nov 2026 15:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('86400', now)).toBe(60_000);
    expect(retryAfterMs('soon', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBe(0);
  });
});

describe('sleep', () => {
  it('rejects with the abort reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const slept = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
