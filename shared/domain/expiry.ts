/**
 * Files with a lifetime. From `expiresAt` on, a file is 404 everywhere and never listed (reads filter on it).
 * Removal follows: in AWS, DynamoDB TTL deletes the record and its stream calls `expire-files`, which removes
 * the bytes, thumbnails and share markers and publishes `file.expired`; locally a sweeper does what TTL and
 * the stream do and calls the same handler. An S3 lifecycle rule on the expiry tag is the backstop for objects
 * whose record removal was missed.
 */
import { fileKeyPrefix } from './file.ts';
import type { EventPublisher, FileIndex, FileStore } from './ports.ts';

/** The object tag the lifecycle backstop acts on. */
export const EXPIRY_TAG = 'medfiles-expires-within-days';

/** Lifecycle buckets (days): an object is tagged with the smallest bucket that covers its lifetime. */
export const EXPIRY_TAG_BUCKETS = [1, 7, 30, 90, 365, 3653] as const;

/**
 * Days after creation at which the lifecycle rule of a bucket deletes the object: the bucket plus a grace of
 * two days, because DynamoDB TTL may remove the record up to about two days after it expires, and the record
 * must never point at a missing object while it is still there.
 */
export const LIFECYCLE_GRACE_DAYS = 2;

export function expiryTagValue(expiryIntervalSeconds: number): string {
  const days = Math.ceil(expiryIntervalSeconds / 86_400);
  return String(EXPIRY_TAG_BUCKETS.find((b) => b >= days) ?? EXPIRY_TAG_BUCKETS.at(-1)!);
}

/** What the TTL removal of a file record tells: ids only. */
export interface ExpiredFile {
  tenantId: string;
  id: string;
  ownerId: string;
}

export class ExpiryService {
  constructor(
    private readonly store: FileStore,
    private readonly index: FileIndex,
    private readonly events: EventPublisher,
  ) {}

  /**
   * Removes what remains of an expired file (bytes, thumbnails, share markers) and says so. Idempotent.
   * A client-chosen id can be uploaded to again once its record is gone: if the id already holds a new file or
   * an upload's claim, its storage and partition are the new file's and are left alone (a new upload clears
   * the old leftovers itself before it writes).
   */
  async expire(file: ExpiredFile): Promise<void> {
    if (!(await this.index.holds(file.tenantId, file.id))) {
      await this.store.deletePrefix(fileKeyPrefix(file.tenantId, file.id));
      await this.index.remove(file.tenantId, file.id);
    }
    await this.events.publish([
      { type: 'file.expired', tenantId: file.tenantId, data: { fileId: file.id, ownerId: file.ownerId } },
    ]);
  }
}
