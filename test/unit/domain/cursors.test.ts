/** List cursors, written once: sealed positions that only continue the query that made them. */
import { describe, expect, it } from 'vitest';
import { cursorFingerprint, openCursor, sealCursor } from '../../../shared/domain/cursors.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { Sealer } from '../../../shared/domain/sealing.ts';

const sealer = new Sealer('c'.repeat(48));
const position = `Zoë's scan.pdf\u00010193a5c2-7b4e-7000-8000-000000000001`;
const query = cursorFingerprint(['files', 't1', 'provider-7', 'provider', [['state', 'active']]]);

/** What openCursor threw, as the 422 details a client sees. */
function refusal(cursor: string, fingerprint: string) {
  try {
    openCursor(sealer, cursor, fingerprint);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  throw new Error('expected the cursor to be refused');
}

describe('cursors', () => {
  it('round-trip a position for the same query, and hide it (a position may be a file name)', () => {
    const cursor = sealCursor(sealer, position, query)!;
    expect(openCursor(sealer, cursor, query)).toBe(position);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('scan');
  });

  it('mean a first page when absent, and no next page when there is no position', () => {
    expect(openCursor(sealer, undefined, query)).toBeUndefined();
    expect(sealCursor(sealer, null, query)).toBeNull();
  });

  it('are refused (422 on `cursor`) for another query, when tampered with, or when not a cursor at all', () => {
    const cursor = sealCursor(sealer, position, query)!;
    const other = cursorFingerprint(['files', 't1', 'provider-7', 'provider', [['state', 'archived']]]);
    const expected = [{ path: 'cursor', message: 'is not a cursor of this query' }];
    expect(refusal(cursor, other)).toEqual(expected);
    expect(refusal(`${cursor.slice(0, -2)}AA`, query)).toEqual(expected);
    expect(refusal('not-a-cursor', query)).toEqual(expected);
    expect(refusal(sealer.seal('list-cursor', { a: 7 }, query), query)).toEqual(expected);
  });

  it('fingerprint the parts of a query, not their spelling as one string', () => {
    expect(cursorFingerprint(['a', 'b'])).toBe(cursorFingerprint(['a', 'b']));
    expect(cursorFingerprint(['a', 'b'])).not.toBe(cursorFingerprint(['a:b']));
    expect(cursorFingerprint(['a', 'b'])).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
