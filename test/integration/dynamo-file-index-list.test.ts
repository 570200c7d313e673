/**
 * Listing against a real DynamoDB-compatible server: cursor walks return every file exactly once in the
 * right order for each sort and direction, every single filter reads the right files, expired files never
 * appear, a patient's own and shared files merge in order, and a page costs one bounded Query per partition
 * however many files the partition holds (no scans).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFileIndex } from '../../shared/adapters/dynamo-file-index.ts';
import type { Caller, FileRecord } from '../../shared/domain/file.ts';
import { listPlan } from '../../shared/domain/files/listing.ts';
import type { Category, RecordType } from '../../shared/domain/schemas.ts';
import { ListQuery } from '../../shared/http/formats/files.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';
import { compareBytes, fileRecord, seed } from '../support/integration-records.ts';

let clients: IntegrationClients;
let index: DynamoFileIndex;
const run = Date.now();
const NOW = new Date().toISOString();

beforeAll(() => {
  clients = makeIntegrationClients();
  index = new DynamoFileIndex(clients.db, clients.table);
});
afterAll(() => clients.destroy());

const staff = (tenantId: string): Caller => ({ sub: 'provider-7', tenantId, role: 'provider', via: 'token' });
const patientOf = (tenantId: string, sub: string): Caller => ({ sub, tenantId, role: 'patient', via: 'token' });

/** Walks every page of a query through the index, as the service does with cursors. */
async function walk(
  who: Caller,
  query: Record<string, string>,
  target: DynamoFileIndex = index,
): Promise<{ files: FileRecord[]; pages: number[] }> {
  const plan = listPlan(who, ListQuery.parse(query));
  const files: FileRecord[] = [];
  const pages: number[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const page = await target.list({ ...plan, after, now: NOW });
    expect(page.files.length).toBeLessThanOrEqual(plan.limit);
    files.push(...page.files);
    pages.push(page.files.length);
    if (page.nextAfter === null) return { files, pages };
    after = page.nextAfter;
  }
  throw new Error('the cursor walk did not end');
}

const ids = (files: FileRecord[]) => files.map((f) => f.id);

/** The documented orders, written independently of the index layout. Ties always break on the id. */
const nameKey = (f: FileRecord) => f.originalName.normalize('NFKC').toLowerCase();
const orders = {
  createdAt: (a: FileRecord, b: FileRecord) => compareBytes(a.createdAt, b.createdAt) || compareBytes(a.id, b.id),
  size: (a: FileRecord, b: FileRecord) => a.size - b.size || compareBytes(a.id, b.id),
  // Case-insensitive by design (Unicode NFKC + lower case), compared as UTF-8 bytes like DynamoDB does.
  originalName: (a: FileRecord, b: FileRecord) => compareBytes(nameKey(a), nameKey(b)) || compareBytes(a.id, b.id),
};

function expected(files: FileRecord[], sort: keyof typeof orders, order: 'asc' | 'desc'): string[] {
  const sorted = [...files].sort(orders[sort]);
  return ids(order === 'asc' ? sorted : sorted.reverse());
}

