/**
 * `upload()`: inline (`POST /v1/files`) up to the inline limit, else straight to storage, resumable. Which route
 * is used is invisible to the caller: both answer the stored File.
 */
import type { Files } from '../resources/files.ts';
import type { Uploads } from '../resources/uploads.ts';
import type { Transport } from '../transport.ts';
import type { MedFile } from '../types.ts';
import { uploadDirect } from './direct-upload.ts';
import { uploadInline } from './inline-upload.ts';
import { mediaTypeOfName } from './media-types.ts';
import { checkUploadOptions, uploadMetadata, type UploadOptions } from './options.ts';
import { openSource, type UploadSource } from './source.ts';

/** The server's default inline limit (API Gateway and Lambda payload limits). */
export const INLINE_MAX_BYTES = 4 * 1024 * 1024;

export async function upload(
  api: { transport: Transport; uploads: Uploads; files: Files },
  source: UploadSource,
  options: UploadOptions = {},
): Promise<MedFile> {
  checkUploadOptions(options);
  options.signal?.throwIfAborted();
  const { blob, name: sourceName } = await openSource(source);
  const name = options.name ?? sourceName;
  if (!name) throw new TypeError('upload() needs options.name for a Blob or bytes without a name');
  const mimeType = options.mimeType || blob.type || mediaTypeOfName(name);
  const metadata = uploadMetadata(options);
  const total = blob.size;

  if (options.fileId === undefined && total <= (options.inlineMaxBytes ?? INLINE_MAX_BYTES)) {
    options.onProgress?.({ loaded: 0, total });
    const file = await uploadInline(api.transport, blob, { name, ...(mimeType ? { mimeType } : {}) }, metadata, options.signal);
    options.onProgress?.({ loaded: total, total });
    return file;
  }
  // No type is refused by the server with a message that says so (422 on mimeType).
  const reservation = { ...metadata, name, mimeType: mimeType ?? '', size: total };
  return uploadDirect({ uploads: api.uploads, files: api.files, fetch: api.transport.fetch }, blob, reservation, options);
}
