/**
 * `GET /v1/files`: every filter, every sort in both orders, cursor walks that return every matching file
 * exactly once, cursor tampering and reuse, limits, states, sharing and what patients may see.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  detailPaths,
  expectError,
  expectStatus,
  newTenant,
  randomId,
  type FileBody,
} from '../support/e2e-client.ts';
import { pdf, png, text } from '../support/e2e-files.ts';

type Page = { files: FileBody[]; count: number; nextCursor: string | null };

const tenant = newTenant('list');
let provider: Client;
let admin: Client;
let p1: Client;
let p2: Client;
let p3: Client;

/** Every file of the tenant as last seen, by id. */
const known = new Map<string, FileBody>();
const remember = (files: FileBody[]) => files.forEach((f) => known.set(f.id, f));
/** The 23 files of owner `walker`. */
let walker: FileBody[] = [];

const CATEGORIES = ['lab_result', 'imaging', 'other'] as const;
const RECORD_TYPES = ['medical', 'dental'] as const;

beforeAll(async () => {
  [provider, admin, p1, p2, p3] = await Promise.all([
    Client.as(tenant, 'provider-1', 'provider'),
    Client.as(tenant, 'admin-1', 'admin'),
    Client.as(tenant, 'patient-1', 'patient'),
    Client.as(tenant, 'patient-2', 'patient'),
    Client.as(tenant, 'patient-3', 'patient'),
  ]);

  // 23 files in three requests (files of one request share createdAt, so the cursor must break ties).
  // Distinct sizes in an order unrelated to the names; names sort the same in every collation.
  const order = Array.from({ length: 23 }, (_, i) => (i * 7) % 23);
  const file = (i: number) => ({
    name: `w-${String(i).padStart(2, '0')}.txt`,
    contents: text(`${'x'.repeat(10 + order[i]! * 3)}\n`),
    category: CATEGORIES[i % 3],
    recordType: RECORD_TYPES[i % 2],
  });
  const batches: [number, number, Record<string, unknown>][] = [
    [0, 7, { entity: { type: 'visit', id: 'v-1' } }],
    [7, 15, { entity: { type: 'visit', id: 'v-2' } }],
    [15, 23, {}],
  ];
  for (const [from, to, meta] of batches) {
    const res = await provider.uploadJson(
      Array.from({ length: to - from }, (_, k) => file(from + k)),
      { ownerId: 'walker', ...meta },
    );
    expectStatus(res, 201);
    walker.push(...res.json<{ files: FileBody[] }>().files);
  }
  remember(walker);

  // Patients' own files, one provider upload for patient-1, and a patient-2 file shared with patient-1.
  remember([await p1.createFile('p1-a.pdf', pdf('p1a')), await p1.createFile('p1-b.png', await png())]);
  remember([await provider.createFile('p1-by-provider.pdf', pdf('p1p'), { ownerId: 'patient-1', category: 'lab_result' })]);
  const p2Own = await p2.createFile('p2-private.pdf', pdf('p2'));
  const p2Shared = await p2.createFile('p2-shared.pdf', pdf('p2s'), { category: 'imaging' });
  const share = await p2.patch(p2Shared.id, { sharedWith: ['patient-1'] });
  expectStatus(share, 200);
  remember([p2Own, share.json<FileBody>()]);

  // Owner `archiver`: three files, two archived.
  const arch = await provider.uploadJson(
    [0, 1, 2].map((i) => ({ name: `a-${i}.pdf`, contents: pdf(`a${i}`) })),
    { ownerId: 'archiver', recordType: 'hospital' },
  );
  expectStatus(arch, 201);
  const archFiles = arch.json<{ files: FileBody[] }>().files;
  for (const f of archFiles.slice(0, 2)) expectStatus(await provider.archive(f.id), 204);
  for (const f of archFiles) remember([(await provider.get(f.id)).json<FileBody>()]);
});

/** Walks a query and checks each page (count, no duplicates); returns the files in order. */
async function walk(client: Client, query: Record<string, string | number>): Promise<FileBody[]> {
  const pages = await client.listAll(query);
  const files = pages.flatMap((p) => p.files);
  for (const page of pages) expect(page.count).toBe(page.files.length);
  const limit = Number(query.limit ?? 25);
  // Pages may be short (one index Query per page, filters applied to it), never longer than the limit.
  for (const page of pages) expect(page.files.length).toBeLessThanOrEqual(limit);
  const ids = files.map((f) => f.id);
  expect(new Set(ids).size, 'a file appeared twice in the walk').toBe(ids.length);
  return files;
}

const ids = (files: FileBody[]) => files.map((f) => f.id).sort();
const expected = (predicate: (f: FileBody) => boolean) => ids([...known.values()].filter(predicate));

