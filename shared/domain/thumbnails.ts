/**
 * Thumbnails on demand. The content route asks a `Thumbnailer` (its own Lambda in AWS, with sharp and more
 * memory; the same handler in-process locally); the `ThumbnailMaker` behind it reads the original, makes
 * the thumbnail under the pixel and size guards, and caches it in storage next to the file, so later
 * requests are served from the cache and never rebuilt. Thumbnails depend only on the bytes, which never
 * change, so the cache is only ever removed with its file.
 */
import { createHash } from 'node:crypto';
import { contentKey, fileKeyPrefix } from './file.ts';
import { ImageUnreadableError, type ImageProcessor } from './images.ts';
import type { FileStore } from './ports.ts';
import type { ThumbnailRequest, ThumbnailResult } from './thumbnail-payload.ts';

/** Makes (and caches) a thumbnail. */
export interface Thumbnailer {
  make(request: ThumbnailRequest): Promise<ThumbnailResult>;
}

/**
 * Derived from the file id, the requested box and the requested format: no names. It is known from the request
 * alone (a file's default format never changes, as its bytes never do), so the cache can be read while the
 * metadata is.
 */
export const thumbnailKey = (r: Pick<ThumbnailRequest, 'tenantId' | 'fileId' | 'width' | 'height' | 'variant'>) =>
  `${fileKeyPrefix(r.tenantId, r.fileId)}thumbnails/${r.width}x${r.height}.${r.variant}`;

export class ThumbnailMaker implements Thumbnailer {
  constructor(
    private readonly store: FileStore,
    private readonly images: ImageProcessor,
    private readonly maxInputBytes: number,
  ) {}

  async make(request: ThumbnailRequest): Promise<ThumbnailResult> {
    const original = await this.store.open(contentKey(request.tenantId, request.fileId));
    if (!original) return { status: 'unreadable', message: 'The image is not available' };
    if (original.size > this.maxInputBytes) {
      original.abort();
      return { status: 'unreadable', message: 'The image is too large for a thumbnail' };
    }
    try {
      const thumb = await this.images.thumbnail(await original.read(), request);
      await this.store.put(thumbnailKey(request), thumb.bytes, {
        contentType: thumb.contentType,
        contentDisposition: 'inline',
        sha256: createHash('sha256').update(thumb.bytes).digest('hex'),
        tags: request.tags,
      });
      return { status: 'ok', contentType: thumb.contentType, size: thumb.bytes.length, bytes: thumb.bytes };
    } catch (error) {
      if (error instanceof ImageUnreadableError) return { status: 'unreadable', message: error.message };
      throw error;
    }
  }
}
