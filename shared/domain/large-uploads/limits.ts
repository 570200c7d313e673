/**
 * The limits and part plan of a large upload: when one presigned PUT is enough, how bigger files are cut into
 * parts, which parts list completes them, and how long URLs and unfinished uploads live.
 */
import { ValidationError } from '../errors.ts';
import type { UploadedPart } from '../ports.ts';

const MiB = 1024 * 1024;

/** Up to this size one presigned PUT; above it a multipart upload (API.md: "above 100 MiB"). */
export const SINGLE_PUT_MAX_BYTES = 100 * MiB;
/** Smallest part we hand out (S3's minimum is 5 MiB); grows so that no upload needs more than PLANNED_PARTS. */
export const MIN_PART_SIZE = 8 * MiB;
/** S3's limit of parts per upload: part numbers a client may name. */
export const MAX_PARTS = 10_000;
/**
 * Parts an upload is cut into at most: every part's URL fits one answer (about 1.7 MB for 1,000, under Lambda's
 * 6 MB response limit, signed in well under a second). 8 MiB parts up to about 8 GiB, larger parts above.
 */
export const PLANNED_PARTS = 1_000;
/** How long the presigned URLs work. Deployed, a URL also stops working when the role's session ends. */
export const UPLOAD_URL_TTL_SECONDS = 3600;
/** How long an upload may stay unfinished before its id, pending record and object are removed. */
export const PENDING_TTL_SECONDS = 24 * 3600;
/** The first bytes read to sniff the type and read image dimensions (one ranged GET). */
export const SNIFF_BYTES = 64 * 1024;
/**
 * Text files are checked for markup all the way through when completed, so their size is bounded: ample for
 * notes, lab exports and CSV, and a check of a few seconds at most.
 */
export const MAX_TEXT_BYTES = 100 * MiB;
/** The windows a completed text file is read in. */
export const TEXT_WINDOW_BYTES = 4 * MiB;

/** Part size for `size` bytes: at least `minPartSize`, whole MiB, and no more than PLANNED_PARTS parts. */
export function partSizeFor(size: number, minPartSize = MIN_PART_SIZE): number {
  return Math.max(minPartSize, Math.ceil(size / PLANNED_PARTS / MiB) * MiB);
}

/** How `size` bytes are sent: one PUT of the whole (one part) up to `singlePutMaxBytes`, else parts. */
export function planParts(
  size: number,
  singlePutMaxBytes = SINGLE_PUT_MAX_BYTES,
  minPartSize = MIN_PART_SIZE,
): { multipart: boolean; partSize: number; partCount: number } {
  const multipart = size > singlePutMaxBytes;
  const partSize = multipart ? partSizeFor(size, minPartSize) : size;
  return { multipart, partSize, partCount: Math.ceil(size / partSize) };
}

/** Every part 1..partCount once, in order (S3 requires ascending order); anything else is 422. */
export function checkedParts(parts: readonly UploadedPart[] | undefined, partCount: number): readonly UploadedPart[] {
  if (parts === undefined) throw new ValidationError([{ path: 'parts', message: 'is required to complete a multipart upload' }]);
  if (parts.length !== partCount || parts.some((p, i) => p.partNumber !== i + 1)) {
    throw new ValidationError([{ path: 'parts', message: `must list parts 1 to ${partCount}, each once, in order` }]);
  }
  return parts;
}