describe('cursor walks', () => {
  it('23 files with limit 5: five pages, every file exactly once, then nextCursor null', async () => {
    const pages = await provider.listAll({ ownerId: 'walker', limit: 5 });
    expect(pages.map((p) => p.files.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.map((p) => p.count)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    pages.slice(0, -1).forEach((p) => expect(p.nextCursor).toEqual(expect.any(String)));
    expect(ids(pages.flatMap((p) => p.files))).toEqual(ids(walker));
  });

  const sorts: [string, 'asc' | 'desc', (a: FileBody, b: FileBody) => number][] = [
    ['createdAt', 'asc', (a, b) => a.createdAt.localeCompare(b.createdAt)],
    ['createdAt', 'desc', (a, b) => b.createdAt.localeCompare(a.createdAt)],
    ['originalName', 'asc', (a, b) => (a.originalName < b.originalName ? -1 : 1)],
    ['originalName', 'desc', (a, b) => (a.originalName > b.originalName ? -1 : 1)],
    ['size', 'asc', (a, b) => a.size - b.size],
    ['size', 'desc', (a, b) => b.size - a.size],
  ];
  for (const [sort, order, compare] of sorts) {
    it(`sort=${sort}&order=${order}: pages of 5 are in order and complete`, async () => {
      const files = await walk(provider, { ownerId: 'walker', sort, order, limit: 5 });
      expect(ids(files)).toEqual(ids(walker));
      for (let i = 1; i < files.length; i++) {
        expect(compare(files[i - 1]!, files[i]!), `${sort} ${order} at ${i}`).toBeLessThanOrEqual(0);
      }
      if (sort !== 'createdAt') expect(files.map((f) => f.id)).toEqual([...walker].sort(compare).map((f) => f.id));
    });
  }

  it('defaults: sort createdAt, order desc, limit 25', async () => {
    const res = await provider.list();
    expectStatus(res, 200);
    const page = res.json<Page>();
    expect(Object.keys(page).sort()).toEqual(['count', 'files', 'nextCursor']);
    expect(page.files).toHaveLength(25);
    expect(page.count).toBe(25);
    expect(page.nextCursor).toEqual(expect.any(String));
    for (let i = 1; i < page.files.length; i++) expect(page.files[i - 1]!.createdAt >= page.files[i]!.createdAt).toBe(true);
    const all = await walk(provider, {});
    expect(ids(all)).toEqual(expected((f) => f.state === 'active'));
  });

  it('limit 1 and limit 100 are accepted', async () => {
    const one = await walk(provider, { ownerId: 'walker', limit: 1 });
    expect(one).toHaveLength(23);
    const hundred = await provider.listAll({ limit: 100 });
    expect(hundred).toHaveLength(1);
    expect(ids(hundred[0]!.files)).toEqual(expected((f) => f.state === 'active'));
  });
});

describe('filters', () => {
  const cases: [string, Record<string, string>, (f: FileBody) => boolean][] = [
    ['ownerId', { ownerId: 'walker' }, (f) => f.ownerId === 'walker' && f.state === 'active'],
    ['ownerId of a patient', { ownerId: 'patient-1' }, (f) => f.ownerId === 'patient-1' && f.state === 'active'],
    ['entity', { entityType: 'visit', entityId: 'v-1' }, (f) => f.entity?.id === 'v-1' && f.state === 'active'],
    ['another entity', { entityType: 'visit', entityId: 'v-2' }, (f) => f.entity?.id === 'v-2' && f.state === 'active'],
    ['an entity nobody uses', { entityType: 'visit', entityId: 'v-999' }, () => false],
    ['category', { category: 'lab_result' }, (f) => f.category === 'lab_result' && f.state === 'active'],
    ['recordType', { recordType: 'dental' }, (f) => f.recordType === 'dental' && f.state === 'active'],
    ['fileRequestId', { fileRequestId: randomId() }, () => false],
    ['state=archived', { state: 'archived' }, (f) => f.state === 'archived'],
    ['state=all', { state: 'all' }, () => true],
    ['state=all with an owner', { state: 'all', ownerId: 'archiver' }, (f) => f.ownerId === 'archiver'],
    ['state=archived with a record type', { state: 'archived', recordType: 'hospital' }, (f) => f.state === 'archived' && f.recordType === 'hospital'],
    ['owner and category', { ownerId: 'walker', category: 'imaging' }, (f) => f.ownerId === 'walker' && f.category === 'imaging' && f.state === 'active'],
    ['category and record type', { category: 'lab_result', recordType: 'medical' }, (f) => f.category === 'lab_result' && f.recordType === 'medical' && f.state === 'active'],
    ['entity and category', { entityType: 'visit', entityId: 'v-2', category: 'other' }, (f) => f.entity?.id === 'v-2' && f.category === 'other' && f.state === 'active'],
    ['entity and record type', { entityType: 'visit', entityId: 'v-1', recordType: 'medical' }, (f) => f.entity?.id === 'v-1' && f.recordType === 'medical' && f.state === 'active'],
  ];
  for (const [name, query, predicate] of cases) {
    it(`${name}: walking pages of 4 returns exactly the matching files`, async () => {
      const files = await walk(provider, { ...query, limit: 4 });
      expect(ids(files)).toEqual(expected(predicate));
    });
  }

  it('admin and service see the same as a provider', async () => {
    const service = await Client.as(tenant, 'service-1', 'service');
    const reference = ids(await walk(provider, { state: 'all', limit: 50 }));
    expect(ids(await walk(admin, { state: 'all', limit: 50 }))).toEqual(reference);
    expect(ids(await walk(service, { state: 'all', limit: 50 }))).toEqual(reference);
  });

  it('expired files are never listed', async () => {
    const short = await provider.createFile('short-lived.txt', text('gone soon\n'), { ownerId: 'expiring', expiryInterval: 1 });
    const lasting = await provider.createFile('lasting.txt', text('stays\n'), { ownerId: 'expiring', expiryInterval: 3600 });
    const before = ids(await walk(provider, { ownerId: 'expiring' }));
    expect(before).toContain(lasting.id);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(short.expiresAt!) - Date.now()) + 300));
    for (const query of [{ ownerId: 'expiring' }, { ownerId: 'expiring', state: 'all' }, { state: 'all', limit: 100 }, { sort: 'size', order: 'asc', limit: 100 }] as Record<string, string | number>[]) {
      const files = await walk(provider, query);
      expect(files.map((f) => f.id)).not.toContain(short.id);
    }
    expect(ids(await walk(provider, { ownerId: 'expiring' }))).toEqual([lasting.id]);
    remember([lasting]);
  });
});