describe('cursor walks: every file exactly once, in order', () => {
  const tenantId = `walk-${run}`;
  const files: FileRecord[] = [];

  beforeAll(async () => {
    const names = [
      'scan.pdf', 'scan.pdf', 'scan.pdf', 'Scan.pdf', 'SCAN.PDF', 'a', 'A', 'b', 'ab', 'ab c', 'ab!', 'a b',
      'Zebra.png', 'zebra.png', 'zebra.png.bak', 'Émile.txt', 'émile.txt', 'Ångström.txt', 'ångström.txt', 'Ørsted.pdf',
      '日本語.pdf', '日本.pdf', '中文.pdf', 'Ωmega.pdf', 'ωmega.pdf', 'файл.pdf', 'Файл.pdf', 'صورة.png', '😀 smile.png',
      '😀.png', 'ﬁle.pdf', 'file.pdf', '１２３.pdf', '123.pdf', '~tilde.pdf', '!bang.pdf', ' leading.pdf', 'x'.repeat(180),
      `${'x'.repeat(180)}y`, 'report (1).pdf', 'report (10).pdf', 'report (2).pdf', 'MRI 2026-11-22.dcm', 'mri 2026-11-22.dcm',
      'naïve.txt', 'naive.txt', 'straße.txt', 'STRASSE.txt', 'İstanbul.jpg', 'istanbul.jpg', 'ß.txt', 'ss.txt', 'z', 'Z', '0', '00', '.hidden',
    ];
    expect(names).toHaveLength(57);
    // Some share a creation instant and some a size, so ties must break consistently on the id.
    const base = Date.UTC(2026, 10, 22, 15, 0, 0);
    names.forEach((originalName, i) => {
      files.push(
        fileRecord({
          tenantId,
          originalName,
          createdAt: new Date(base + Math.floor(i / 3) * 1000).toISOString(),
          size: [0, 1, 5, 5, 5, 1024, 999_999_999_999, 42][i % 8]!,
        }),
      );
    });
    await seed(clients.db, clients.table, files);
  });

  for (const sort of ['createdAt', 'originalName', 'size'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`sort=${sort} order=${order}, 10 per page`, async () => {
        const { files: walked, pages } = await walk(staff(tenantId), { sort, order, limit: '10' });
        expect(ids(walked)).toEqual(expected(files, sort, order));
        expect(pages.slice(0, 5)).toEqual([10, 10, 10, 10, 10]);
        expect(new Set(ids(walked)).size).toBe(57);
      });
    }
  }

  it.each(['1', '7', '56', '57', '100'])('limit=%s walks the same sequence', async (limit) => {
    const { files: walked } = await walk(staff(tenantId), { sort: 'originalName', order: 'asc', limit });
    expect(ids(walked)).toEqual(expected(files, 'originalName', 'asc'));
  });
});

describe('single filters read the right files', () => {
  const tenantId = `filters-${run}`;
  const files: FileRecord[] = [];
  const FR = '0193a5c2-7b4e-7000-8000-0000000000f1';
  const owners = ['p-1', 'p-2', 'p-3'];
  const categories: Category[] = ['user_document', 'lab_result', 'imaging'];
  const recordTypes: (RecordType | null)[] = [null, 'medical', 'dental', 'pharmacy'];
  const entities = [null, { type: 'visit', id: 'v-1' }, { type: 'visit', id: 'v-2' }, { type: 'appointment', id: 'v-1' }];

  beforeAll(async () => {
    for (let i = 0; i < 48; i++) {
      files.push(
        fileRecord({
          tenantId,
          ownerId: owners[i % 3]!,
          category: categories[Math.floor(i / 3) % 3]!,
          recordType: recordTypes[i % 4]!,
          entity: entities[Math.floor(i / 4) % 4]!,
          fileRequestId: i % 5 === 0 ? FR : null,
          state: i % 7 === 0 ? 'archived' : 'active',
          // Every partition also holds files that have expired, and some that expire later.
          expiresAt: i % 6 === 1 ? '2020-01-01T00:00:00.000Z' : i % 6 === 2 ? '2099-01-01T00:00:00.000Z' : null,
        }),
      );
    }
    await seed(clients.db, clients.table, files);
  });

  const live = (f: FileRecord) => f.expiresAt === null || f.expiresAt > NOW;
  const cases: [string, Record<string, string>, (f: FileRecord) => boolean][] = [
    ['no filter', {}, () => true],
    ['ownerId', { ownerId: 'p-2' }, (f) => f.ownerId === 'p-2'],
    ['entity', { entityType: 'visit', entityId: 'v-1' }, (f) => f.entity?.type === 'visit' && f.entity.id === 'v-1'],
    ['category', { category: 'lab_result' }, (f) => f.category === 'lab_result'],
    ['recordType', { recordType: 'dental' }, (f) => f.recordType === 'dental'],
    ['fileRequestId', { fileRequestId: FR }, (f) => f.fileRequestId === FR],
  ];
  const states: [string, (f: FileRecord) => boolean][] = [
    ['active', (f) => f.state === 'active'],
    ['archived', (f) => f.state === 'archived'],
    ['all', () => true],
  ];

  for (const [label, query, predicate] of cases) {
    for (const [state, inState] of states) {
      it(`${label}, state=${state}`, async () => {
        const want = files.filter((f) => predicate(f) && inState(f) && live(f));
        expect(want.length).toBeGreaterThan(0);
        const { files: walked } = await walk(staff(tenantId), { ...query, state, limit: '4' });
        expect(ids(walked)).toEqual(expected(want, 'createdAt', 'desc'));
      });
    }
  }

  it('expired files are never listed, whatever the sort', async () => {
    const expiredIds = new Set(ids(files.filter((f) => !live(f))));
    expect(expiredIds.size).toBeGreaterThan(0);
    for (const sort of ['createdAt', 'originalName', 'size']) {
      const { files: walked } = await walk(staff(tenantId), { state: 'all', sort, limit: '5' });
      expect(walked.filter((f) => expiredIds.has(f.id))).toEqual([]);
      expect(walked).toHaveLength(files.length - expiredIds.size);
    }
  });

  it('the listing instant decides: a file is listed until the instant it expires', async () => {
    const soon = fileRecord({ tenantId, ownerId: 'p-expiry', expiresAt: '2030-06-01T00:00:00.000Z' });
    await seed(clients.db, clients.table, [soon]);
    const plan = listPlan(staff(tenantId), ListQuery.parse({ ownerId: 'p-expiry' }));
    expect(ids((await index.list({ ...plan, now: '2030-05-31T23:59:59.999Z' })).files)).toEqual([soon.id]);
    expect(ids((await index.list({ ...plan, now: '2030-06-01T00:00:00.000Z' })).files)).toEqual([]);
  });

  it('other tenants never leak in', async () => {
    const { files: walked } = await walk(staff(`${tenantId}-empty`), { state: 'all' });
    expect(walked).toEqual([]);
  });
});

