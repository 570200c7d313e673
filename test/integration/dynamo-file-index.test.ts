/**
 * DynamoFileIndex against a real DynamoDB-compatible server (dynalite): records, conditional writes,
 * claims of client-chosen ids, share markers, and removal of everything in a file's partition.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFileIndex } from '../../shared/adapters/dynamo-file-index.ts';
import type { Caller, FileRecord } from '../../shared/domain/file.ts';
import { listPlan } from '../../shared/domain/files/listing.ts';
import { AlreadyExistsError, VersionConflictError } from '../../shared/domain/ports.ts';
import { ListQuery } from '../../shared/http/formats/files.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';
import { fileRecord } from '../support/integration-records.ts';

let clients: IntegrationClients;
let index: DynamoFileIndex;
const tenant = `crud-${Date.now()}`;
const now = () => new Date().toISOString();

beforeAll(() => {
  clients = makeIntegrationClients();
  index = new DynamoFileIndex(clients.db, clients.table);
});
afterAll(() => clients.destroy());

/** Every item stored in a file's base-table partition (the record, share markers, claims). */
async function partitionItems(file: Pick<FileRecord, 'tenantId' | 'id'>): Promise<Record<string, unknown>[]> {
  const out = await clients.db.send(
    new QueryCommand({
      TableName: clients.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `T#${file.tenantId}#F#${file.id}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

const caller = (sub: string, role: Caller['role'] = 'patient'): Caller => ({ sub, tenantId: tenant, role, via: 'token' });

async function listIds(who: Caller, query: Record<string, string> = {}): Promise<string[]> {
  const page = await index.list({ ...listPlan(who, ListQuery.parse({ limit: '100', ...query })), now: now() });
  return page.files.map((f) => f.id);
}

describe('records', () => {
  it('create then get returns the record exactly, nulls and nested values included', async () => {
    const record = fileRecord({
      tenantId: tenant,
      originalName: 'Grüße 日本.pdf',
      description: 'line one\nline two',
      entity: { type: 'visit', id: 'v-42' },
      recordType: 'dental',
      expiresAt: '2099-01-01T00:00:00.000Z',
      imageWidth: 3024,
      imageHeight: 4032,
    });
    await index.create(record);
    expect(await index.get(tenant, record.id)).toEqual(record);
  });

  it('get of an unknown id, or of the id in another tenant, is null', async () => {
    const record = fileRecord({ tenantId: tenant });
    await index.create(record);
    expect(await index.get(tenant, '0193a5c2-7b4e-7000-8000-00000000dead')).toBeNull();
    expect(await index.get(`${tenant}-other`, record.id)).toBeNull();
  });

  it('the same id in another tenant neither conflicts nor reveals anything', async () => {
    const mine = fileRecord({ tenantId: tenant });
    const theirs = { ...fileRecord({ tenantId: `${tenant}-other` }), id: mine.id };
    await index.create(mine);
    await index.create(theirs);
    expect(await index.get(tenant, mine.id)).toEqual(mine);
    expect(await index.get(`${tenant}-other`, mine.id)).toEqual(theirs);
  });

  it('create of a taken id throws AlreadyExistsError and keeps the first record', async () => {
    const record = fileRecord({ tenantId: tenant });
    await index.create(record);
    await expect(index.create({ ...record, originalName: 'other.pdf' })).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await index.get(tenant, record.id)).toEqual(record);
  });

  it('replace succeeds on the expected version and conflicts on any other', async () => {
    const record = fileRecord({ tenantId: tenant });
    await index.create(record);
    const v2 = { ...record, description: 'v2', version: 2 };
    await index.replace(v2, 1);
    expect(await index.get(tenant, record.id)).toEqual(v2);
    await expect(index.replace({ ...record, description: 'stale', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
    await expect(index.replace({ ...record, description: 'ahead', version: 4 }, 3)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await index.get(tenant, record.id)).toEqual(v2);
  });

  it('replace of a record that does not exist conflicts and creates nothing', async () => {
    const record = fileRecord({ tenantId: tenant });
    await expect(index.replace(record, 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await index.get(tenant, record.id)).toBeNull();
  });

  it('replace moves a file between list partitions (archive)', async () => {
    const owner = `owner-${Date.now()}`;
    const record = fileRecord({ tenantId: tenant, ownerId: owner });
    await index.create(record);
    expect(await listIds(caller(owner))).toEqual([record.id]);
    await index.replace({ ...record, state: 'archived', version: 2 }, 1);
    expect(await listIds(caller(owner))).toEqual([]);
    expect(await listIds(caller(owner), { state: 'archived' })).toEqual([record.id]);
  });
});

describe('claims of client-chosen ids', () => {
  it('a claim is invisible, blocks other claims and creates, and becomes the file with replace(file, 0)', async () => {
    const owner = `claimer-${Date.now()}`;
    const record = fileRecord({ tenantId: tenant, ownerId: owner });
    await index.claim(tenant, record.id, 3600);
    expect(await index.get(tenant, record.id)).toBeNull();
    expect(await listIds(caller(owner))).toEqual([]);
    await expect(index.claim(tenant, record.id, 3600)).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(index.create(record)).rejects.toBeInstanceOf(AlreadyExistsError);
    await index.replace(record, 0);
    expect(await index.get(tenant, record.id)).toEqual(record);
    expect(await listIds(caller(owner))).toEqual([record.id]);
    await expect(index.claim(tenant, record.id, 3600)).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('a claim given up with remove frees the id', async () => {
    const record = fileRecord({ tenantId: tenant });
    await index.claim(tenant, record.id, 3600);
    await index.remove(tenant, record.id);
    expect(await partitionItems(record)).toEqual([]);
    await expect(index.claim(tenant, record.id, 3600)).resolves.toBeUndefined();
  });

  it('an expired claim (an upload that died) no longer holds the id', async () => {
    // DynamoDB deletes expired items up to days late, and local servers never do: the port promises the
    // claim "expires by itself after ttlSeconds", so a claim whose TTL has passed must not block a retry.
    const record = fileRecord({ tenantId: tenant });
    await index.claim(tenant, record.id, 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(index.claim(tenant, record.id, 3600)).resolves.toBeUndefined();
  });
});

describe('share markers', () => {
  it('syncShares adds and removes markers, and remove deletes the record and every marker', async () => {
    const owner = `sharer-${Date.now()}`;
    const record = fileRecord({ tenantId: tenant, ownerId: owner });
    await index.create(record);
    const shared = { ...record, sharedWith: ['reader-a', 'reader-b'], version: 2 };
    await index.replace(shared, 1);
    await index.syncShares(shared, []);
    expect((await partitionItems(record)).map((i) => i.sk).sort()).toEqual(['F', 'S#reader-a', 'S#reader-b']);
    expect(await listIds(caller('reader-a'), { includeShared: 'true' })).toEqual([record.id]);

    const fewer = { ...shared, sharedWith: ['reader-b', 'reader-c'], version: 3 };
    await index.replace(fewer, 2);
    await index.syncShares(fewer, shared.sharedWith);
    expect((await partitionItems(record)).map((i) => i.sk).sort()).toEqual(['F', 'S#reader-b', 'S#reader-c']);
    expect(await listIds(caller('reader-a'), { includeShared: 'true' })).toEqual([]);
    expect(await listIds(caller('reader-c'), { includeShared: 'true' })).toEqual([record.id]);

    await index.remove(tenant, record.id);
    expect(await partitionItems(record)).toEqual([]);
    expect(await index.get(tenant, record.id)).toBeNull();
    expect(await listIds(caller('reader-b'), { includeShared: 'true' })).toEqual([]);
    expect(await listIds(caller(owner))).toEqual([]);
  });

  it('remove of a file with more markers than one batch removes them all', async () => {
    const record = fileRecord({ tenantId: tenant });
    await index.create(record);
    const shared = { ...record, sharedWith: Array.from({ length: 60 }, (_, i) => `reader-${i}`), version: 2 };
    await index.replace(shared, 1);
    await index.syncShares(shared, []);
    expect(await partitionItems(record)).toHaveLength(61);
    await index.remove(tenant, record.id);
    expect(await partitionItems(record)).toEqual([]);
  });

  it('remove of an unknown id does nothing', async () => {
    await expect(index.remove(tenant, '0193a5c2-7b4e-7000-8000-00000000f00d')).resolves.toBeUndefined();
  });
});
