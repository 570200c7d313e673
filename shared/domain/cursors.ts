/**
 * List cursors, written once. A cursor is the sort position a page ends at, sealed (a position may hold a file
 * name, which must not be readable in a URL) and bound to the query that made it by a fingerprint, so it only
 * ever continues that query: the same list, caller and filters.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors.ts';
import type { Sealer } from './sealing.ts';

/** The fingerprint of a query from its parts (which list, who asks, which filters): hashed, so it stays short. */
export function cursorFingerprint(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/**
 * The position to resume after: `undefined` for a first page (no cursor), ValidationError (422, path `cursor`) for
 * a cursor that is malformed, tampered with or made by another query.
 */
export function openCursor(sealer: Sealer, cursor: string | undefined, fingerprint: string): string | undefined {
  if (cursor === undefined) return undefined;
  const opened = sealer.open('list-cursor', cursor, fingerprint) as { a?: unknown } | null | undefined;
  if (typeof opened?.a !== 'string') throw new ValidationError([{ path: 'cursor', message: 'is not a cursor of this query' }]);
  return opened.a;
}

/** The cursor that continues after `position`, or null when there is no next page. */
export function sealCursor(sealer: Sealer, position: string | null, fingerprint: string): string | null {
  return position === null ? null : sealer.seal('list-cursor', { a: position }, fingerprint);
}
