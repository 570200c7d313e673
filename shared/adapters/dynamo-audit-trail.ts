/**
 * The audit trail in its own DynamoDB table (./audit-table-schema.ts). Append-only: each record is a conditional
 * PutItem that never replaces an item (the functions' IAM roles hold PutItem and nothing that updates or deletes),
 * and pages are one Query each on the index that matches the most selective filter.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditPage, AuditQuery, AuditTrail } from '../domain/audit/ports.ts';
import type { AuditRecord } from '../domain/audit/records.ts';
import { mapLimit } from '../domain/map-limit.ts';
import { AUDIT_INDEXES, AUDIT_TABLE_SCHEMA } from './audit-table-schema.ts';
import { actionKey, actorKey, fileKey, fromAuditItem, toAuditItem } from './audit-items.ts';
import { guarded, type Item } from './dynamo-support.ts';

/** Records of one request (a list page holds up to 100) written at once, at most this many at a time. */
const WRITE_CONCURRENCY = 16;

export class DynamoAuditTrail implements AuditTrail {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, table: string) {
    this.#db = db;
    this.#table = table;
  }

  async append(records: readonly AuditRecord[]): Promise<void> {
    await mapLimit(records, WRITE_CONCURRENCY, (record) =>
      guarded('audit append', () =>
        this.#db.send(
          new PutCommand({
            TableName: this.#table,
            Item: toAuditItem(record),
            ConditionExpression: 'attribute_not_exists(#sk)',
            ExpressionAttributeNames: { '#sk': AUDIT_TABLE_SCHEMA.sortKey },
          }),
        ),
      ),
    );
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    const { index, partition, filters } = plan(query);
    const names: Record<string, string> = { '#p': partition.attribute };
    const values: Item = { ':p': partition.value };
    let condition = '#p = :p';
    if (query.after !== undefined) {
      condition += ' AND #sk < :after';
      names['#sk'] = AUDIT_TABLE_SCHEMA.sortKey;
      values[':after'] = query.after;
    }
    const filterParts = filters.map(([attribute, value], i) => {
      names[`#f${i}`] = attribute;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    // Unfiltered, one extra item says whether a next page exists; filtered, DynamoDB's own page end says so.
    const filtered = filterParts.length > 0;
    const out = await guarded('audit query', () =>
      this.#db.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: index,
          KeyConditionExpression: condition,
          ...(filtered ? { FilterExpression: filterParts.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: filtered ? query.limit : query.limit + 1,
        }),
      ),
    );
    const items = out.Items ?? [];
    if (filtered) {
      const lastKey = out.LastEvaluatedKey?.[AUDIT_TABLE_SCHEMA.sortKey];
      return { records: items.map(fromAuditItem), last: typeof lastKey === 'string' ? lastKey : null };
    }
    const records = items.slice(0, query.limit).map(fromAuditItem);
    return { records, last: items.length > query.limit ? records.at(-1)!.id : null };
  }
}

interface Plan {
  index: string | undefined;
  partition: { attribute: string; value: string };
  filters: [attribute: string, value: string][];
}

/** The index for the most selective filter (file, actor, action, else the tenant), the other filters applied to it. */
function plan(q: AuditQuery): Plan {
  if (q.fileId !== undefined && q.accessesOnly) {
    return { index: AUDIT_INDEXES.access.name, partition: { attribute: AUDIT_INDEXES.access.partitionKey, value: fileKey(q.tenantId, q.fileId) }, filters: [] };
  }
  const actor = q.actorId !== undefined ? (['actorId', q.actorId] as [string, string]) : undefined;
  const action = q.action !== undefined ? (['action', q.action] as [string, string]) : undefined;
  if (q.fileId !== undefined) {
    return {
      index: undefined,
      partition: { attribute: AUDIT_TABLE_SCHEMA.partitionKey, value: fileKey(q.tenantId, q.fileId) },
      filters: [actor, action].filter((f) => f !== undefined),
    };
  }
  if (q.actorId !== undefined) {
    return {
      index: AUDIT_INDEXES.actor.name,
      partition: { attribute: AUDIT_INDEXES.actor.partitionKey, value: actorKey(q.tenantId, q.actorId) },
      filters: action ? [action] : [],
    };
  }
  if (q.action !== undefined) {
    return { index: AUDIT_INDEXES.action.name, partition: { attribute: AUDIT_INDEXES.action.partitionKey, value: actionKey(q.tenantId, q.action) }, filters: [] };
  }
  return { index: AUDIT_INDEXES.tenant.name, partition: { attribute: AUDIT_INDEXES.tenant.partitionKey, value: q.tenantId }, filters: [] };
}