describe("a patient's own and shared files", () => {
  const tenantId = `shares-${run}`;
  const me = 'patient-me';
  const own: FileRecord[] = [];
  let others: FileRecord[] = [];

  /** Shares `file` with users through the index as the service does (replace, then syncShares). */
  async function share(file: FileRecord, users: string[], changes: Partial<FileRecord> = {}): Promise<FileRecord> {
    const next = { ...file, ...changes, sharedWith: users, version: file.version + 1 };
    await index.replace(next, file.version);
    await index.syncShares(next, file.sharedWith);
    return next;
  }

  beforeAll(async () => {
    const names = ['m-alpha.pdf', 'M-delta.pdf', 'm-golf.pdf', 'm-kilo.pdf', 'm-oscar.pdf'];
    names.forEach((originalName, i) => own.push(fileRecord({ tenantId, ownerId: me, originalName, size: 100 + i })));
    others = ['o-bravo.pdf', 'o-echo.pdf', 'O-hotel.pdf', 'o-lima.pdf', 'o-papa.pdf', 'o-zulu.pdf'].map((originalName, i) =>
      fileRecord({ tenantId, ownerId: i % 2 ? 'patient-x' : 'patient-y', originalName, size: 200 + i }),
    );
    await seed(clients.db, clients.table, [...own, ...others]);
    // Shared with me: bravo, hotel, lima (and zulu, but with someone else only).
    others = await Promise.all(
      others.map((f, i) => (i === 0 || i === 2 || i === 3 ? share(f, [me, 'patient-q']) : i === 5 ? share(f, ['patient-q']) : Promise.resolve(f))),
    );
  });

  const sharedWithMe = () => others.filter((f) => f.sharedWith.includes(me));

  it('without includeShared: only my own files', async () => {
    const { files } = await walk(patientOf(tenantId, me), { sort: 'originalName', order: 'asc', limit: '2' });
    expect(ids(files)).toEqual(expected(own, 'originalName', 'asc'));
  });

  for (const sort of ['originalName', 'createdAt', 'size'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`with includeShared, sort=${sort} order=${order}: own and shared merged in order, each once`, async () => {
        const { files } = await walk(patientOf(tenantId, me), { includeShared: 'true', sort, order, limit: '3' });
        expect(ids(files)).toEqual(expected([...own, ...sharedWithMe()], sort, order));
      });
    }
  }

  it("ownerId of another patient with includeShared: only that owner's files shared with me", async () => {
    const { files } = await walk(patientOf(tenantId, me), { includeShared: 'true', ownerId: 'patient-x', sort: 'originalName', order: 'asc' });
    expect(ids(files)).toEqual(expected(sharedWithMe().filter((f) => f.ownerId === 'patient-x'), 'originalName', 'asc'));
  });

  it('after an unshare, a rename and a file shared with me being archived, the merge follows', async () => {
    const [bravo, , hotel, lima] = others as [FileRecord, FileRecord, FileRecord, FileRecord];
    others[0] = await share(bravo, ['patient-q']);
    // Renamed to sort first: the shared entry must move with it.
    others[2] = await share(hotel, hotel.sharedWith, { originalName: 'A-renamed hotel.pdf', extension: 'pdf' });
    others[3] = await share(lima, lima.sharedWith, { state: 'archived' });

    const active = [...own, ...sharedWithMe().filter((f) => f.state === 'active')];
    for (const order of ['asc', 'desc'] as const) {
      const { files } = await walk(patientOf(tenantId, me), { includeShared: 'true', sort: 'originalName', order, limit: '2' });
      expect(ids(files)).toEqual(expected(active, 'originalName', order));
      expect(files.find((f) => f.id === hotel.id)?.originalName).toBe('A-renamed hotel.pdf');
    }
    const all = [...own, ...sharedWithMe()];
    const { files } = await walk(patientOf(tenantId, me), { includeShared: 'true', state: 'all', sort: 'originalName', order: 'asc', limit: '2' });
    expect(ids(files)).toEqual(expected(all, 'originalName', 'asc'));
    expect(ids(files)).not.toContain(bravo.id);
  });

  it("a file I own and that is also shared with me is listed once", async () => {
    const mine = own[0]!;
    own[0] = await share(mine, [me]);
    const { files } = await walk(patientOf(tenantId, me), { includeShared: 'true', sort: 'createdAt', limit: '2' });
    expect(files.filter((f) => f.id === mine.id)).toHaveLength(1);
  });
});

