/**
 * DynamoFileRequestStore against a real DynamoDB-compatible server (dynalite): records round-trip, conditional
 * create/replace, the conditional append of files (open, owner, room), list pages by status and owner through
 * the GSIs (newest first, every request once across cursor pages, no other tenant's or files' items), and the
 * store behind the file-request use cases.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFileIndex } from '../../shared/adapters/dynamo-file-index.ts';
import { DynamoFileRequestStore, partitionOf } from '../../shared/adapters/dynamo-file-request-store.ts';
import { indexName } from '../../shared/adapters/table-schema.ts';
import type { Caller } from '../../shared/domain/file.ts';
import type { FileRequestListPlan, FileRequestSource } from '../../shared/domain/file-requests/ports.ts';
import type { FileRequestRecord } from '../../shared/domain/file-requests/record.ts';
import type { FileRequestStatus } from '../../shared/domain/file-requests/schemas.ts';
import { ListFileRequestsQuery } from '../../shared/http/formats/file-requests.ts';
import { fileRequestUseCases, type FileRequestUseCases } from '../support/file-request-use-cases.ts';
import { AlreadyExistsError, VersionConflictError } from '../../shared/domain/ports.ts';
import { Sealer } from '../../shared/domain/sealing.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';
import { fileRecord } from '../support/integration-records.ts';

let clients: IntegrationClients;
let store: DynamoFileRequestStore;
const run = Date.now();
let sequence = 0;

beforeAll(() => {
  clients = makeIntegrationClients();
  store = new DynamoFileRequestStore(clients.db, clients.table);
});
afterAll(() => clients.destroy());

/** A complete record; `createdAt` defaults to a distinct instant per call. */
function requestRecord(overrides: Partial<FileRequestRecord> & { tenantId: string }): FileRequestRecord {
  sequence += 1;
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 0, 1) + sequence * 1000).toISOString();
  return {
    id: uuidv7(),
    ownerId: 'patient-1',
    requestedBy: { id: 'provider-7', role: 'provider' },
    message: `Photos, please (${sequence})`,
    categories: [],
    entity: null,
    dueAt: null,
    status: 'open',
    fileIds: [],
    fileCount: 0,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...overrides,
  };
}

const options = { maxFileCount: 5, updatedAt: '2026-06-01T00:00:00.000Z' };

