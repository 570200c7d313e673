/**
 * The retry schedule of a delivery. An attempt budget is the first attempt plus one per configured delay; a
 * manual retry starts a fresh budget (`DeliveryRecord.budgetStart`).
 */
import type { DeliveryRecord } from './records.ts';

/** Attempts in one budget: the first plus one per configured delay. */
export const maxAttempts = (delaysSeconds: readonly number[]) => 1 + delaysSeconds.length;

/**
 * What follows a failed attempt, the `attemptsInBudget`-th of the current budget: another attempt after
 * `delays[attemptsInBudget - 1]` seconds, or `failed` when the budget is spent.
 */
export function afterFailure(
  attemptsInBudget: number,
  delaysSeconds: readonly number[],
  at: Date,
): { status: 'pending'; nextAttemptAt: string } | { status: 'failed'; nextAttemptAt: null } {
  if (attemptsInBudget < maxAttempts(delaysSeconds)) {
    const delay = delaysSeconds[Math.max(0, attemptsInBudget - 1)]!;
    return { status: 'pending', nextAttemptAt: new Date(at.getTime() + delay * 1000).toISOString() };
  }
  return { status: 'failed', nextAttemptAt: null };
}

/** The outcome of one attempt. `transport` failures got no HTTP answer at all (timeout, refused, not allowed). */
export type AttemptResult =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string; transport: boolean };

/** The delivery after an attempt finished at `at` with `result`. */
export function afterAttempt(d: DeliveryRecord, result: AttemptResult, at: Date, delaysSeconds: readonly number[]): DeliveryRecord {
  const attempts = d.attempts + 1;
  const base = { ...d, attempts, lastStatusCode: result.statusCode, updatedAt: at.toISOString(), version: d.version + 1 };
  if (result.ok) return { ...base, status: 'succeeded', lastError: null, nextAttemptAt: null };
  return { ...base, lastError: result.error, ...afterFailure(attempts - d.budgetStart, delaysSeconds, at) };
}