describe('a page costs one bounded Query per partition, however large the partition (no scans)', () => {
  const tenantId = `big-${run}`;
  const big: FileRecord[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 500; i++) {
      big.push(
        fileRecord({
          tenantId,
          ownerId: 'p-big',
          category: 'imaging',
          recordType: 'medical',
          entity: { type: 'visit', id: 'v-big' },
          originalName: `scan ${String(i).padStart(3, '0')}.dcm`,
          state: i % 10 === 0 ? 'archived' : 'active',
        }),
      );
    }
    await seed(clients.db, clients.table, big);
  }, 60_000);

  interface Sent {
    command: string;
    limit: number | undefined;
    count: number | undefined;
    scanned: number | undefined;
    index: string | undefined;
  }

  /** The index on a document client whose `send` records every command and what it read. */
  function counted(): { index: DynamoFileIndex; sent: Sent[] } {
    const sent: Sent[] = [];
    const db = clients.db;
    const wrapper = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) => {
        const out = (await (db.send as (...args: unknown[]) => Promise<Record<string, unknown>>)(command, ...rest)) ?? {};
        sent.push({
          command: command.constructor.name,
          limit: command.input.Limit as number | undefined,
          count: out.Count as number | undefined,
          scanned: out.ScannedCount as number | undefined,
          index: command.input.IndexName as string | undefined,
        });
        return out;
      },
    } as unknown as DynamoDBDocumentClient;
    return { index: new DynamoFileIndex(wrapper, clients.table), sent };
  }

  const queries: [string, Record<string, string>, number][] = [
    ['tenant', {}, 1],
    ['owner', { ownerId: 'p-big' }, 1],
    ['entity', { entityType: 'visit', entityId: 'v-big' }, 1],
    ['category', { category: 'imaging' }, 1],
    ['recordType', { recordType: 'medical' }, 1],
    ['state=all (two partitions)', { state: 'all' }, 2],
    ['archived', { state: 'archived' }, 1],
  ];

  for (const [label, query, partitions] of queries) {
    for (const sort of ['createdAt', 'originalName', 'size']) {
      it(`${label}, sort=${sort}: first and second page of 25`, async () => {
        const { index: probe, sent } = counted();
        const plan = listPlan(staff(tenantId), ListQuery.parse({ ...query, sort, limit: '25' }));
        const first = await probe.list({ ...plan, now: NOW });
        expect(first.files).toHaveLength(25);
        expect(first.nextAfter).not.toBeNull();
        const second = await probe.list({ ...plan, after: first.nextAfter!, now: NOW });
        expect(second.files).toHaveLength(25);
        expect(new Set([...ids(first.files), ...ids(second.files)]).size).toBe(50);

        expect(sent.map((s) => s.command).filter((c) => c !== 'QueryCommand')).toEqual([]);
        expect(sent).toHaveLength(2 * partitions);
        for (const s of sent) {
          expect(s.index).toBeDefined();
          expect(s.limit).toBeLessThanOrEqual(26);
          expect(s.scanned).toBeLessThanOrEqual(26);
          expect(s.count).toBeLessThanOrEqual(26);
        }
      });
    }
  }

  it('a patient with includeShared: one Query on its own partition, one on its shares', async () => {
    const { index: probe, sent } = counted();
    const plan = listPlan(patientOf(tenantId, 'p-big'), ListQuery.parse({ includeShared: 'true', limit: '25' }));
    const page = await probe.list({ ...plan, now: NOW });
    expect(page.files).toHaveLength(25);
    const reads = sent.filter((s) => s.command === 'QueryCommand');
    expect(reads).toHaveLength(2);
    for (const s of reads) expect(s.scanned).toBeLessThanOrEqual(26);
    expect(sent.map((s) => s.command).filter((c) => c === 'ScanCommand')).toEqual([]);
  });

  it("a patient's filter on top of its own files reads a bounded number of full rounds, and the walk is complete", async () => {
    // A patient's list is already its own-files partition, so patient + category is a combination of two
    // filters: the category is applied to the owner partition as it is read. One GSI slot holds one value per
    // item, so not every combination can have its own partition (DynamoDB allows 20 GSIs; 18 are used). The
    // cost is bounded instead: full rounds of at most 100 items, at most 10 rounds per page, then a cursor.
    const mine = Array.from({ length: 300 }, (_, i) =>
      fileRecord({ tenantId, ownerId: 'p-filter', category: i % 100 === 50 ? 'lab_result' : 'user_document' }),
    );
    await seed(clients.db, clients.table, mine);
    const { index: probe, sent } = counted();
    const plan = listPlan(patientOf(tenantId, 'p-filter'), ListQuery.parse({ category: 'lab_result', limit: '25' }));
    await probe.list({ ...plan, now: NOW });
    const reads = sent.filter((s) => s.command === 'QueryCommand');
    expect(reads.length, 'rounds for one page: 300 files in full rounds of 100').toBeLessThanOrEqual(4);
    for (const read of reads) expect(read.scanned).toBeLessThanOrEqual(100);
    expect(sent.some((s) => s.command === 'ScanCommand')).toBe(false);
    const { files } = await walk(patientOf(tenantId, 'p-filter'), { category: 'lab_result', limit: '25' });
    expect(ids(files)).toEqual(expected(mine.filter((f) => f.category === 'lab_result'), 'createdAt', 'desc'));
  });

  it('the cursor walk over the 450 active files returns each once, newest first', async () => {
    const { files } = await walk(staff(tenantId), { ownerId: 'p-big', limit: '100' });
    expect(ids(files)).toEqual(expected(big.filter((f) => f.state === 'active'), 'createdAt', 'desc'));
  });
});
