/**
 * PendingUploadStore on DynamoDB: one item (`sk = U`, kind `upload`) in the file's partition, next to the id's
 * claim, with the same TTL. Nothing lists it (no list-index attributes); it is on the schedule index so the local
 * sweeper removes it when due, as TTL does in AWS, and `expire-files` then cleans up storage.
 */
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AbandonedUpload } from '../domain/large-uploads/abandoned-uploads.ts';
import type { PendingUpload, PendingUploadStore } from '../domain/large-uploads/pending-upload.ts';
import { conditionalPut, guarded, NEW_KEY, readItem } from './dynamo-support.ts';
import { EXPIRY_PARTITION, filePk } from './dynamo-file-index.ts';

const UPLOAD_SK = 'U';
export const UPLOAD_KIND = 'upload';

export class DynamoPendingUploads implements PendingUploadStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(upload: PendingUpload): Promise<void> {
    const item = {
      pk: filePk(upload.tenantId, upload.id),
      sk: UPLOAD_SK,
      kind: UPLOAD_KIND,
      ...upload,
      ttl: Math.ceil(Date.parse(upload.expiresAt) / 1000),
      xpk: EXPIRY_PARTITION,
      xsk: `${upload.expiresAt}\u0001${upload.id}`,
    };
    await conditionalPut(this.db, this.table, item, NEW_KEY, 'pending upload write');
  }

  async get(tenantId: string, id: string, now: Date): Promise<PendingUpload | null> {
    const item = await readItem(this.db, this.table, { pk: filePk(tenantId, id), sk: UPLOAD_SK }, 'pending upload read');
    if (!item || item.kind !== UPLOAD_KIND || (item.expiresAt as string) <= now.toISOString()) return null;
    const { pk: _pk, sk: _sk, kind: _kind, ttl: _ttl, xpk: _xpk, xsk: _xsk, ...upload } = item;
    return upload as unknown as PendingUpload;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await guarded('pending upload removal', () =>
      this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: filePk(tenantId, id), sk: UPLOAD_SK } })),
    );
  }
}

/** The abandoned upload a TTL-removed item describes, or null when the item is not a pending upload. */
export function abandonedUploadOf(item: Record<string, unknown>): AbandonedUpload | null {
  if (item.kind !== UPLOAD_KIND || typeof item.tenantId !== 'string' || typeof item.id !== 'string') return null;
  return {
    tenantId: item.tenantId,
    id: item.id,
    multipartUploadId: typeof item.multipartUploadId === 'string' ? item.multipartUploadId : null,
  };
}