describe('what patients see', () => {
  it('a patient lists only its own files by default', async () => {
    const files = await walk(p1, { limit: 2 });
    expect(ids(files)).toEqual(expected((f) => f.ownerId === 'patient-1' && f.state === 'active'));
    expect(files.length).toBe(3);
    for (const f of files) expect(f.ownerId).toBe('patient-1');
  });

  it('includeShared=true adds files shared with it, walking pages of 1 without duplicates', async () => {
    const files = await walk(p1, { includeShared: 'true', limit: 1 });
    expect(ids(files)).toEqual(expected((f) => (f.ownerId === 'patient-1' || f.sharedWith.includes('patient-1')) && f.state === 'active'));
    const shared = files.filter((f) => f.ownerId !== 'patient-1');
    expect(shared).toHaveLength(1);
    expect(shared[0]!.deletable).toBe(false);
    const explicitFalse = await walk(p1, { includeShared: 'false' });
    expect(explicitFalse.every((f) => f.ownerId === 'patient-1')).toBe(true);
  });

  it('includeShared with each sort keeps every page in order, also after the shared file is renamed', async () => {
    const shared = [...known.values()].find((f) => f.originalName === 'p2-shared.pdf')!;
    const renamed = await p2.patch(shared.id, { originalName: '0-renamed-shared.pdf' });
    expectStatus(renamed, 200);
    remember([renamed.json<FileBody>()]);
    const byName = await walk(p1, { includeShared: 'true', sort: 'originalName', order: 'asc', limit: 1 });
    expect(byName[0]!.id).toBe(shared.id);
    for (const [sort, order] of [['originalName', 'asc'], ['size', 'desc'], ['createdAt', 'asc']] as const) {
      const files = await walk(p1, { includeShared: 'true', sort, order, limit: 2 });
      expect(files).toHaveLength(4);
      const keys = files.map((f) => (sort === 'size' ? f.size : sort === 'originalName' ? f.originalName : f.createdAt));
      const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(keys).toEqual(order === 'asc' ? sorted : sorted.reverse());
    }
  });

  it("a patient never sees another patient's files, whatever it asks for", async () => {
    const queries: Record<string, string>[] = [
      { ownerId: 'patient-2' },
      { ownerId: 'walker' },
      { ownerId: 'patient-2', state: 'all' },
      { state: 'all', includeShared: 'true' },
      { category: 'lab_result', includeShared: 'true' },
      { entityType: 'visit', entityId: 'v-1' },
      { recordType: 'dental', state: 'all' },
    ];
    for (const query of queries) {
      const res = await p1.list({ ...query, limit: 100 });
      expectStatus(res, 200);
      for (const f of res.json<Page>().files) {
        expect(f.ownerId === 'patient-1' || f.sharedWith.includes('patient-1'), `${JSON.stringify(query)} showed ${f.originalName}`).toBe(true);
      }
    }
    expect((await walk(p1, { ownerId: 'patient-2' })).length).toBe(0);
  });

  it('a patient without files gets an empty page', async () => {
    const res = await p3.list({ includeShared: 'true', state: 'all' });
    expectStatus(res, 200);
    expect(res.json<Page>()).toEqual({ files: [], count: 0, nextCursor: null });
  });
});

