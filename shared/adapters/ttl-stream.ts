/**
 * Reading DynamoDB stream batches for TTL removals. TTL deletes are REMOVE records made by the DynamoDB
 * service itself (`userIdentity` type `Service`, principal `dynamodb.amazonaws.com`); deletes made by the API
 * (permanent delete, archive has none) are not expiries and are ignored here (the CDK mapping also filters them).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ExpiredFile } from '../domain/expiry.ts';
import type { AbandonedUpload } from '../domain/large-uploads/abandoned-uploads.ts';
import { abandonedUploadOf } from './dynamo-pending-uploads.ts';

export const TTL_PRINCIPAL = 'dynamodb.amazonaws.com';

export function isTtlRemoval(record: DynamoDBRecord): boolean {
  const identity = record.userIdentity as { type?: string; principalId?: string } | undefined;
  return record.eventName === 'REMOVE' && identity?.type === 'Service' && identity.principalId === TTL_PRINCIPAL;
}

/** The expired files of a stream batch, each with the record's sequence number (for partial batch failures). */
export function expiredFilesOf(event: DynamoDBStreamEvent): { file: ExpiredFile; sequenceNumber: string }[] {
  const out: { file: ExpiredFile; sequenceNumber: string }[] = [];
  for (const record of event.Records ?? []) {
    const image = record.dynamodb?.OldImage;
    if (!isTtlRemoval(record) || !image) continue;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item.kind !== 'file' || typeof item.tenantId !== 'string' || typeof item.id !== 'string') continue;
    out.push({
      file: { tenantId: item.tenantId, id: item.id, ownerId: String(item.ownerId) },
      sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
    });
  }
  return out;
}

/**
 * The pending uploads of a stream batch that TTL removed (never completed), each with the record's sequence
 * number: their objects are deleted and multipart uploads aborted.
 */
export function abandonedUploadsOf(event: DynamoDBStreamEvent): { upload: AbandonedUpload; sequenceNumber: string }[] {
  const out: { upload: AbandonedUpload; sequenceNumber: string }[] = [];
  for (const record of event.Records ?? []) {
    const image = record.dynamodb?.OldImage;
    if (!isTtlRemoval(record) || !image) continue;
    const upload = abandonedUploadOf(unmarshall(image as Record<string, AttributeValue>));
    if (upload) out.push({ upload, sequenceNumber: record.dynamodb?.SequenceNumber ?? '' });
  }
  return out;
}
