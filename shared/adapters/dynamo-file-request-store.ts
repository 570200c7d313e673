/**
 * FileRequestStore on DynamoDB, in the files' table (layout: table-schema.ts). A request is one item,
 * `pk = T#<tenant>#FR#<id>`, `sk = FR`. Lists use two of the dimension slots with the createdAt sort (`sc`):
 * `g1pk = T#<tenant>#FR#<status>` (the tenant's requests of one status) and
 * `g2pk = T#<tenant>#FR#<status>#o#<owner>` (one patient's). Tenant ids hold no `#` and file states are never
 * `FR`, so these values can never name a files partition. A page is one Query per status partition with a
 * seek condition (`sc < after`), merged newest first: its cost is the page, whatever the tenant holds.
 *
 * Files are added by one conditional UpdateItem (append while open and addressed to the owner), so an upload
 * racing a PATCH that cancels the request either lands before it or is refused.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { atVersion, conditionalPut, conditionally, NEW_KEY, queryPages, readItem, type Item } from './dynamo-support.ts';
import { InternalError } from '../domain/errors.ts';
import type { FileRequestListPlan, FileRequestPage, FileRequestSource, FileRequestStore } from '../domain/file-requests/ports.ts';
import type { FileRequestRecord } from '../domain/file-requests/record.ts';
import { indexName, type DimensionAttr } from './table-schema.ts';

/** Lower than any character of an ISO date, so ties on createdAt sort by id (as files do). */
const SEP = '\u0001';
const KIND = 'file-request';
const SK = 'FR';
const WRITE = 'file request write';
const OPERATION = 'file request store operation';

const requestPk = (tenantId: string, id: string) => `T#${tenantId}#FR#${id}`;

/** The sort position of a request in every list: createdAt, then id. Unique. */
export const fileRequestSortValue = (r: Pick<FileRequestRecord, 'createdAt' | 'id'>) => `${r.createdAt}${SEP}${r.id}`;

export function partitionOf(tenantId: string, source: FileRequestSource): { attr: DimensionAttr; value: string } {
  const base = `T#${tenantId}#FR#${source.status}`;
  return source.ownerId === undefined ? { attr: 'g1pk', value: base } : { attr: 'g2pk', value: `${base}#o#${source.ownerId}` };
}

function toItem(record: FileRequestRecord): Item {
  return {
    pk: requestPk(record.tenantId, record.id),
    sk: SK,
    kind: KIND,
    ...record,
    sc: fileRequestSortValue(record),
    g1pk: partitionOf(record.tenantId, { status: record.status }).value,
    g2pk: partitionOf(record.tenantId, { status: record.status, ownerId: record.ownerId }).value,
  };
}

function fromItem(item: Item): FileRequestRecord {
  const { pk: _pk, sk: _sk, kind: _kind, sc: _sc, g1pk: _1, g2pk: _2, ...record } = item;
  return record as unknown as FileRequestRecord;
}

export class DynamoFileRequestStore implements FileRequestStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(tenantId: string, id: string): Promise<FileRequestRecord | null> {
    const item = await readItem(this.db, this.table, { pk: requestPk(tenantId, id), sk: SK }, OPERATION);
    return item?.kind === KIND ? fromItem(item) : null;
  }

  async create(record: FileRequestRecord): Promise<void> {
    await conditionalPut(this.db, this.table, toItem(record), NEW_KEY, WRITE);
  }

  async replace(record: FileRequestRecord, expectedVersion: number): Promise<void> {
    await conditionalPut(this.db, this.table, toItem(record), atVersion(expectedVersion, KIND), WRITE);
  }

  async appendFiles(
    tenantId: string,
    id: string,
    ownerId: string,
    fileIds: readonly string[],
    options: { maxFileCount: number; updatedAt: string },
  ): Promise<FileRequestRecord | null> {
    const append = () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: requestPk(tenantId, id), sk: SK },
          UpdateExpression:
            'SET #fileIds = list_append(#fileIds, :ids), #fileCount = #fileCount + :n, #version = #version + :one, #updatedAt = :now',
          // attribute_exists first: an absent item must fail the condition, never be created by the update.
          ConditionExpression:
            'attribute_exists(pk) AND #kind = :kind AND #status = :open AND #ownerId = :owner AND #fileCount <= :room',
          ExpressionAttributeNames: {
            '#fileIds': 'fileIds',
            '#fileCount': 'fileCount',
            '#version': 'version',
            '#updatedAt': 'updatedAt',
            '#kind': 'kind',
            '#status': 'status',
            '#ownerId': 'ownerId',
          },
          ExpressionAttributeValues: {
            ':ids': [...fileIds],
            ':n': fileIds.length,
            ':one': 1,
            ':now': options.updatedAt,
            ':kind': KIND,
            ':open': 'open',
            ':owner': ownerId,
            ':room': options.maxFileCount - fileIds.length,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
    // Not a version conflict: the request is gone, not open, not the owner's or full (the gate says which).
    const out = await conditionally('file request update', append, () => null);
    if (out === null) return null;
    if (!out.Attributes) throw new InternalError('file request update returned no record');
    return fromItem(out.Attributes);
  }

  async list(plan: FileRequestListPlan): Promise<FileRequestPage> {
    const read = await Promise.all(plan.sources.map((source) => this.#readSource(plan, source)));
    // Each partition gave its newest `limit + 1` after the cursor (or all it has), so the newest `limit + 1`
    // of their union are among them: the page is exact, and one more means there is a next page.
    const merged = read
      .flat()
      .map((record) => ({ record, key: fileRequestSortValue(record) }))
      .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    const page = merged.slice(0, plan.limit);
    return {
      fileRequests: page.map((p) => p.record),
      nextAfter: merged.length > plan.limit ? page.at(-1)!.key : null,
    };
  }

  /** Up to limit+1 requests of one partition, newest first, after the cursor position. */
  async #readSource(plan: FileRequestListPlan, source: FileRequestSource): Promise<FileRequestRecord[]> {
    const { attr, value } = partitionOf(plan.tenantId, source);
    const want = plan.limit + 1;
    const found: FileRequestRecord[] = [];
    const pages = queryPages(
      this.db,
      this.table,
      {
        IndexName: indexName(attr, 'sc'),
        KeyConditionExpression: plan.after === undefined ? '#p = :p' : '#p = :p AND #s < :after',
        ExpressionAttributeNames: { '#p': attr, ...(plan.after === undefined ? {} : { '#s': 'sc' }) },
        ExpressionAttributeValues: { ':p': value, ...(plan.after === undefined ? {} : { ':after': plan.after }) },
        ScanIndexForward: false,
      },
      OPERATION,
      () => want - found.length,
    );
    // No filter beyond the partition: every page returns items (at least one per 1 MB), so this ends.
    for await (const page of pages) {
      for (const item of page.items) if (item.kind === KIND && found.length < want) found.push(fromItem(item));
      if (found.length >= want) break;
    }
    return found;
  }
}