describe('invalid queries (422)', () => {
  const bad: [string, Record<string, string>, string][] = [
    ['limit=0', { limit: '0' }, 'limit'],
    ['limit=101', { limit: '101' }, 'limit'],
    ['limit=abc', { limit: 'abc' }, 'limit'],
    ['limit=-1', { limit: '-1' }, 'limit'],
    ['limit=2.5', { limit: '2.5' }, 'limit'],
    ['limit empty', { limit: '' }, 'limit'],
    ['sort=name', { sort: 'name' }, 'sort'],
    ['order=up', { order: 'up' }, 'order'],
    ['state=deleted', { state: 'deleted' }, 'state'],
    ['includeShared=yes', { includeShared: 'yes' }, 'includeShared'],
    ['category=bogus', { category: 'bogus' }, 'category'],
    ['recordType=bogus', { recordType: 'bogus' }, 'recordType'],
    ['fileRequestId not a UUID', { fileRequestId: 'fr-1' }, 'fileRequestId'],
    ['entityType without entityId', { entityType: 'visit' }, 'entity'],
    ['entityId without entityType', { entityId: 'v-1' }, 'entity'],
    ['entityType with capitals', { entityType: 'Visit', entityId: 'v-1' }, 'entityType'],
  ];
  for (const [name, query, field] of bad) {
    it(`${name} is 422 naming ${field}`, async () => {
      const error = expectError(await provider.list(query), 422, 'validation_error');
      expect(detailPaths(error).some((p) => p.startsWith(field)), JSON.stringify(error.details)).toBe(true);
    });
  }

  it('several bad parameters are all listed', async () => {
    const error = expectError(await provider.list({ limit: '0', sort: 'name', order: 'up', state: 'x' }), 422, 'validation_error');
    for (const field of ['limit', 'sort', 'order', 'state']) expect(detailPaths(error)).toContain(field);
  });
});

describe('cursors', () => {
  async function firstCursor(client: Client, query: Record<string, string | number>): Promise<string> {
    const res = await client.list({ ...query, limit: 2 });
    expectStatus(res, 200);
    const cursor = res.json<Page>().nextCursor;
    expect(cursor).toEqual(expect.any(String));
    return cursor!;
  }

  it('a tampered cursor is 422', async () => {
    const cursor = await firstCursor(provider, { ownerId: 'walker' });
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const tampered of [flip(cursor, 0), flip(cursor, Math.floor(cursor.length / 2)), flip(cursor, cursor.length - 1), cursor.slice(0, -4), `${cursor}AAAA`, 'abc', 'e30', Buffer.from('{"a":"x"}').toString('base64url')]) {
      const error = expectError(await provider.list({ ownerId: 'walker', limit: 2, cursor: tampered }), 422, 'validation_error');
      expect(detailPaths(error)).toContain('cursor');
    }
  });

  it('a cursor reused with different filters, sort or order is 422', async () => {
    const cursor = await firstCursor(provider, { ownerId: 'walker', sort: 'size', order: 'asc' });
    const variants: Record<string, string>[] = [
      { ownerId: 'patient-1', sort: 'size', order: 'asc' },
      { ownerId: 'walker', sort: 'originalName', order: 'asc' },
      { ownerId: 'walker', sort: 'size', order: 'desc' },
      { ownerId: 'walker', sort: 'size', order: 'asc', category: 'imaging' },
      { ownerId: 'walker', sort: 'size', order: 'asc', state: 'all' },
      { sort: 'size', order: 'asc' },
    ];
    for (const query of variants) {
      const error = expectError(await provider.list({ ...query, limit: 2, cursor }), 422, 'validation_error');
      expect(detailPaths(error), JSON.stringify(query)).toContain('cursor');
    }
    const same = await provider.list({ ownerId: 'walker', sort: 'size', order: 'asc', limit: 2, cursor });
    expectStatus(same, 200);
  });

  it("a patient cannot continue another user's cursor", async () => {
    const cursor = await firstCursor(provider, { ownerId: 'patient-1' });
    expectError(await p1.list({ ownerId: 'patient-1', limit: 2, cursor }), 422, 'validation_error');
  });

  it('the cursor reveals no file name', async () => {
    const cursor = await firstCursor(provider, { ownerId: 'walker', sort: 'originalName', order: 'asc' });
    const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
    expect(decoded).not.toContain('w-0');
    expect(cursor).not.toContain('w-0');
  });
});
