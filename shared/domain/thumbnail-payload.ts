/**
 * What a Thumbnailer is asked and answers, once for both sides of the process boundary: the content route's
 * LambdaThumbnailer (shared/adapters/lambda-thumbnailer.ts) sends a `ThumbnailRequest` and reads a `ThumbnailReply`;
 * the thumbnail function (functions/make-thumbnail.ts) parses the one and answers the other. Both travel as JSON, so
 * the reply carries bytes as base64; in process they are a `ThumbnailResult`.
 */
import * as z from 'zod/mini';
import { MAX_THUMBNAIL_SIDE, THUMBNAIL_FORMATS } from './images.ts';
import { TenantId } from './tenant.ts';

const Side = z.int().check(z.minimum(1), z.maximum(MAX_THUMBNAIL_SIDE));

/** Sent by the content route only, never by a client directly. */
export const ThumbnailRequest = z.object({
  tenantId: TenantId,
  fileId: z.uuid(),
  width: Side,
  height: Side,
  /** The output format. */
  format: z.enum(THUMBNAIL_FORMATS),
  /** The format as asked (`auto`: the default for the source), which names the cache entry. */
  variant: z.enum([...THUMBNAIL_FORMATS, 'auto']),
  /** Object tags for the cached thumbnail (the expiry backstop of files with a lifetime). */
  tags: z.optional(z.record(z.string().check(z.regex(/^[\w.-]{1,64}$/)), z.string().check(z.regex(/^[\w.-]{0,64}$/)))),
});
export type ThumbnailRequest = z.infer<typeof ThumbnailRequest>;

/** A requested format, or `auto` when none was asked for. */
export type ThumbnailVariant = ThumbnailRequest['variant'];

export type ThumbnailResult =
  | { status: 'ok'; contentType: string; size: number; /** Present when small enough to travel inline. */ bytes?: Uint8Array }
  | { status: 'unreadable'; message: string };

/** The result as JSON: bytes as base64 when they fit a Lambda response comfortably, else only in the cache. */
export const ThumbnailReply = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    contentType: z.string(),
    size: z.int().check(z.nonnegative()),
    /** Base64; not checked here (a regex over megabytes costs more than the decode that follows). */
    bytes: z.optional(z.string()),
  }),
  z.object({ status: z.literal('unreadable'), message: z.string() }),
]);
export type ThumbnailReply = z.infer<typeof ThumbnailReply>;

/** Lambda responses are at most 6 MB; 4 MiB of bytes is about 5.3 MB as base64. */
const INLINE_REPLY_BYTES = 4 * 1024 * 1024;

export function toThumbnailReply(result: ThumbnailResult): ThumbnailReply {
  if (result.status === 'unreadable') return result;
  return {
    status: 'ok',
    contentType: result.contentType,
    size: result.size,
    bytes: result.bytes && result.bytes.length <= INLINE_REPLY_BYTES ? Buffer.from(result.bytes).toString('base64') : undefined,
  };
}

/** The result a reply carries; `undefined` when it is not a reply at all. */
export function fromThumbnailReply(payload: unknown): ThumbnailResult | undefined {
  const reply = ThumbnailReply.safeParse(payload);
  if (!reply.success) return undefined;
  if (reply.data.status === 'unreadable') return reply.data;
  const { contentType, size, bytes } = reply.data;
  return { status: 'ok', contentType, size, bytes: bytes !== undefined ? Buffer.from(bytes, 'base64') : undefined };
}
