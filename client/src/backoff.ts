/**
 * Waiting between attempts: exponential backoff with full jitter (a random wait up to base·2^attempt, capped),
 * so many clients that failed together do not retry together. A `Retry-After` from the server wins when it
 * asks for longer.
 */
const BASE_MS = 200;
const CAP_MS = 10_000;
const MAX_RETRY_AFTER_MS = 60_000;

/** Statuses worth another try: rate limited, or a gateway or service that may answer next time. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Milliseconds to wait before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, retryAfter?: string | null, random: () => number = Math.random): number {
  const jittered = Math.floor(random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt));
  return Math.max(jittered, retryAfterMs(retryAfter));
}

/** `Retry-After` in seconds or as an HTTP date; 0 when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number {
  if (!header) return 0;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : 0;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
