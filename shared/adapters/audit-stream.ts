/**
 * Reading the audit table's stream (NEW_IMAGE): the record each written item holds, with the item mapping the
 * table adapter uses (./audit-items.ts). Records are only ever inserted; a MODIFY (a record written over, which the
 * writer's conditional put rules out) is read all the same, so that even that would reach the archive. There are
 * no REMOVE records to read: the table's resource policy denies deletes to everyone.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { AuditRecord } from '../domain/audit/records.ts';
import { fromAuditItem } from './audit-items.ts';

/** The records a stream batch wrote, in stream order. */
export function auditRecordsOf(event: DynamoDBStreamEvent): AuditRecord[] {
  return (event.Records ?? []).flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    return image ? [fromAuditItem(unmarshall(image as Record<string, AttributeValue>))] : [];
  });
}
