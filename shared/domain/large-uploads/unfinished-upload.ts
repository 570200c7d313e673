/**
 * What reserving and completing a large upload both know about an upload in progress: the ports that hold it
 * (its bytes or parts under the file's key, its pending record, its id's claim), the headers its object is
 * stored with, and how all of it is let go.
 */
import { contentKey } from '../file.ts';
import { dispositionFor, servedContentType } from '../files/stored-object.ts';
import type { FileIndex, FileStore, StoredObjectHeaders } from '../ports.ts';
import type { PendingUpload, PendingUploadStore } from './pending-upload.ts';

/** The ports an unfinished upload lives in. */
export interface UnfinishedUploadPorts {
  store: FileStore;
  index: FileIndex;
  pending: PendingUploadStore;
}

/** Signed into the URLs when reserving, and set again on completion when the bytes are of a related type. */
export function uploadObjectHeaders(mimeType: string, name: string): StoredObjectHeaders {
  return { contentType: servedContentType(mimeType), contentDisposition: dispositionFor(name, 'attachment') };
}

/**
 * Removes the upload's bytes (or multipart parts), then its pending record and its id's claim. Storage goes first:
 * should the records go and the bytes stay, nothing would be left to find them, whereas a pending record left
 * behind still has its TTL removal clean up (`AbandonedUploads`). Best effort: the caller is already failing.
 */
export async function discardUpload(
  { store, index, pending }: UnfinishedUploadPorts,
  upload: Pick<PendingUpload, 'tenantId' | 'id' | 'multipartUploadId'>,
): Promise<void> {
  const key = contentKey(upload.tenantId, upload.id);
  await Promise.allSettled([
    ...(upload.multipartUploadId !== null ? [store.abortMultipart(key, upload.multipartUploadId)] : []),
    store.delete(key),
  ]);
  await Promise.allSettled([pending.remove(upload.tenantId, upload.id), index.remove(upload.tenantId, upload.id)]);
}
