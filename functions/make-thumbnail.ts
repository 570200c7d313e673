import { thumbnailMaker } from '../shared/adapters/wiring/ports.ts';
import type { ThumbnailResult } from '../shared/domain/thumbnails.ts';
import * as z from 'zod';

/** What the content function sends (Lambda Invoke payload); never comes from a client directly. */
const ThumbnailEvent = z.object({
  tenantId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  fileId: z.uuid(),
  width: z.number().int().min(1).max(4096),
  height: z.number().int().min(1).max(4096),
  format: z.enum(['jpeg', 'png', 'webp']),
  variant: z.enum(['jpeg', 'png', 'webp', 'auto']),
  tags: z.record(z.string().regex(/^[\w.-]{1,64}$/), z.string().regex(/^[\w.-]{0,64}$/)).optional(),
});

/** The payload back: bytes as base64 when they fit a Lambda response comfortably, else only in the cache. */
export interface ThumbnailResponse {
  status: 'ok' | 'unreadable';
  message?: string;
  contentType?: string;
  size?: number;
  bytes?: string;
}

const INLINE_PAYLOAD_BYTES = 4 * 1024 * 1024;

const maker = thumbnailMaker();

/** Makes one thumbnail (sharp, own memory size) and caches it in storage; see shared/domain/thumbnails.ts. */
export const handler = async (event: unknown): Promise<ThumbnailResponse> => {
  const request = ThumbnailEvent.parse(event);
  const result: ThumbnailResult = await maker.make(request);
  if (result.status === 'unreadable') return result;
  return {
    status: 'ok',
    contentType: result.contentType,
    size: result.size,
    bytes: result.bytes && result.bytes.length <= INLINE_PAYLOAD_BYTES ? Buffer.from(result.bytes).toString('base64') : undefined,
  };
};
