/**
 * FileIndex on DynamoDB (layout: table-schema.ts). Every list page is one Query per partition on a GSI with
 * a seek condition (`sort < after`), so its cost is the page, whatever the tenant holds. Writes are single-item
 * conditional puts: no transactions (the local DynamoDB server has none) and no read-modify-write races.
 */
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  atVersion,
  conditionally,
  conditionalPut,
  guarded,
  NEW_KEY,
  queryPages,
  readItem,
  type Condition,
  type Item,
  type PagedQuery,
  type QueryPage,
} from './dynamo-support.ts';
import { InternalError } from '../domain/errors.ts';
import type { FileRecord } from '../domain/file.ts';
import { AlreadyExistsError, type FileIndex, type ListPage, type ListPlan, type ListSource } from '../domain/ports.ts';
import { indexName, SORT_KEYS, type DimensionAttr, type SortAttr } from './table-schema.ts';

/** Lower than any character a name may hold (control characters are refused), so ties sort by id. */
const SEP = '\u0001';
const MAX_ROUNDS = 10;
const OPERATION = 'index operation';

/** Partition of a file and of everything that belongs to it (claims, pending uploads, share markers). */
export const filePk = (tenantId: string, id: string) => `T#${tenantId}#F#${id}`;
/** Schedule-index partition of items with a TTL (see table-schema.ts). */
export const EXPIRY_PARTITION = 'EXP';
const FILE_SK = 'F';

export function sortValues(file: Pick<FileRecord, 'id' | 'createdAt' | 'originalName' | 'size'>): Record<SortAttr, string> {
  return {
    sc: `${file.createdAt}${SEP}${file.id}`,
    // Cut by code points, not UTF-16 units: a split surrogate pair is not a valid DynamoDB string.
    sn: `${Array.from(file.originalName.normalize('NFKC').toLowerCase()).slice(0, 200).join('')}${SEP}${file.id}`,
    ss: `${String(file.size).padStart(15, '0')}${SEP}${file.id}`,
  };
}

function partitionOf(tenantId: string, source: ListSource): { attr: DimensionAttr; value: string } {
  const t = `T#${tenantId}`;
  switch (source.by) {
    case 'tenant':
      return { attr: 'g1pk', value: `${t}#${source.state}` };
    case 'owner':
      return { attr: 'g2pk', value: `${t}#${source.state}#o#${source.value}` };
    case 'sharedWith':
      return { attr: 'g2pk', value: `${t}#shared#${source.value}` };
    case 'entity':
      return { attr: 'g3pk', value: `${t}#${source.state}#e#${source.value.type}#${source.value.id}` };
    case 'category':
      return { attr: 'g4pk', value: `${t}#${source.state}#c#${source.value}` };
    case 'recordType':
      return { attr: 'g5pk', value: `${t}#${source.state}#r#${source.value}` };
    case 'fileRequest':
      return { attr: 'g6pk', value: `${t}#${source.state}#fr#${source.value}` };
  }
}

function toItem(file: FileRecord): Item {
  const { state, tenantId: t } = file;
  const item: Item = {
    pk: filePk(t, file.id),
    sk: FILE_SK,
    kind: 'file',
    ...file,
    ...sortValues(file),
    g1pk: partitionOf(t, { by: 'tenant', state }).value,
    g2pk: partitionOf(t, { by: 'owner', value: file.ownerId, state }).value,
    g4pk: partitionOf(t, { by: 'category', value: file.category, state }).value,
  };
  if (file.entity) item.g3pk = partitionOf(t, { by: 'entity', value: file.entity, state }).value;
  if (file.recordType) item.g5pk = partitionOf(t, { by: 'recordType', value: file.recordType, state }).value;
  if (file.fileRequestId) item.g6pk = partitionOf(t, { by: 'fileRequest', value: file.fileRequestId, state }).value;
  if (file.expiresAt) {
    item.ttl = Math.ceil(Date.parse(file.expiresAt) / 1000);
    // On the schedule index, so the local sweeper (standing in for TTL) reads only what is due.
    item.xpk = EXPIRY_PARTITION;
    item.xsk = `${file.expiresAt}${SEP}${file.id}`;
  }
  return item;
}

function fromItem(item: Item): FileRecord {
  const {
    pk: _pk, sk: _sk, kind: _kind, ttl: _ttl, sc: _sc, sn: _sn, ss: _ss,
    g1pk: _1, g2pk: _2, g3pk: _3, g4pk: _4, g5pk: _5, g6pk: _6, xpk: _x, xsk: _xs,
    ...file
  } = item;
  return { ...(file as unknown as FileRecord), sharedWith: (file.sharedWith as string[] | undefined) ?? [] };
}

const compareBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function matches(file: FileRecord, plan: ListPlan): boolean {
  const f = plan.filters;
  if (!f.states.includes(file.state)) return false;
  if (file.expiresAt !== null && file.expiresAt <= plan.now) return false;
  if (f.ownerId !== undefined && file.ownerId !== f.ownerId) return false;
  if (f.entity && (file.entity?.type !== f.entity.type || file.entity?.id !== f.entity.id)) return false;
  if (f.category !== undefined && file.category !== f.category) return false;
  if (f.recordType !== undefined && file.recordType !== f.recordType) return false;
  if (f.fileRequestId !== undefined && file.fileRequestId !== f.fileRequestId) return false;
  if (f.visibleTo !== undefined && file.ownerId !== f.visibleTo && !file.sharedWith.includes(f.visibleTo)) return false;
  return true;
}

/** Whether any filter applies that the partition itself does not (so some items read may not match). */
function filtersBeyond(plan: ListPlan, source: ListSource): boolean {
  const f = plan.filters;
  if (source.by === 'sharedWith') return true;
  return (
    (f.ownerId !== undefined && source.by !== 'owner') ||
    (f.entity !== undefined && source.by !== 'entity') ||
    (f.category !== undefined && source.by !== 'category') ||
    (f.recordType !== undefined && source.by !== 'recordType') ||
    (f.fileRequestId !== undefined && source.by !== 'fileRequest') ||
    (f.visibleTo !== undefined && source.by !== 'owner')
  );
}

interface SourceResult {
  files: FileRecord[];
  /** Set when the partition may hold more after the last position read. */
  frontier: string | null;
}

