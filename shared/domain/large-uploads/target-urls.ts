/**
 * Presigned URLs for a pending upload's bytes, written once: what reserving (`POST /v1/uploads`) hands out and what
 * renewing (`POST /v1/uploads/{fileId}/renew`) hands out again for the parts still missing.
 */
import { contentKey } from '../file.ts';
import type { FileStore } from '../ports.ts';
import type { PendingUpload } from './pending-upload.ts';
import type { MultipartTarget, SinglePutTarget } from './upload-target.ts';
import { uploadObjectHeaders } from './unfinished-upload.ts';

type Signed = Pick<PendingUpload, 'tenantId' | 'id' | 'name' | 'mimeType' | 'size' | 'sha256'>;

/** One PUT of the whole object: its type, disposition, size and (when declared) SHA-256 are signed. */
export async function singlePutTarget(store: FileStore, upload: Signed, ttlSeconds: number, expiresAt: string): Promise<SinglePutTarget> {
  const headers = uploadObjectHeaders(upload.mimeType, upload.name);
  const put = await store.presignPut(contentKey(upload.tenantId, upload.id), ttlSeconds, {
    ...headers,
    size: upload.size,
    ...(upload.sha256 !== null ? { sha256: upload.sha256 } : {}),
  });
  return { fileId: upload.id, method: 'PUT', url: put.url, headers: put.headers, expiresAt };
}

/** One PUT URL per part in `partNumbers` of the multipart upload `uploadId`. */
export async function partTargets(
  store: FileStore,
  upload: Pick<PendingUpload, 'tenantId' | 'id'>,
  uploadId: string,
  partSize: number,
  partNumbers: readonly number[],
  ttlSeconds: number,
  expiresAt: string,
): Promise<MultipartTarget> {
  const key = contentKey(upload.tenantId, upload.id);
  const parts = await Promise.all(
    partNumbers.map(async (partNumber) => ({ partNumber, url: await store.presignPart(key, uploadId, partNumber, ttlSeconds) })),
  );
  return { fileId: upload.id, partSize, parts, expiresAt };
}
