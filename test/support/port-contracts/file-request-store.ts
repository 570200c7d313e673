/**
 * What every FileRequestStore must do (shared/domain/file-requests/ports.ts), run against the in-memory fake and
 * against DynamoFileRequestStore on the local DynamoDB server: conditional create and replace, the one
 * conditional append that uploads go through, and newest-first pages across status partitions.
 */
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FileRequestListPlan, FileRequestStore } from '../../../shared/domain/file-requests/ports.ts';
import type { FileRequestRecord } from '../../../shared/domain/file-requests/record.ts';
import { AlreadyExistsError, VersionConflictError } from '../../../shared/domain/ports.ts';

let sequence = 0;

export function describeFileRequestStoreContract(name: string, make: () => FileRequestStore): void {
  describe(`FileRequestStore contract: ${name}`, () => {
    let store: FileRequestStore;
    /** A fresh tenant per test: the real table is shared by every test. */
    let tenantId: string;

    beforeEach(() => {
      store = make();
      tenantId = `contract-${randomUUID()}`;
    });

    /** A valid open request; each call is a second later than the previous one. */
    function request(over: Partial<FileRequestRecord> = {}): FileRequestRecord {
      sequence += 1;
      const at = new Date(Date.UTC(2026, 0, 1) + sequence * 1000).toISOString();
      return {
        id: uuidv7(), tenantId, ownerId: 'patient-1', requestedBy: { id: 'provider-7', role: 'provider' },
        message: 'Bitte das Röntgenbild hochladen', categories: ['imaging'], entity: null, dueAt: null, status: 'open',
        fileIds: [], fileCount: 0, createdAt: at, updatedAt: at, version: 1, ...over,
      };
    }
    const createAll = async (records: FileRequestRecord[]) => {
      for (const r of records) await store.create(r);
      return records;
    };
    const plan = (over: Partial<FileRequestListPlan> = {}): FileRequestListPlan => ({
      tenantId, sources: [{ status: 'open' }], limit: 25, ...over,
    });
    const ids = async (p: FileRequestListPlan) => (await store.list(p)).fileRequests.map((r) => r.id);
    const append = (r: FileRequestRecord, fileIds: string[], over: { ownerId?: string; maxFileCount?: number } = {}) =>
      store.appendFiles(r.tenantId, r.id, over.ownerId ?? r.ownerId, fileIds, { maxFileCount: over.maxFileCount ?? 1000, updatedAt: '2026-02-01T00:00:00.000Z' });

    it('gets what was created, null for an absent id; an id taken in the tenant is AlreadyExistsError', async () => {
      const [r] = await createAll([request({ entity: { type: 'visit', id: 'v-1' }, dueAt: '2026-03-01T00:00:00.000Z' })]);
      expect(await store.get(tenantId, r!.id)).toEqual(r);
      expect(await store.get(tenantId, uuidv7())).toBeNull();
      await expect(store.create({ ...r!, message: 'again' })).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(store.create({ ...r!, tenantId: `${tenantId}-b` })).resolves.toBeUndefined();
      expect((await store.get(tenantId, r!.id))?.message).toBe(r!.message);
    });

    it('replaces at the stored version; a stale version or an absent record is VersionConflictError', async () => {
      const [r] = await createAll([request()]);
      const cancelled = { ...r!, status: 'cancelled' as const, version: 2 };
      await store.replace(cancelled, 1);
      expect(await store.get(tenantId, r!.id)).toEqual(cancelled);
      await expect(store.replace({ ...r!, message: 'late', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
      expect((await store.get(tenantId, r!.id))?.message).toBe(r!.message);
      await expect(store.replace(request(), 1)).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('appends files to an open request of the owner, bumping count, version and updatedAt', async () => {
      const [r] = await createAll([request()]);
      const first = await append(r!, ['f1', 'f2']);
      expect(first).toEqual({ ...r!, fileIds: ['f1', 'f2'], fileCount: 2, version: 2, updatedAt: '2026-02-01T00:00:00.000Z' });
      expect(await append(r!, ['f3'])).toMatchObject({ fileIds: ['f1', 'f2', 'f3'], fileCount: 3, version: 3 });
      expect(await store.get(tenantId, r!.id)).toMatchObject({ fileIds: ['f1', 'f2', 'f3'], fileCount: 3, version: 3 });
    });

    it('appends up to the maximum exactly, and refuses (null, nothing changed) one file more', async () => {
      const [r] = await createAll([request()]);
      expect(await append(r!, ['f1', 'f2'], { maxFileCount: 3 })).toMatchObject({ fileCount: 2 });
      expect(await append(r!, ['f3', 'f4'], { maxFileCount: 3 })).toBeNull();
      expect(await append(r!, ['f3'], { maxFileCount: 3 })).toMatchObject({ fileCount: 3 });
      expect(await store.get(tenantId, r!.id)).toMatchObject({ fileIds: ['f1', 'f2', 'f3'], version: 3 });
    });

    it('refuses to append (null) to a request of another owner, one that is not open, or an absent one', async () => {
      const [open, fulfilled, cancelled] = await createAll([request(), request({ status: 'fulfilled' }), request({ status: 'cancelled' })]);
      expect(await append(open!, ['f1'], { ownerId: 'patient-2' })).toBeNull();
      expect(await append(fulfilled!, ['f1'])).toBeNull();
      expect(await append(cancelled!, ['f1'])).toBeNull();
      expect(await append(request(), ['f1'])).toBeNull();
      expect(await store.get(tenantId, open!.id)).toEqual(open);
    });

    it("lists newest first across the plan's status partitions, only the tenant's, in pages", async () => {
      const [a, b, c, d] = await createAll([request(), request({ status: 'cancelled' }), request(), request({ status: 'fulfilled' })]);
      await store.create({ ...request(), tenantId: `${tenantId}-b` });
      expect(await ids(plan())).toEqual([c!.id, a!.id]);
      const both = plan({ sources: [{ status: 'open' }, { status: 'cancelled' }], limit: 2 });
      const first = await store.list(both);
      expect(first.fileRequests.map((r) => r.id)).toEqual([c!.id, b!.id]);
      expect(first.nextAfter).not.toBeNull();
      const second = await store.list({ ...both, after: first.nextAfter! });
      expect(second).toEqual({ fileRequests: [a], nextAfter: null });
      expect(await ids(plan({ sources: [{ status: 'fulfilled' }] }))).toEqual([d!.id]);
    });

    it("reads one owner's partition when the source names the owner", async () => {
      const [mine, , mineCancelled] = await createAll([request(), request({ ownerId: 'patient-2' }), request({ status: 'cancelled' })]);
      const owner = plan({ sources: [{ status: 'open', ownerId: 'patient-1' }, { status: 'cancelled', ownerId: 'patient-1' }] });
      expect(await ids(owner)).toEqual([mineCancelled!.id, mine!.id]);
    });

    it('moves a request between status partitions when it is replaced', async () => {
      const [r] = await createAll([request()]);
      await store.replace({ ...r!, status: 'fulfilled', version: 2 }, 1);
      expect(await ids(plan())).toEqual([]);
      expect(await ids(plan({ sources: [{ status: 'fulfilled' }] }))).toEqual([r!.id]);
    });
  });
}
