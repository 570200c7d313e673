/**
 * The cleanup of uploads never completed. TTL removes the pending record (and the id's claim); the TTL consumer
 * (`expire-files`) then deletes the object or aborts the multipart upload here. The S3 lifecycle rule that
 * aborts incomplete multipart uploads after a day is the backstop.
 */
import { contentKey } from '../file.ts';
import type { FileIndex, FileStore } from '../ports.ts';

/** What the TTL removal of a pending upload tells: enough to delete its object or abort its multipart upload. */
export interface AbandonedUpload {
  tenantId: string;
  id: string;
  multipartUploadId: string | null;
}

/**
 * TTL removed a pending upload that was never completed: its object (or multipart parts) go too. Runs in the
 * TTL consumer (`expire-files`), which needs only storage and the index.
 */
export class AbandonedUploads {
  constructor(
    private readonly store: FileStore,
    private readonly index: FileIndex,
  ) {}

  /** Idempotent. If the upload did complete (its pending record was left behind), the File owns the object. */
  async clean(upload: AbandonedUpload): Promise<void> {
    if (await this.index.get(upload.tenantId, upload.id)) return;
    const key = contentKey(upload.tenantId, upload.id);
    if (upload.multipartUploadId !== null) await this.store.abortMultipart(key, upload.multipartUploadId);
    await this.store.delete(key);
  }
}