describe('records', () => {
  const tenant = `fr-crud-${run}`;

  it('create then get returns the record exactly, nested values, nulls and empty lists included', async () => {
    const full = requestRecord({
      tenantId: tenant,
      message: 'Zeile eins\nZeile zwei\t😀 日本',
      categories: ['imaging', 'lab_result'],
      entity: { type: 'visit', id: 'v-42' },
      dueAt: '2026-12-01T09:00:00.000Z',
      requestedBy: { id: 'service-1', role: 'service' },
    });
    const bare = requestRecord({ tenantId: tenant });
    await store.create(full);
    await store.create(bare);
    expect(await store.get(tenant, full.id)).toEqual(full);
    expect(await store.get(tenant, bare.id)).toEqual(bare);
  });

  it('an unknown id, or the id in another tenant, is null; the same id in another tenant does not conflict', async () => {
    const mine = requestRecord({ tenantId: tenant });
    await store.create(mine);
    expect(await store.get(tenant, uuidv7())).toBeNull();
    expect(await store.get(`${tenant}-other`, mine.id)).toBeNull();
    const theirs = { ...mine, tenantId: `${tenant}-other`, ownerId: 'someone-else' };
    await store.create(theirs);
    expect(await store.get(tenant, mine.id)).toEqual(mine);
    expect(await store.get(`${tenant}-other`, mine.id)).toEqual(theirs);
  });

  it('create of a taken id throws AlreadyExistsError and keeps the first record', async () => {
    const record = requestRecord({ tenantId: tenant });
    await store.create(record);
    await expect(store.create({ ...record, message: 'second' })).rejects.toBeInstanceOf(AlreadyExistsError);
    expect((await store.get(tenant, record.id))!.message).toBe(record.message);
  });

  it('a file with the same id is not a file request, and the other way round', async () => {
    const index = new DynamoFileIndex(clients.db, clients.table);
    const file = fileRecord({ tenantId: tenant });
    await index.create(file);
    expect(await store.get(tenant, file.id)).toBeNull();
    const request = requestRecord({ tenantId: tenant, id: file.id });
    await store.create(request);
    expect(await store.get(tenant, file.id)).toEqual(request);
    expect(await index.get(tenant, file.id)).toEqual(file);
  });

  it('replace succeeds only on the expected version', async () => {
    const record = requestRecord({ tenantId: tenant });
    await store.create(record);
    const next = { ...record, status: 'cancelled' as const, message: 'changed', version: 2 };
    await store.replace(next, 1);
    expect(await store.get(tenant, record.id)).toEqual(next);
    await expect(store.replace({ ...next, message: 'stale', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect((await store.get(tenant, record.id))!.message).toBe('changed');
    await expect(store.replace(requestRecord({ tenantId: tenant, version: 2 }), 1)).rejects.toBeInstanceOf(VersionConflictError);
  });
});

describe('appendFiles', () => {
  const tenant = `fr-append-${run}`;

  it('appends in order, counts, bumps version and updatedAt', async () => {
    const record = requestRecord({ tenantId: tenant });
    await store.create(record);
    const first = await store.appendFiles(tenant, record.id, 'patient-1', ['f-1', 'f-2'], options);
    expect(first).toEqual({ ...record, fileIds: ['f-1', 'f-2'], fileCount: 2, version: 2, updatedAt: options.updatedAt });
    const second = await store.appendFiles(tenant, record.id, 'patient-1', ['f-3'], options);
    expect(second).toMatchObject({ fileIds: ['f-1', 'f-2', 'f-3'], fileCount: 3, version: 3 });
    expect(await store.get(tenant, record.id)).toEqual(second);
  });

  it.each(['fulfilled', 'cancelled'] as const)('refuses a %s request and leaves it unchanged', async (status) => {
    const record = requestRecord({ tenantId: tenant, status });
    await store.create(record);
    expect(await store.appendFiles(tenant, record.id, 'patient-1', ['f-1'], options)).toBeNull();
    expect(await store.get(tenant, record.id)).toEqual(record);
  });

  it('refuses another owner, another tenant and an absent id, and creates nothing', async () => {
    const record = requestRecord({ tenantId: tenant });
    await store.create(record);
    expect(await store.appendFiles(tenant, record.id, 'patient-2', ['f-1'], options)).toBeNull();
    expect(await store.appendFiles(`${tenant}-other`, record.id, 'patient-1', ['f-1'], options)).toBeNull();
    const absent = uuidv7();
    expect(await store.appendFiles(tenant, absent, 'patient-1', ['f-1'], options)).toBeNull();
    expect(await store.get(tenant, absent)).toBeNull();
    expect(await store.get(`${tenant}-other`, record.id)).toBeNull();
    expect(await store.get(tenant, record.id)).toEqual(record);
  });

  it('refuses what would go over the maximum, all of it', async () => {
    const record = requestRecord({ tenantId: tenant });
    await store.create(record);
    expect(await store.appendFiles(tenant, record.id, 'patient-1', ['1', '2', '3', '4'], options)).not.toBeNull();
    expect(await store.appendFiles(tenant, record.id, 'patient-1', ['5', '6'], options)).toBeNull();
    expect((await store.get(tenant, record.id))!.fileCount).toBe(4);
    expect(await store.appendFiles(tenant, record.id, 'patient-1', ['5'], options)).toMatchObject({ fileCount: 5 });
    expect(await store.appendFiles(tenant, record.id, 'patient-1', ['6'], options)).toBeNull();
  });

  it('concurrent appends all land, none lost', async () => {
    const record = requestRecord({ tenantId: tenant });
    await store.create(record);
    const ids = Array.from({ length: 10 }, (_, i) => `c-${i}`);
    await Promise.all(ids.map((id) => store.appendFiles(tenant, record.id, 'patient-1', [id], { ...options, maxFileCount: 100 })));
    const after = (await store.get(tenant, record.id))!;
    expect(after.fileCount).toBe(10);
    expect([...after.fileIds].sort()).toEqual([...ids].sort());
    expect(after.version).toBe(11);
  });

  it('a replace based on a read before an append fails, so the append is never dropped', async () => {
    const record = requestRecord({ tenantId: tenant });
    await store.create(record);
    await store.appendFiles(tenant, record.id, 'patient-1', ['f-1'], options);
    await expect(store.replace({ ...record, status: 'cancelled', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect((await store.get(tenant, record.id))!.fileIds).toEqual(['f-1']);
  });
});

describe('list', () => {
  const tenant = `fr-list-${run}`;
  const statuses: FileRequestStatus[] = ['open', 'fulfilled', 'cancelled'];
  const all: FileRequestRecord[] = [];

  beforeAll(async () => {
    // 30 requests over two owners and three statuses, created out of order.
    for (let i = 0; i < 30; i++) {
      all.push(
        requestRecord({
          tenantId: tenant,
          ownerId: i % 3 === 0 ? 'patient-2' : 'patient-1',
          status: statuses[i % 3 === 1 ? 1 : i % 5 === 0 ? 2 : 0]!,
          createdAt: new Date(Date.UTC(2026, 2, 1) + ((i * 7) % 30) * 60_000).toISOString(),
        }),
      );
    }
    // Two requests with the same createdAt: ties are ordered by id.
    const tie = '2026-03-01T00:00:30.000Z';
    all.push(requestRecord({ tenantId: tenant, createdAt: tie }), requestRecord({ tenantId: tenant, createdAt: tie }));
    await Promise.all(all.map((r) => store.create(r)));
    // Noise: another tenant's requests and this tenant's files.
    await store.create(requestRecord({ tenantId: `${tenant}-other` }));
    const index = new DynamoFileIndex(clients.db, clients.table);
    await index.create(fileRecord({ tenantId: tenant }));
  });

  const newestFirst = (records: FileRequestRecord[]) =>
    [...records].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1)).map((r) => r.id);

  async function walk(sources: FileRequestSource[], limit: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: string | undefined;
    for (let pages = 1; pages <= 100; pages++) {
      const plan: FileRequestListPlan = { tenantId: tenant, sources, limit, after };
      const page = await store.list(plan);
      expect(page.fileRequests.length).toBeLessThanOrEqual(limit);
      ids.push(...page.fileRequests.map((r) => r.id));
      if (page.nextAfter === null) return { ids, pages };
      after = page.nextAfter;
    }
    throw new Error('the walk did not end');
  }

  const cases: [string, FileRequestSource[], (r: FileRequestRecord) => boolean][] = [
    ['all statuses', statuses.map((status) => ({ status })), () => true],
    ['open only', [{ status: 'open' }], (r) => r.status === 'open'],
    ['cancelled only', [{ status: 'cancelled' }], (r) => r.status === 'cancelled'],
    ['one owner, all statuses', statuses.map((status) => ({ status, ownerId: 'patient-2' })), (r) => r.ownerId === 'patient-2'],
    ['one owner, fulfilled', [{ status: 'fulfilled', ownerId: 'patient-1' }], (r) => r.ownerId === 'patient-1' && r.status === 'fulfilled'],
  ];

  for (const [name, sources, keep] of cases) {
    it(`${name}: every page newest first, each request once, with limits 1, 4 and 100`, async () => {
      const expected = newestFirst(all.filter(keep));
      expect(expected.length).toBeGreaterThan(0);
      for (const limit of [1, 4, 100]) {
        const { ids, pages } = await walk(sources, limit);
        expect(ids, `limit ${limit}`).toEqual(expected);
        // No empty last page: a page says "more" only when there is more.
        expect(pages, `limit ${limit}`).toBe(Math.ceil(expected.length / limit));
      }
    });
  }

  it('a page that ends exactly at the last request says there is no next page', async () => {
    const open = all.filter((r) => r.status === 'open');
    const page = await store.list({ tenantId: tenant, sources: [{ status: 'open' }], limit: open.length });
    expect(page.fileRequests).toHaveLength(open.length);
    expect(page.nextAfter).toBeNull();
  });

  it('no sources is an empty page; an unknown owner is an empty page', async () => {
    expect(await store.list({ tenantId: tenant, sources: [], limit: 10 })).toEqual({ fileRequests: [], nextAfter: null });
    expect(await store.list({ tenantId: tenant, sources: [{ status: 'open', ownerId: 'nobody' }], limit: 10 })).toEqual({
      fileRequests: [],
      nextAfter: null,
    });
  });

  it('a status change moves the request to the other partitions', async () => {
    const moving = requestRecord({ tenantId: `${tenant}-moves` });
    await store.create(moving);
    const ids = async (status: FileRequestStatus) =>
      (await store.list({ tenantId: `${tenant}-moves`, sources: [{ status, ownerId: 'patient-1' }], limit: 10 })).fileRequests.map((r) => r.id);
    expect(await ids('open')).toEqual([moving.id]);
    await store.replace({ ...moving, status: 'fulfilled', version: 2 }, 1);
    expect(await ids('open')).toEqual([]);
    expect(await ids('fulfilled')).toEqual([moving.id]);
  });

  it('the partitions are GSI keys distinct from any files partition', async () => {
    const [one] = all;
    const { attr, value } = partitionOf(tenant, { status: one!.status, ownerId: one!.ownerId });
    const out = await clients.db.send(
      new QueryCommand({
        TableName: clients.table,
        IndexName: indexName(attr, 'sc'),
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': attr },
        ExpressionAttributeValues: { ':p': value },
      }),
    );
    expect((out.Items ?? []).every((item) => item.kind === 'file-request')).toBe(true);
    expect(value.startsWith(`T#${tenant}#FR#`)).toBe(true);
    for (const state of ['active', 'archived', 'shared']) expect(value).not.toContain(`#${state}`);
  });
});

describe('the file-request use cases on DynamoDB', () => {
  const tenant = `fr-service-${run}`;
  const provider: Caller = { sub: 'provider-7', tenantId: tenant, role: 'provider', via: 'token' };
  const patient: Caller = { sub: 'patient-1', tenantId: tenant, role: 'patient', via: 'token' };
  const published: string[] = [];
  let service: FileRequestUseCases;

  beforeAll(() => {
    service = fileRequestUseCases({
      store,
      events: { publish: async (events) => void published.push(...events.map((e) => e.type)) },
      sealer: new Sealer('i'.repeat(48)),
    });
  });

  it('create, gate, patch and list through the real store', async () => {
    const created = await service.createFileRequest(provider, { ownerId: 'patient-1', message: 'Photos of the rash' });
    await service.assertOpenFor(tenant, created.id, 'patient-1');
    expect(await service.addFiles(tenant, created.id, 'patient-1', ['f-1', 'f-2'])).toEqual({ fileCount: 2 });
    const fulfilled = await service.updateFileRequest(patient, created.id, { status: 'fulfilled' });
    expect(fulfilled).toMatchObject({ status: 'fulfilled', fileIds: ['f-1', 'f-2'], fileCount: 2, version: 3 });
    await expect(service.assertOpenFor(tenant, created.id, 'patient-1')).rejects.toMatchObject({ status: 422 });
    await expect(service.addFiles(tenant, created.id, 'patient-1', ['f-3'])).rejects.toMatchObject({ status: 422 });

    const second = await service.createFileRequest(provider, { ownerId: 'patient-1', message: 'And the lab result' });
    const first = await service.listFileRequests(patient, ListFileRequestsQuery.parse({ limit: '1' }));
    expect(first.fileRequests.map((r) => r.id)).toEqual([second.id]);
    const next = await service.listFileRequests(patient, ListFileRequestsQuery.parse({ limit: '1', cursor: first.nextCursor! }));
    expect(next.fileRequests.map((r) => r.id)).toEqual([created.id]);
    expect(next.nextCursor).toBeNull();
    expect(published).toEqual(['file-request.created', 'file-request.updated', 'file-request.created']);
  });
});
