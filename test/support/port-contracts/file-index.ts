/**
 * What every FileIndex must do (shared/domain/ports.ts), run against the in-memory fake and against
 * DynamoFileIndex on the local DynamoDB server: conditional create and replace, claims of client-chosen ids,
 * removal, and list pages (partitions, filters, order, paging) as the domain plans them.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FileRecord } from '../../../shared/domain/file.ts';
import { AlreadyExistsError, VersionConflictError, type FileIndex, type ListPlan } from '../../../shared/domain/ports.ts';
import { fileRecord } from '../integration-records.ts';

const NOW = '2026-06-01T00:00:00.000Z';

export function describeFileIndexContract(name: string, make: () => FileIndex): void {
  describe(`FileIndex contract: ${name}`, () => {
    let index: FileIndex;
    /** A fresh tenant per test: the real table is shared by every test. */
    let tenantId: string;

    beforeEach(() => {
      index = make();
      tenantId = `contract-${randomUUID()}`;
    });

    const record = (over: Partial<FileRecord> = {}) => fileRecord({ tenantId, ...over });
    const createAll = async (files: FileRecord[]) => {
      for (const f of files) await index.create(f);
      return files;
    };
    const plan = (over: Partial<ListPlan> = {}): ListPlan => ({
      tenantId,
      sources: [{ by: 'tenant', state: 'active' }],
      filters: { states: ['active'] },
      sort: 'createdAt',
      order: 'desc',
      limit: 25,
      now: NOW,
      ...over,
    });
    const ids = async (p: ListPlan) => (await index.list(p)).files.map((f) => f.id);
    /** Every page of a plan, followed by its cursors. */
    async function walk(p: ListPlan): Promise<{ pages: string[][]; lastNextAfter: string | null }> {
      const pages: string[][] = [];
      let after: string | undefined;
      for (let n = 0; n < 20; n++) {
        const page = await index.list({ ...p, after });
        pages.push(page.files.map((f) => f.id));
        if (page.nextAfter === null) return { pages, lastNextAfter: null };
        after = page.nextAfter;
      }
      throw new Error('the pages never ended');
    }

    describe('create, get, replace', () => {
      it('gets what was created, and null for an absent id', async () => {
        const file = record({ entity: { type: 'visit', id: 'v-42' }, recordType: 'medical', description: 'Röntgen' });
        await index.create(file);
        expect(await index.get(tenantId, file.id)).toEqual(file);
        expect(await index.get(tenantId, randomUUID())).toBeNull();
      });

      it('refuses to create an id taken in the tenant (AlreadyExistsError), and keeps the first', async () => {
        const file = record();
        await index.create(file);
        await expect(index.create({ ...file, originalName: 'other.pdf' })).rejects.toBeInstanceOf(AlreadyExistsError);
        expect((await index.get(tenantId, file.id))?.originalName).toBe(file.originalName);
      });

      it('keeps ids apart per tenant', async () => {
        const file = record();
        const elsewhere = { ...file, tenantId: `${tenantId}-b`, originalName: 'elsewhere.pdf' };
        await index.create(file);
        await index.create(elsewhere);
        expect(await index.get(tenantId, file.id)).toEqual(file);
        expect(await index.get(elsewhere.tenantId, file.id)).toEqual(elsewhere);
      });

      it('replaces a record at its stored version', async () => {
        const file = await createAll([record()]).then(([f]) => f!);
        const renamed = { ...file, originalName: 'renamed.pdf', version: 2 };
        await index.replace(renamed, 1);
        expect(await index.get(tenantId, file.id)).toEqual(renamed);
      });

      it('refuses a replace on a stale version or of an absent record (VersionConflictError), changing nothing', async () => {
        const file = await createAll([record()]).then(([f]) => f!);
        await index.replace({ ...file, version: 2 }, 1);
        await expect(index.replace({ ...file, originalName: 'late.pdf', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
        expect((await index.get(tenantId, file.id))?.originalName).toBe(file.originalName);
        await expect(index.replace(record(), 1)).rejects.toBeInstanceOf(VersionConflictError);
      });
    });

    describe('claims and removal', () => {
      it('a claim holds the id unseen: get and list do not show it, create and claim are refused', async () => {
        const id = randomUUID();
        await index.claim(tenantId, id, 3600);
        expect(await index.holds(tenantId, id)).toBe(true);
        expect(await index.get(tenantId, id)).toBeNull();
        expect(await ids(plan())).toEqual([]);
        await expect(index.claim(tenantId, id, 3600)).rejects.toBeInstanceOf(AlreadyExistsError);
        await expect(index.create(record({ id }))).rejects.toBeInstanceOf(AlreadyExistsError);
        await expect(index.claim(`${tenantId}-b`, id, 3600)).resolves.toBeUndefined();
      });

      it('a claim is finished with replace(file, 0), and then the file is seen', async () => {
        const file = record();
        await index.claim(tenantId, file.id, 3600);
        await index.replace(file, 0);
        expect(await index.get(tenantId, file.id)).toEqual(file);
        expect(await ids(plan())).toEqual([file.id]);
      });

      it('releaseClaim gives up a claim that is still a claim, never a file it has become', async () => {
        const released = record();
        await index.claim(tenantId, released.id, 3600);
        expect(await index.releaseClaim(tenantId, released.id)).toBe(true);
        expect(await index.holds(tenantId, released.id)).toBe(false);
        expect(await index.releaseClaim(tenantId, released.id)).toBe(false);
        // The release won: the writer that held the claim can no longer finish it.
        await expect(index.replace(released, 0)).rejects.toBeInstanceOf(VersionConflictError);
        const finished = record();
        await index.claim(tenantId, finished.id, 3600);
        await index.replace(finished, 0);
        expect(await index.releaseClaim(tenantId, finished.id)).toBe(false);
        expect(await index.get(tenantId, finished.id)).toEqual(finished);
        const [created] = await createAll([record()]);
        expect(await index.releaseClaim(tenantId, created!.id)).toBe(false);
      });

      it('an id that holds a file cannot be claimed', async () => {
        const [file] = await createAll([record()]);
        await expect(index.claim(tenantId, file!.id, 3600)).rejects.toBeInstanceOf(AlreadyExistsError);
      });

      it('an expired claim no longer holds the id against a new claim', async () => {
        const id = randomUUID();
        await index.claim(tenantId, id, -60);
        await expect(index.claim(tenantId, id, 3600)).resolves.toBeUndefined();
      });

      it('remove gives up a claim, and removes a file with its share markers', async () => {
        const id = randomUUID();
        await index.claim(tenantId, id, 3600);
        await index.remove(tenantId, id);
        expect(await index.holds(tenantId, id)).toBe(false);
        await expect(index.claim(tenantId, id, 3600)).resolves.toBeUndefined();

        const [file] = await createAll([record({ ownerId: 'p1', sharedWith: ['p2'] })]);
        await index.syncShares(file!, []);
        await index.remove(tenantId, file!.id);
        expect(await index.get(tenantId, file!.id)).toBeNull();
        expect(await index.holds(tenantId, file!.id)).toBe(false);
        const shared = plan({ sources: [{ by: 'sharedWith', value: 'p2' }], filters: { states: ['active'], visibleTo: 'p2' } });
        expect(await ids(shared)).toEqual([]);
        await expect(index.create(file!)).resolves.toBeUndefined();
      });
    });

    describe('list', () => {
      it('walks every file once, newest first by default, in pages that end with a null cursor', async () => {
        const files = await createAll(Array.from({ length: 5 }, () => record()));
        const newestFirst = files.map((f) => f.id).reverse();
        const { pages } = await walk(plan({ limit: 2 }));
        expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
        const exact = await walk(plan({ limit: 5 }));
        expect(exact.pages).toEqual([newestFirst]);
      });

      it('sorts by size and by name, ascending or descending, ties broken by id', async () => {
        const files = await createAll([
          record({ size: 300, originalName: 'b.pdf' }),
          record({ size: 100, originalName: 'C.pdf' }),
          record({ size: 200, originalName: 'a.pdf' }),
          record({ size: 5000, originalName: 'B2.pdf' }),
        ]);
        const [b, c, a, b2] = files.map((f) => f.id);
        expect(await ids(plan({ sort: 'size', order: 'asc' }))).toEqual([c, a, b, b2]);
        expect(await ids(plan({ sort: 'size', order: 'desc' }))).toEqual([b2, b, a, c]);
        // Names compare without regard to case, as people read them.
        expect(await ids(plan({ sort: 'originalName', order: 'asc' }))).toEqual([a, b, b2, c]);
        const { pages } = await walk(plan({ sort: 'originalName', order: 'desc', limit: 3 }));
        expect(pages).toEqual([[c, b2, b], [a]]);
      });

      it('lists only the plan\'s states and tenant, and never a file expired at `now`', async () => {
        const [live, archived, expired, later] = await createAll([
          record(),
          record({ state: 'archived' }),
          record({ expiresAt: NOW }),
          record({ expiresAt: '2026-06-01T00:00:00.001Z' }),
        ]);
        await index.create(fileRecord({ tenantId: `${tenantId}-b` }));
        expect(await ids(plan({ order: 'asc' }))).toEqual([live!.id, later!.id]);
        const all = plan({ order: 'asc', sources: [{ by: 'tenant', state: 'active' }, { by: 'tenant', state: 'archived' }], filters: { states: ['active', 'archived'] } });
        expect(await ids(all)).toEqual([live!.id, archived!.id, later!.id]);
        expect((await index.get(tenantId, expired!.id))?.id).toBe(expired!.id);
      });

      it('reads one partition per dimension, with the other filters applied', async () => {
        const visit = { type: 'visit', id: 'v-42' };
        const [a, , c, d] = await createAll([
          record({ ownerId: 'p1', entity: visit, category: 'lab_result' }),
          record({ ownerId: 'p2', entity: visit, category: 'lab_result' }),
          record({ ownerId: 'p1', entity: { type: 'visit', id: 'v-43' }, recordType: 'dental' }),
          record({ ownerId: 'p1', entity: visit, category: 'imaging', fileRequestId: '0193a5c2-7b4e-7000-8000-000000000001' }),
        ]);
        const by = (source: ListPlan['sources'][number], filters: Partial<ListPlan['filters']>) =>
          ids(plan({ order: 'asc', sources: [source], filters: { states: ['active'], ...filters } }));
        expect(await by({ by: 'entity', value: visit, state: 'active' }, { entity: visit, ownerId: 'p1' })).toEqual([a!.id, d!.id]);
        expect(await by({ by: 'owner', value: 'p1', state: 'active' }, { ownerId: 'p1', category: 'lab_result' })).toEqual([a!.id]);
        expect(await by({ by: 'category', value: 'imaging', state: 'active' }, { category: 'imaging' })).toEqual([d!.id]);
        expect(await by({ by: 'recordType', value: 'dental', state: 'active' }, { recordType: 'dental' })).toEqual([c!.id]);
        const request = '0193a5c2-7b4e-7000-8000-000000000001';
        expect(await by({ by: 'fileRequest', value: request, state: 'active' }, { fileRequestId: request })).toEqual([d!.id]);
      });

      it("shows a patient its own files, and files shared with it only from the shares' source", async () => {
        const [own, shared, other] = await createAll([
          record({ ownerId: 'p1' }),
          record({ ownerId: 'p2', sharedWith: ['p1'] }),
          record({ ownerId: 'p2' }),
        ]);
        await index.syncShares(shared!, []);
        const patient = (sources: ListPlan['sources']) =>
          ids(plan({ order: 'asc', sources, filters: { states: ['active'], visibleTo: 'p1' } }));
        const ownSource = { by: 'owner', value: 'p1', state: 'active' } as const;
        expect(await patient([ownSource])).toEqual([own!.id]);
        expect(await patient([ownSource, { by: 'sharedWith', value: 'p1' }])).toEqual([own!.id, shared!.id]);

        const unshared = { ...shared!, sharedWith: [], version: 2 };
        await index.replace(unshared, 1);
        await index.syncShares(unshared, ['p1']);
        expect(await patient([ownSource, { by: 'sharedWith', value: 'p1' }])).toEqual([own!.id]);
        expect(other).toBeDefined();
      });
    });
  });
}
