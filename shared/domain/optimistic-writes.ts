/**
 * Optimistic concurrency, written once. Every store port follows one convention: a conditional write that finds
 * the record changed (a stale version) throws VersionConflictError, and one that finds the key taken throws
 * AlreadyExistsError. Use cases either read again and retry (`retryOnConflict`), or take the lost race as their
 * answer (`unlessRaced`).
 */
import { AlreadyExistsError, VersionConflictError } from './ports.ts';

/** Read-and-write rounds a request makes before giving up: enough for a burst of edits of one record, and short. */
export const WRITE_ATTEMPTS = 3;

export interface RetryOptions<C> {
  /** Rounds in all, the first included. @default WRITE_ATTEMPTS */
  attempts?: number;
  /** What the caller gets once every round lost its race. Default: the last VersionConflictError. */
  onExhausted?: () => Error;
  /** What the caller has already read, for the first round (it may have checked it before parsing input). */
  current?: C;
}

/**
 * Reads the current state, then writes a change conditional on it (`write` throws VersionConflictError, from the
 * port, when another writer got there first), reading again and retrying the write until one lands. Whatever else
 * `read` or `write` throws (404, 403, 412, a storage failure) ends it at once.
 */
export async function retryOnConflict<C, R>(
  read: () => Promise<C>,
  write: (current: C) => Promise<R>,
  options: RetryOptions<C> = {},
): Promise<R> {
  const attempts = options.attempts ?? WRITE_ATTEMPTS;
  let current = options.current ?? (await read());
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(current);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (attempt >= attempts) throw options.onExhausted?.() ?? error;
    }
    current = await read();
  }
}

/**
 * A conditional write whose lost race is an answer rather than an error: its result, or `null` when another writer
 * changed the record (VersionConflictError) or created it (AlreadyExistsError) first.
 */
export async function unlessRaced<T>(write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof VersionConflictError || error instanceof AlreadyExistsError) return null;
    throw error;
  }
}
