/**
 * What every PendingUploadStore must do (shared/domain/large-uploads/pending-upload.ts), run against the in-memory
 * fake and against DynamoPendingUploads on the local DynamoDB server: kept until removed or expired, per tenant,
 * and never written twice for one id.
 */
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PendingUpload, PendingUploadStore } from '../../../shared/domain/large-uploads/pending-upload.ts';
import { AlreadyExistsError } from '../../../shared/domain/ports.ts';

const CREATED = '2026-05-01T10:00:00.000Z';
const EXPIRES = '2026-05-02T10:00:00.000Z';
const before = (iso: string) => new Date(Date.parse(iso) - 1);

export function describePendingUploadStoreContract(name: string, make: () => PendingUploadStore): void {
  describe(`PendingUploadStore contract: ${name}`, () => {
    let store: PendingUploadStore;
    /** A fresh tenant per test: the real table is shared by every test. */
    let tenantId: string;

    beforeEach(() => {
      store = make();
      tenantId = `contract-${randomUUID()}`;
    });

    const upload = (over: Partial<PendingUpload> = {}): PendingUpload => ({
      tenantId, id: uuidv7(), ownerId: 'patient-1', createdBy: { id: 'provider-7', role: 'provider' }, name: 'Befund März.pdf',
      mimeType: 'application/pdf', size: 12_345_678, sha256: 'ab'.repeat(32), description: null, category: 'lab_result',
      recordType: 'medical', entity: { type: 'visit', id: 'v-42' }, fileRequestId: null, expiryInterval: null,
      multipartUploadId: 'mpu-1', partCount: 3, createdAt: CREATED, expiresAt: EXPIRES, ...over,
    });

    it('gets what was put until it expires, and null for an absent id or another tenant', async () => {
      const u = upload();
      await store.put(u);
      expect(await store.get(tenantId, u.id, new Date(CREATED))).toEqual(u);
      expect(await store.get(tenantId, u.id, before(EXPIRES))).toEqual(u);
      expect(await store.get(tenantId, u.id, new Date(EXPIRES))).toBeNull();
      expect(await store.get(tenantId, uuidv7(), new Date(CREATED))).toBeNull();
      expect(await store.get(`${tenantId}-b`, u.id, new Date(CREATED))).toBeNull();
    });

    it('keeps a single PUT upload (no multipart id, no checksum) as it was', async () => {
      const u = upload({ multipartUploadId: null, partCount: 1, sha256: null, entity: null, recordType: null, expiryInterval: 3600 });
      await store.put(u);
      expect(await store.get(tenantId, u.id, new Date(CREATED))).toEqual(u);
    });

    it('refuses a second put of one id (AlreadyExistsError), keeping the first', async () => {
      const u = upload();
      await store.put(u);
      await expect(store.put({ ...u, name: 'other.pdf' })).rejects.toBeInstanceOf(AlreadyExistsError);
      expect((await store.get(tenantId, u.id, new Date(CREATED)))?.name).toBe(u.name);
    });

    it('removes an upload; removing an absent one is not an error', async () => {
      const u = upload();
      await store.put(u);
      await store.remove(tenantId, u.id);
      expect(await store.get(tenantId, u.id, new Date(CREATED))).toBeNull();
      await expect(store.remove(tenantId, u.id)).resolves.toBeUndefined();
    });
  });
}
