/**
 * Reading the audit table's stream (NEW_AND_OLD_IMAGES, infra/audit.ts): what happened to each item, with the
 * records its images hold (the item mapping the table adapter uses, ./audit-items.ts).
 *
 * Records are only ever inserted, but the table cannot enforce that on its own: a role holding PutItem could write
 * over a record (the writer's put is conditional; PutItem itself need not be), and an administrator could drop the
 * table's resource policy and delete one. So a MODIFY or a REMOVE is read too, with the record as it was, for the
 * archive to keep both and the archiver to raise the alarm (functions/archive-audit-events.ts).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AuditRecord } from '../domain/audit/records.ts';
import { fromAuditItem } from './audit-items.ts';

/** One stream record: a record written (INSERT), written over (MODIFY) or removed (REMOVE). */
export type AuditChange =
  | { event: 'INSERT'; record: AuditRecord }
  | { event: 'MODIFY'; record: AuditRecord; previous: AuditRecord }
  | { event: 'REMOVE'; previous: AuditRecord };

/** A change that only tampering can cause. */
export type AuditTampering = Exclude<AuditChange, { event: 'INSERT' }>;

export const isTampering = (change: AuditChange): change is AuditTampering => change.event !== 'INSERT';

/** The changes of a stream batch, in stream order. */
export function auditChangesOf(event: DynamoDBStreamEvent): AuditChange[] {
  return (event.Records ?? []).map(auditChangeOf);
}

/**
 * Fails on a record without the images its event needs (a stream whose view type is not NEW_AND_OLD_IMAGES, as
 * for the records written just before the view changed), rather than archive it short: the mapping then retries
 * it and names it in the dead-letter queue.
 */
function auditChangeOf(streamRecord: DynamoDBRecord): AuditChange {
  const { eventName, dynamodb } = streamRecord;
  const record = imageRecord(dynamodb?.NewImage);
  const previous = imageRecord(dynamodb?.OldImage);
  if (eventName === 'INSERT' && record) return { event: eventName, record };
  if (eventName === 'MODIFY' && record && previous) return { event: eventName, record, previous };
  if (eventName === 'REMOVE' && previous) return { event: eventName, previous };
  throw new Error(`audit stream record ${streamRecord.eventID ?? '?'} (${eventName ?? '?'}) lacks the images it needs`);
}

function imageRecord(image: Record<string, unknown> | undefined): AuditRecord | undefined {
  return image ? fromAuditItem(unmarshall(image as Record<string, AttributeValue>)) : undefined;
}
