/** The paging parameters every list route's query string shares (API.md: `limit` 1–100, default 25 — 50 for the audit trail; `cursor`). */
import * as z from 'zod/mini';

/** `limit`: a decimal string from 1 to 100, default `fallback`. */
export const pageLimit = (fallback: number) =>
  z._default(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')), z.transform(Number)),
      z.number().check(z.minimum(1, 'must be from 1 to 100'), z.maximum(100, 'must be from 1 to 100')),
    ),
    fallback,
  );

/** `limit` of most lists: default 25. */
export const PageLimit = pageLimit(25);

/** `cursor`: opaque, from the previous page. */
export const PageCursor = z.optional(z.string().check(z.maxLength(4096)));