export class DynamoFileIndex implements FileIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(tenantId: string, id: string): Promise<FileRecord | null> {
    const item = await readItem(this.db, this.table, { pk: filePk(tenantId, id), sk: FILE_SK }, OPERATION);
    return item?.kind === 'file' ? fromItem(item) : null;
  }

  async holds(tenantId: string, id: string): Promise<boolean> {
    const out = await this.#call(() =>
      this.db.send(
        new GetCommand({
          TableName: this.table,
          Key: { pk: filePk(tenantId, id), sk: FILE_SK },
          ProjectionExpression: 'pk',
          ConsistentRead: true,
        }),
      ),
    );
    return out.Item !== undefined;
  }

  async create(file: FileRecord): Promise<void> {
    await this.#put(toItem(file), NEW_KEY);
  }

  async claim(tenantId: string, id: string, ttlSeconds: number): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const ttl = now + ttlSeconds;
    const item = {
      pk: filePk(tenantId, id),
      sk: FILE_SK,
      kind: 'claim',
      version: 0,
      ttl,
      xpk: EXPIRY_PARTITION,
      xsk: `${new Date(ttl * 1000).toISOString()}${SEP}${id}`,
    };
    // An expired claim (an upload that died) no longer holds the id, whether or not TTL has removed it yet.
    await this.#put(item, {
      expression: 'attribute_not_exists(pk) OR (kind = :claim AND #ttl < :now)',
      names: { '#ttl': 'ttl' },
      values: { ':claim': 'claim', ':now': now },
      failed: () => new AlreadyExistsError(),
    });
  }

  async replace(file: FileRecord, expectedVersion: number): Promise<void> {
    await this.#put(toItem(file), atVersion(expectedVersion));
  }

  async releaseClaim(tenantId: string, id: string): Promise<boolean> {
    return conditionally(
      'index claim release',
      async () => {
        await this.db.send(
          new DeleteCommand({
            TableName: this.table,
            Key: { pk: filePk(tenantId, id), sk: FILE_SK },
            ConditionExpression: '#kind = :claim',
            ExpressionAttributeNames: { '#kind': 'kind' },
            ExpressionAttributeValues: { ':claim': 'claim' },
          }),
        );
        return true;
      },
      () => false,
    );
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const keys: Item[] = [];
    const partition = this.#query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': filePk(tenantId, id) },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    for await (const page of partition) keys.push(...page.items);
    // Share markers first, the file record last: a retry after a failure still finds the file.
    keys.sort((a, b) => (a.sk === FILE_SK ? 1 : b.sk === FILE_SK ? -1 : 0));
    await this.#batchWrite(keys.map((Key) => ({ DeleteRequest: { Key } })));
  }

  async syncShares(file: FileRecord, previouslySharedWith: readonly string[]): Promise<void> {
    const pk = filePk(file.tenantId, file.id);
    const removed = previouslySharedWith.filter((u) => !file.sharedWith.includes(u));
    await this.#batchWrite([
      ...file.sharedWith.map((user) => ({
        PutRequest: {
          Item: {
            pk,
            sk: `S#${user}`,
            kind: 'share',
            fileId: file.id,
            g2pk: partitionOf(file.tenantId, { by: 'sharedWith', value: user }).value,
            ...sortValues(file),
          },
        },
      })),
      ...removed.map((user) => ({ DeleteRequest: { Key: { pk, sk: `S#${user}` } } })),
    ]);
  }

  async list(plan: ListPlan): Promise<ListPage> {
    const results = await Promise.all(plan.sources.map((source) => this.#readSource(plan, source)));
    const forward = plan.order === 'asc';
    const before = (a: string, b: string) => (forward ? compareBytes(a, b) < 0 : compareBytes(a, b) > 0);
    const sortAttr = SORT_KEYS[plan.sort];

    // Nothing past the nearest frontier of an unfinished partition may be shown: it could skip items there.
    let bound: string | null = null;
    for (const r of results) if (r.frontier !== null && (bound === null || before(r.frontier, bound))) bound = r.frontier;

    const seen = new Set<string>();
    const merged = results
      .flatMap((r) => r.files.map((file) => ({ file, key: sortValues(file)[sortAttr] })))
      .filter(({ key }) => bound === null || !before(bound, key))
      .sort((a, b) => (before(a.key, b.key) ? -1 : before(b.key, a.key) ? 1 : 0))
      .filter(({ file }) => !seen.has(file.id) && seen.add(file.id));

    const page = merged.slice(0, plan.limit);
    let nextAfter: string | null = null;
    if (merged.length > plan.limit || (page.length === plan.limit && bound !== null)) nextAfter = page.at(-1)!.key;
    else if (bound !== null) nextAfter = bound;
    return { files: page.map((p) => p.file), nextAfter };
  }

  /** Reads up to limit+1 matching files from one partition, after the cursor position. */
  async #readSource(plan: ListPlan, source: ListSource): Promise<SourceResult> {
    const sortAttr = SORT_KEYS[plan.sort];
    const { attr, value } = partitionOf(plan.tenantId, source);
    const want = plan.limit + 1;
    const found: FileRecord[] = [];
    const pages = this.#query(
      {
        IndexName: indexName(attr, sortAttr),
        KeyConditionExpression: plan.after === undefined ? '#p = :p' : `#p = :p AND #s ${plan.order === 'asc' ? '>' : '<'} :after`,
        ExpressionAttributeNames: { '#p': attr, ...(plan.after === undefined ? {} : { '#s': sortAttr }) },
        ExpressionAttributeValues: { ':p': value, ...(plan.after === undefined ? {} : { ':after': plan.after }) },
        ScanIndexForward: plan.order === 'asc',
      },
      // A page's worth; when filters apply beyond the partition, full rounds so fewer are needed.
      () => (filtersBeyond(plan, source) ? 100 : Math.min(100, Math.max(want - found.length, 10))),
    );
    let round = 0;
    for await (const page of pages) {
      const files = source.by === 'sharedWith' ? await this.#filesOf(plan.tenantId, page.items) : page.items.map(fromItem);
      for (const file of files) if (matches(file, plan) && found.length < want) found.push(file);
      if (found.length >= want) return { files: found, frontier: sortValues(found.at(-1)!)[sortAttr] };
      // Bounded work per page: what is left of the partition is resumed from here.
      if (++round >= MAX_ROUNDS && page.lastKey) return { files: found, frontier: String(page.lastKey[sortAttr]) };
    }
    return { files: found, frontier: null };
  }

  /** The current file records behind share markers, in the markers' order. */
  async #filesOf(tenantId: string, markers: Item[]): Promise<FileRecord[]> {
    if (markers.length === 0) return [];
    let keys: Item[] = markers.map((m) => ({ pk: filePk(tenantId, String(m.fileId)), sk: FILE_SK }));
    const byPk = new Map<string, FileRecord>();
    while (keys.length > 0) {
      const out = await this.#call(() => this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } })));
      for (const item of out.Responses?.[this.table] ?? []) byPk.set(String(item.pk), fromItem(item));
      keys = (out.UnprocessedKeys?.[this.table]?.Keys as Item[] | undefined) ?? [];
    }
    return markers.map((m) => byPk.get(filePk(tenantId, String(m.fileId)))).filter((f): f is FileRecord => !!f);
  }

  #put(item: Item, condition: Condition): Promise<void> {
    return conditionalPut(this.db, this.table, item, condition, 'index write');
  }

  #query(query: PagedQuery, limit?: () => number): AsyncGenerator<QueryPage> {
    return queryPages(this.db, this.table, query, OPERATION, limit);
  }

  async #batchWrite(requests: Item[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: Item[] = requests.slice(i, i + 25);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new InternalError('index batch write did not complete');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        const out = await this.#call(() => this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } })));
        pending = (out.UnprocessedItems?.[this.table] as Item[] | undefined) ?? [];
      }
    }
  }

  #call<T>(fn: () => Promise<T>): Promise<T> {
    return guarded(OPERATION, fn);
  }
}
