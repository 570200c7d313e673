/**
 * The request bodies of `POST /v1/uploads`, `POST /v1/uploads/{fileId}/complete` and `…/renew`, and the reading of
 * the first in the contract's order of checks.
 */
import * as z from 'zod/mini';
import { normalizeDeclaredType } from '../content-type.ts';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.ts';
import { FileName, UploadMetadata } from '../schemas.ts';
import { parseOrThrow } from '../validation.ts';
import { MAX_PARTS, MAX_TEXT_BYTES, PLANNED_PARTS } from './limits.ts';

const Sha256Hex = z.pipe(
  z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (SHA-256)')),
  z.transform((v: string) => v.toLowerCase()),
);

export const CreateUploadBody = z
  .strictObject({
    ...UploadMetadata.shape,
    name: FileName,
    mimeType: z
      .string()
      .check(z.maxLength(255))
      .register(z.globalRegistry, { description: 'The declared type; the bytes must agree (checked on completion).' }),
    size: z
      .int({ message: 'must be a whole number of bytes' })
      .check(z.positive('must be at least 1 byte (empty files are refused)'))
      .register(z.globalRegistry, { description: 'Exact size in bytes. Over the configured maximum (default 5 GiB) is 413.' }),
    sha256: z
      .optional(Sha256Hex)
      .register(z.globalRegistry, { description: 'SHA-256 (hex) of the bytes; storage and completion verify it.' }),
  })
  .register(z.globalRegistry, { id: 'CreateUploadBody' });
export type CreateUploadBody = z.infer<typeof CreateUploadBody>;

const UploadedPartBody = z.strictObject({
  partNumber: z.int().check(z.minimum(1), z.maximum(MAX_PARTS)),
  etag: z
    .string()
    .check(z.minLength(1), z.maxLength(128))
    .register(z.globalRegistry, { description: 'The ETag storage answered the part PUT with.' }),
});

export const CompleteUploadBody = z
  .strictObject({
    parts: z
      .optional(z.array(UploadedPartBody).check(z.minLength(1), z.maxLength(MAX_PARTS)))
      .register(z.globalRegistry, { description: 'Multipart uploads only: every part, in order, with its ETag.' }),
  })
  .register(z.globalRegistry, { id: 'CompleteUploadBody' });
export type CompleteUploadBody = z.infer<typeof CompleteUploadBody>;

/** `POST /v1/uploads/{fileId}/renew`: the parts to sign again; none, every part storage does not hold yet. */
export const RenewUploadBody = z
  .strictObject({
    partNumbers: z
      .optional(z.array(z.int().check(z.minimum(1), z.maximum(MAX_PARTS))).check(z.minLength(1), z.maxLength(PLANNED_PARTS)))
      .register(z.globalRegistry, { description: 'Parts to sign again; omitted, every part storage does not hold yet.' }),
  })
  .register(z.globalRegistry, { id: 'RenewUploadBody' });
export type RenewUploadBody = z.infer<typeof RenewUploadBody>;

/**
 * Checks a `POST /v1/uploads` body in the contract's order: a declared size over the maximum (413), a declared
 * type that is not allowed (415), then every other rule (422, all fields listed).
 */
export function readCreateUpload(body: unknown, limits: { maxUploadBytes: number; allowedTypes: ReadonlySet<string> }): CreateUploadBody {
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (typeof fields.size === 'number' && fields.size > limits.maxUploadBytes) {
    throw new PayloadTooLargeError(`Uploads are limited to ${limits.maxUploadBytes} bytes`, [
      { path: 'size', message: `must be at most ${limits.maxUploadBytes} bytes` },
    ]);
  }
  if (typeof fields.mimeType === 'string') {
    const declared = normalizeDeclaredType(fields.mimeType);
    // The stored object's type is fixed when the URL is signed, so a generic type cannot be sniffed later.
    const problem = !declared
      ? 'must name the file type (application/octet-stream is not accepted)'
      : !limits.allowedTypes.has(declared)
        ? `type ${declared} is not allowed`
        : undefined;
    if (problem) throw new UnsupportedMediaTypeError(`Declared ${problem}`, [{ path: 'mimeType', message: problem }]);
  }
  const declaredText = typeof fields.mimeType === 'string' && normalizeDeclaredType(fields.mimeType)?.startsWith('text/');
  if (declaredText && typeof fields.size === 'number' && fields.size > MAX_TEXT_BYTES) {
    throw new PayloadTooLargeError(`Text files are limited to ${MAX_TEXT_BYTES} bytes`, [
      { path: 'size', message: `must be at most ${MAX_TEXT_BYTES} bytes for a text file` },
    ]);
  }
  const parsed = parseOrThrow(CreateUploadBody, body);
  return { ...parsed, mimeType: normalizeDeclaredType(parsed.mimeType)! };
}
