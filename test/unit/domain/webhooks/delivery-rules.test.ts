/** The retry schedule: attempts per budget, delays between them, and a manual retry's fresh budget. */
import { describe, expect, it } from 'vitest';
import { afterAttempt, afterFailure, maxAttempts } from '../../../../shared/domain/webhooks/delivery-rules.ts';
import type { DeliveryRecord } from '../../../../shared/domain/webhooks/records.ts';
import { status } from '../../../support/in-memory-webhooks.ts';

describe('retry schedule', () => {
  const at = new Date('2026-11-22T15:04:05.123Z');

  it('allows 1 + the number of delays attempts', () => {
    expect(maxAttempts([1, 2, 4])).toBe(4);
    expect(maxAttempts([60, 300, 1800, 7200, 21600, 64800])).toBe(7);
    expect(maxAttempts([5])).toBe(2);
  });

  it('waits delays[n-1] after the n-th failed attempt, then fails after the last', () => {
    const delays = [1, 2, 4];
    expect(afterFailure(1, delays, at)).toEqual({ status: 'pending', nextAttemptAt: '2026-11-22T15:04:06.123Z' });
    expect(afterFailure(2, delays, at)).toEqual({ status: 'pending', nextAttemptAt: '2026-11-22T15:04:07.123Z' });
    expect(afterFailure(3, delays, at)).toEqual({ status: 'pending', nextAttemptAt: '2026-11-22T15:04:09.123Z' });
    expect(afterFailure(4, delays, at)).toEqual({ status: 'failed', nextAttemptAt: null });
  });

  it('spans over 24 hours with the default delays', () => {
    const delays = [60, 300, 1800, 7200, 21600, 64800];
    let t = at;
    for (let n = 1; n < maxAttempts(delays); n++) {
      const next = afterFailure(n, delays, t);
      expect(next.status).toBe('pending');
      t = new Date(next.nextAttemptAt!);
    }
    expect(afterFailure(maxAttempts(delays), delays, t).status).toBe('failed');
    expect(t.getTime() - at.getTime()).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  const delivery = (over: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
    tenantId: 't1', webhookId: 'w', id: 'd', eventId: 'e', eventType: 'file.created', body: '{}', status: 'pending',
    attempts: 0, budgetStart: 0, lastStatusCode: null, lastError: null, nextAttemptAt: at.toISOString(),
    createdAt: at.toISOString(), updatedAt: at.toISOString(), version: 2, ...over,
  });

  it('afterAttempt counts the attempt, records status and error, and bumps the version', () => {
    const failed = afterAttempt(delivery(), status(500), at, [1, 1]);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'receiver answered 500', version: 3 });
    expect(failed.nextAttemptAt).toBe('2026-11-22T15:04:06.123Z');

    const ok = afterAttempt(failed, status(204), at, [1, 1]);
    expect(ok).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 204, lastError: null, nextAttemptAt: null });

    const timeout = afterAttempt(delivery(), { ok: false, statusCode: null, error: 'timeout after 10 s', transport: true }, at, [1]);
    expect(timeout).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: 'timeout after 10 s' });
  });

  it('fails after the last attempt of the budget; a manual retry starts a fresh budget', () => {
    let d = delivery();
    for (let i = 0; i < 3; i++) d = afterAttempt(d, status(503), at, [1, 1]);
    expect(d).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });

    // What a manual retry stores: the budget starts at the attempts made so far.
    d = { ...d, status: 'pending', budgetStart: d.attempts, nextAttemptAt: at.toISOString() };
    d = afterAttempt(d, status(503), at, [1, 1]);
    expect(d).toMatchObject({ status: 'pending', attempts: 4 });
    d = afterAttempt(d, status(503), at, [1, 1]);
    d = afterAttempt(d, status(503), at, [1, 1]);
    expect(d).toMatchObject({ status: 'failed', attempts: 6 });
  });
});
