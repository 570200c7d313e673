/** The paging parameters every list route's query string shares (API.md: `limit` 1–100, default 25; `cursor`). */
import * as z from 'zod';

/** `limit`: a decimal string from 1 to 100, default 25. */
export const PageLimit = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
  .transform(Number)
  .pipe(z.number().min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100'))
  .default(25);

/** `cursor`: opaque, from the previous page. */
export const PageCursor = z.string().max(4096).optional();
