/**
 * PendingUploadStore on DynamoDB: one item (`sk = U`, kind `upload`) in the file's partition, next to the id's
 * claim, with the same TTL. Nothing lists it (no list-index attributes); it is on the schedule index so the local
 * sweeper removes it when due, as TTL does in AWS, and `expire-files` then cleans up storage.
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AbandonedUpload } from '../domain/large-uploads/abandoned-uploads.ts';
import type { PendingUpload, PendingUploadStore } from '../domain/large-uploads/pending-upload.ts';
import { guarded, isConditionFailure } from './dynamo-support.ts';
import { EXPIRY_PARTITION, filePk } from './dynamo-file-index.ts';
import { InternalError } from '../domain/errors.ts';

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
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      // Ids are fresh UUIDv7s: a taken one is a bug, not a client error.
      throw new InternalError(isConditionFailure(error) ? 'pending upload already exists' : 'pending upload write failed', { cause: error });
    }
  }

  async get(tenantId: string, id: string, now: Date): Promise<PendingUpload | null> {
    const out = await guarded('pending upload read', () =>
      this.db.send(new GetCommand({ TableName: this.table, Key: { pk: filePk(tenantId, id), sk: UPLOAD_SK }, ConsistentRead: true })),
    );
    const item = out.Item;
    if (!item || item.kind !== UPLOAD_KIND || (item.expiresAt as string) <= now.toISOString()) return null;
    const { pk: _pk, sk: _sk, kind: _kind, ttl: _ttl, xpk: _xpk, xsk: _xsk, ...upload } = item;
    return upload as PendingUpload;
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
