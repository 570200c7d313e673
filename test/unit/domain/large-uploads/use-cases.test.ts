/**
 * UploadReservations and UploadCompletions with in-memory ports: what a presigned PUT demands of the client,
 * verification on completion and what a failure leaves behind (nothing), idempotent completion (a repeat is not a
 * new upload), who may complete, and multipart.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_TYPES } from '../../../../shared/config.ts';
import { contentKey, type Caller } from '../../../../shared/domain/file.ts';
import type { ImageInfo, ImageProcessor, Thumbnail } from '../../../../shared/domain/images.ts';
import { readCreateUpload, type CreateUploadBody } from '../../../../shared/domain/large-uploads/bodies.ts';
import { UploadCompletions } from '../../../../shared/domain/large-uploads/completions.ts';
import { UploadReservations } from '../../../../shared/domain/large-uploads/reservations.ts';
import { UploadResumption } from '../../../../shared/domain/large-uploads/resumption.ts';
import type { SinglePutTarget } from '../../../../shared/domain/large-uploads/upload-target.ts';
import {
  InMemoryFileIndex,
  InMemoryFileRequests,
  InMemoryFileStore,
  InMemoryPendingUploads,
  RecordingPublisher,
} from '../../../support/in-memory-ports.ts';
import { InMemoryAuditTrail, memoryAuditor } from '../../../support/in-memory-audit-trail.ts';

const MiB = 1024 * 1024;
const allowedTypes = new Set(DEFAULT_ALLOWED_TYPES.split(','));
const limits = { maxUploadBytes: 5 * 1024 * MiB, allowedTypes };
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const provider: Caller = { sub: 'provider-1', tenantId: 't1', role: 'provider', via: 'token' };
const patient: Caller = { sub: 'patient-1', tenantId: 't1', role: 'patient', via: 'token' };
const otherPatient: Caller = { sub: 'patient-2', tenantId: 't1', role: 'patient', via: 'token' };
const otherTenant: Caller = { sub: 'provider-1', tenantId: 't2', role: 'provider', via: 'token' };

const pdf = (size: number) => {
  const bytes = Buffer.alloc(size, 0x20);
  Buffer.from('%PDF-1.7\n').copy(bytes);
  return bytes;
};
const PNG_HEADER = Buffer.from('89504e470d0a1a0a0000000d49484452000000100000000808060000001ff3ff61', 'hex');

/** Reads no real images: a fixed size for anything starting with the PNG signature. */
class FakeImages implements ImageProcessor {
  async readInfo(bytes: Uint8Array): Promise<ImageInfo | null> {
    return Buffer.from(bytes.subarray(0, 8)).equals(PNG_HEADER.subarray(0, 8)) ? { width: 16, height: 8, format: 'png' } : null;
  }
  async thumbnail(): Promise<Thumbnail> {
    throw new Error('not used');
  }
}

describe('large uploads with in-memory ports', () => {
  let store: InMemoryFileStore;
  let index: InMemoryFileIndex;
  let pending: InMemoryPendingUploads;
  let events: RecordingPublisher;
  let requests: InMemoryFileRequests;
  let reservations: UploadReservations;
  let completions: UploadCompletions;
  let clock: Date;

  beforeEach(() => {
    clock = new Date('2026-11-22T15:04:05.123Z');
    store = new InMemoryFileStore();
    index = new InMemoryFileIndex(() => clock);
    pending = new InMemoryPendingUploads();
    events = new RecordingPublisher();
    requests = new InMemoryFileRequests();
    const now = () => clock;
    reservations = new UploadReservations({ store, index, pending, fileRequests: requests, singlePutMaxBytes: 2 * MiB, minPartSize: MiB, now });
    completions = new UploadCompletions({ store, index, pending, events, images: new FakeImages(), fileRequests: requests, allowedTypes, now, auditor: memoryAuditor() });
  });

  const body = (overrides: Partial<CreateUploadBody> = {}): CreateUploadBody =>
    readCreateUpload({ name: 'Röntgen scan.pdf', mimeType: 'application/pdf', size: 1000, ...overrides }, limits);

  async function startSingle(caller: Caller, bytes: Uint8Array, overrides: Partial<CreateUploadBody> = {}) {
    const target = await reservations.createUpload(caller, body({ size: bytes.length, ...overrides }));
    if (!('method' in target)) throw new Error('expected a single PUT');
    return target;
  }

  const upload = (target: SinglePutTarget, bytes: Uint8Array) =>
    expect(store.clientPut(target.url, bytes, target.headers)).toBe('ok');

  const leftovers = (id: string) => ({
    object: store.objects.has(contentKey('t1', id)),
    pending: pending.uploads.size,
    claimed: index.claims.size,
    file: index.records.size,
  });

  it('returns a presigned PUT with signed headers; the id is a fresh UUIDv7, reserved and invisible', async () => {
    const bytes = pdf(1000);
    const target = await startSingle(patient, bytes, { sha256: sha(bytes) });
    expect(target.fileId).toMatch(UUID_V7);
    expect(target.method).toBe('PUT');
    expect(target.url).not.toContain('ntgen');
    expect(target.headers).toEqual({
      'Content-Type': 'application/pdf',
      'Content-Disposition': expect.stringMatching(/^attachment; filename="R_ntgen scan.pdf"; filename\*=UTF-8''R%C3%B6ntgen%20scan.pdf$/),
      'x-amz-checksum-sha256': Buffer.from(sha(bytes), 'hex').toString('base64'),
    });
    expect(target.expiresAt).toBe('2026-11-22T16:04:05.123Z');
    expect(await index.get('t1', target.fileId)).toBeNull();
    expect(await index.holds('t1', target.fileId)).toBe(true);
    expect((await pending.get('t1', target.fileId, clock))?.ownerId).toBe('patient-1');
    // Storage refuses a PUT without the signed headers, and bytes that are not the declared checksum.
    expect(store.clientPut(target.url, bytes, { 'Content-Type': 'application/pdf' })).toBe('signature');
    expect(store.clientPut(target.url, pdf(1000).fill(0x41, 20), target.headers)).toBe('checksum');
  });

  it('completes: the File is made from the declared metadata and the verified bytes; completing again returns it', async () => {
    requests.open('0193a5c2-0000-7000-8000-000000000001', 'patient-1');
    const bytes = pdf(1500);
    const target = await startSingle(provider, bytes, {
      ownerId: 'patient-1',
      category: 'lab_result',
      recordType: 'medical',
      description: 'bloods',
      entity: { type: 'visit', id: 'v-1' },
      fileRequestId: '0193A5C2-0000-7000-8000-000000000001',
      expiryInterval: 86_400 * 3,
    });
    upload(target, bytes);
    clock = new Date('2026-11-22T15:10:00.000Z');
    const { file, created } = await completions.completeUpload(provider, target.fileId, {});
    expect(created).toBe(true);
    expect(file).toMatchObject({
      id: target.fileId,
      ownerId: 'patient-1',
      createdBy: { id: 'provider-1', role: 'provider' },
      originalName: 'Röntgen scan.pdf',
      extension: 'pdf',
      mimeType: 'application/pdf',
      size: 1500,
      sha256: sha(bytes),
      category: 'lab_result',
      recordType: 'medical',
      description: 'bloods',
      entity: { type: 'visit', id: 'v-1' },
      fileRequestId: '0193a5c2-0000-7000-8000-000000000001',
      imageWidth: null,
      createdAt: '2026-11-22T15:10:00.000Z',
      expiresAt: '2026-11-25T15:10:00.000Z',
      version: 1,
    });
    expect(await index.get('t1', target.fileId)).toEqual(file);
    expect(store.tags.get(contentKey('t1', target.fileId))).toEqual({ 'medfiles-expires-within-days': '7' });
    expect(requests.requests.get('0193a5c2-0000-7000-8000-000000000001')!.fileIds).toEqual([target.fileId]);
    expect(events.events.map((e) => e.type)).toEqual(['file.created', 'file-request.files.updated']);
    expect(JSON.stringify(events.events)).not.toContain('ntgen');
    expect(pending.uploads.size).toBe(0);

    expect(await completions.completeUpload(provider, target.fileId, {})).toEqual({ file, created: false });
    expect(events.events).toHaveLength(2);
  });

  describe('a repeated completion is not a new upload', () => {
    it('completing a completed upload returns the same File with created: false and publishes nothing', async () => {
      const bytes = pdf(1000);
      const target = await startSingle(patient, bytes);
      upload(target, bytes);
      const first = await completions.completeUpload(patient, target.fileId, {});
      expect(first.created).toBe(true);
      const published = events.events.length;

      const again = await completions.completeUpload(patient, target.fileId, {});
      expect(again).toEqual({ file: first.file, created: false });
      expect(events.events).toHaveLength(published);
    });

    it('of two concurrent completions, the one that loses the index write reports created: false', async () => {
      const bytes = pdf(1000);
      const target = await startSingle(patient, bytes);
      upload(target, bytes);
      let replaces = 0;
      index.failOn('replace', (call) => void (replaces = call));

      const results = await Promise.all([
        completions.completeUpload(patient, target.fileId, {}),
        completions.completeUpload(patient, target.fileId, {}),
      ]);
      expect(replaces).toBe(2); // both verified the bytes and raced for the claim
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect(results[1]!.file).toEqual(results[0]!.file);
      expect(events.events.map((e) => e.type)).toEqual(['file.created']);
    });
  });

  it('uses the checksum storage verified instead of reading the object again', async () => {
    store.reportsChecksums = true;
    const bytes = pdf(1000);
    const target = await startSingle(patient, bytes, { sha256: sha(bytes) });
    upload(target, bytes);
    expect((await completions.completeUpload(patient, target.fileId, {})).file.sha256).toBe(sha(bytes));
    expect(store.calls.some((c) => c.op === 'sha256Of')).toBe(false);
  });

  it('reads image dimensions from the first bytes', async () => {
    const bytes = Buffer.concat([PNG_HEADER, Buffer.alloc(500)]);
    const target = await startSingle(patient, bytes, { name: 'a.png', mimeType: 'image/png' });
    upload(target, bytes);
    expect((await completions.completeUpload(patient, target.fileId, {})).file).toMatchObject({ mimeType: 'image/png', imageWidth: 16, imageHeight: 8 });
  });

  it('a text file whose first 64 KiB end mid-character is still text', async () => {
    const bytes = Buffer.from('é'.repeat(40_000) + 'x', 'utf8'); // 'é' is 2 bytes: byte 65,535 starts a character
    const target = await startSingle(patient, bytes, { name: 'notes.txt', mimeType: 'text/plain' });
    upload(target, bytes);
    expect(target.headers['Content-Type']).toBe('text/plain; charset=utf-8');
    expect((await completions.completeUpload(patient, target.fileId, {})).file.mimeType).toBe('text/plain');
  });

  it('a text file is checked for markup all the way through, not only its first 64 KiB: 415 and nothing kept (issue 8)', async () => {
    // The first 64 KiB end with '<s' and the next window starts with 'cript>': only the whole file shows the tag.
    const late = Buffer.concat([Buffer.from('é'.repeat(32_767) + '<s', 'utf8'), Buffer.from('cript>alert(1)</script>\n', 'utf8')]);
    expect(late.subarray(0, 65_536).toString('utf8').endsWith('<s')).toBe(true);
    const target = await startSingle(patient, late, { name: 'notes.txt', mimeType: 'text/plain' });
    upload(target, late);
    await expect(completions.completeUpload(patient, target.fileId, {})).rejects.toMatchObject({ status: 415 });
    expect(leftovers(target.fileId)).toEqual({ object: false, pending: 0, claimed: 0, file: 0 });

    // The same length of plain text is accepted.
    const plain = Buffer.concat([Buffer.from('é'.repeat(32_767) + 'ab', 'utf8'), Buffer.from('less < more, scripts are fine to mention\n', 'utf8')]);
    const ok = await startSingle(patient, plain, { name: 'notes.txt', mimeType: 'text/plain' });
    upload(ok, plain);
    expect((await completions.completeUpload(patient, ok.fileId, {})).file.mimeType).toBe('text/plain');
  });

  describe('a failed verification leaves nothing, and the id stays 404', () => {
    it('no object: 422', async () => {
      const target = await startSingle(patient, pdf(1000));
      await expect(completions.completeUpload(patient, target.fileId, {})).rejects.toMatchObject({ status: 422, details: [{ path: 'fileId' }] });
      expect(leftovers(target.fileId)).toEqual({ object: false, pending: 0, claimed: 0, file: 0 });
      await expect(completions.completeUpload(patient, target.fileId, {})).rejects.toMatchObject({ status: 404 });
    });

    it('another size than declared: 422', async () => {
      const target = await startSingle(patient, pdf(1000));
      store.objects.set(contentKey('t1', target.fileId), { bytes: pdf(999), headers: { contentType: 'application/pdf', contentDisposition: 'attachment' } });
      await expect(completions.completeUpload(patient, target.fileId, {})).rejects.toMatchObject({ status: 422, details: [{ path: 'size' }] });
      expect(leftovers(target.fileId)).toEqual({ object: false, pending: 0, claimed: 0, file: 0 });
    });

    it('another checksum than declared (storage that does not verify): 422', async () => {
      const bytes = pdf(1000);
      const target = await startSingle(patient, bytes, { sha256: sha(pdf(1001).subarray(0, 1000).fill(1, 30)) });
      store.objects.set(contentKey('t1', target.fileId), { bytes, headers: { contentType: 'application/pdf', contentDisposition: 'attachment' } });
      await expect(completions.completeUpload(patient, target.fileId, {})).rejects.toMatchObject({ status: 422, details: [{ path: 'sha256' }] });
      expect(leftovers(target.fileId)).toEqual({ object: false, pending: 0, claimed: 0, file: 0 });
    });

    it('bytes that are not the declared type: 415, before a size mismatch', async () => {
      const target = await startSingle(patient, pdf(1000));
      store.objects.set(contentKey('t1', target.fileId), {
        bytes: Buffer.concat([PNG_HEADER, Buffer.alloc(10)]),
        headers: { contentType: 'application/pdf', contentDisposition: 'attachment' },
      });
      await expect(completions.completeUpload(patient, target.fileId, {})).rejects.toMatchObject({ status: 415 });
      expect(leftovers(target.fileId)).toEqual({ object: false, pending: 0, claimed: 0, file: 0 });
      expect(events.events).toEqual([]);
    });

    it('a file request closed while the bytes were sent: 422 and nothing kept', async () => {
      requests.open('0193a5c2-0000-7000-8000-000000000002', 'patient-1');
      const bytes = pdf(1000);
      const target = await startSingle(patient, bytes, { fileRequestId: '0193a5c2-0000-7000-8000-000000000002' });
      upload(target, bytes);
      requests.close('0193a5c2-0000-7000-8000-000000000002');
      await expect(completions.completeUpload(patient, target.fileId, {})).rejects.toMatchObject({ status: 422 });
      expect(leftovers(target.fileId)).toEqual({ object: false, pending: 0, claimed: 0, file: 0 });
    });
  });

  describe('who may start and complete', () => {
    it('a patient uploads only for itself (403) and only to an open request of its own (422); nothing is reserved', async () => {
      await expect(reservations.createUpload(patient, body({ ownerId: 'patient-2' }))).rejects.toMatchObject({ status: 403 });
      await expect(reservations.createUpload(patient, body({ fileRequestId: '0193a5c2-0000-7000-8000-000000000009' }))).rejects.toMatchObject({
        status: 422,
        details: [{ path: 'fileRequestId' }],
      });
      expect(index.claims.size + pending.uploads.size).toBe(0);
    });

    it('another patient, a provider and another tenant get 404; an admin of the tenant may complete (API.md)', async () => {
      const bytes = pdf(1000);
      const target = await startSingle(patient, bytes);
      upload(target, bytes);
      await expect(completions.completeUpload(otherPatient, target.fileId, {})).rejects.toMatchObject({ status: 404 });
      await expect(completions.completeUpload(otherTenant, target.fileId, {})).rejects.toMatchObject({ status: 404 });
      await expect(completions.completeUpload(provider, target.fileId, {})).rejects.toMatchObject({ status: 404 });
      expect(store.objects.has(contentKey('t1', target.fileId))).toBe(true);
      expect((await completions.completeUpload({ ...provider, sub: 'admin-1', role: 'admin' }, target.fileId, {})).file.createdBy).toEqual({ id: 'patient-1', role: 'patient' });
      await expect(completions.completeUpload(otherPatient, target.fileId, {})).rejects.toMatchObject({ status: 404 });
    });

    it('an upload past its lifetime is 404', async () => {
      const target = await startSingle(patient, pdf(1000));
      upload(target, pdf(1000));
      clock = new Date(clock.getTime() + 24 * 3600 * 1000);
      await expect(completions.completeUpload(patient, target.fileId, {})).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('multipart', () => {
    const bytes = Buffer.concat([pdf(MiB), Buffer.alloc(MiB + 512 * 1024, 0x41)]);

    async function startMultipart() {
      const target = await reservations.createUpload(patient, body({ size: bytes.length, sha256: sha(bytes) }));
      if (!('parts' in target)) throw new Error('expected multipart');
      const uploadId = [...store.multiparts.keys()][0]!;
      return { target, uploadId };
    }

    it('hands out one URL per part, no name in any, and completes from the listed parts', async () => {
      const { target, uploadId } = await startMultipart();
      expect(target.partSize).toBe(MiB);
      expect(target.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
      expect(JSON.stringify(target)).not.toContain('ntgen');
      const etags = target.parts.map((p, i) =>
        store.clientPutPart(uploadId, p.partNumber, bytes.subarray(i * target.partSize, (i + 1) * target.partSize)),
      );
      const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
      const { file } = await completions.completeUpload(patient, target.fileId, { parts });
      expect(file).toMatchObject({ size: bytes.length, sha256: sha(bytes), mimeType: 'application/pdf' });
      expect(Buffer.from(store.objects.get(contentKey('t1', target.fileId))!.bytes).equals(bytes)).toBe(true);
      expect(await completions.completeUpload(patient, target.fileId, { parts })).toEqual({ file, created: false });
    });

    it('a reservation that cannot be recorded releases the id and aborts the multipart upload', async () => {
      pending.put = () => Promise.reject(new Error('table unavailable'));
      await expect(reservations.createUpload(patient, body({ size: bytes.length }))).rejects.toThrow('table unavailable');
      expect(store.calls.filter((c) => c.op === 'abortMultipart')).toHaveLength(1);
      expect(store.multiparts.size + index.claims.size + pending.uploads.size).toBe(0);
    });

    it('a missing or out-of-order parts list is 422 and the upload may still be completed', async () => {
      const { target, uploadId } = await startMultipart();
      await expect(completions.completeUpload(patient, target.fileId, {})).rejects.toMatchObject({ status: 422, details: [{ path: 'parts' }] });
      await expect(
        completions.completeUpload(patient, target.fileId, { parts: [{ partNumber: 2, etag: 'a' }, { partNumber: 1, etag: 'b' }, { partNumber: 3, etag: 'c' }] }),
      ).rejects.toMatchObject({ status: 422 });
      expect(store.multiparts.has(uploadId)).toBe(true);
      expect(pending.uploads.size).toBe(1);
    });

    it('parts storage refuses (wrong ETag): 422, the multipart upload is aborted and nothing is kept', async () => {
      const { target, uploadId } = await startMultipart();
      target.parts.forEach((p, i) => store.clientPutPart(uploadId, p.partNumber, bytes.subarray(i * MiB, (i + 1) * MiB)));
      const parts = target.parts.map((p) => ({ partNumber: p.partNumber, etag: '"0000"' }));
      await expect(completions.completeUpload(patient, target.fileId, { parts })).rejects.toMatchObject({ status: 422 });
      expect(store.multiparts.size).toBe(0);
      expect(leftovers(target.fileId)).toEqual({ object: false, pending: 0, claimed: 0, file: 0 });
    });

    it('resuming: status lists the parts storage holds, renew signs only the missing ones, then it completes', async () => {
      const resumption = new UploadResumption({ store, index, pending, singlePutMaxBytes: 2 * MiB, minPartSize: MiB, now: () => clock });
      const { target, uploadId } = await startMultipart();
      const part = (n: number) => bytes.subarray((n - 1) * MiB, n * MiB);
      const etag1 = store.clientPutPart(uploadId, 1, part(1));
      const etag3 = store.clientPutPart(uploadId, 3, part(3));
      expect(await resumption.status(patient, target.fileId)).toEqual({
        fileId: target.fileId,
        status: 'pending',
        size: bytes.length,
        partSize: MiB,
        parts: [
          { partNumber: 1, size: MiB, etag: etag1 },
          { partNumber: 3, size: part(3).length, etag: etag3 },
        ],
        expiresAt: '2026-11-23T15:04:05.123Z',
      });
      const renewed = await resumption.renew(patient, target.fileId);
      expect('parts' in renewed && renewed.parts.map((p) => p.partNumber)).toEqual([2]);
      const asked = await resumption.renew(patient, target.fileId, [3, 1, 3]);
      expect('parts' in asked && asked.parts.map((p) => p.partNumber)).toEqual([1, 3]);
      await expect(resumption.renew(patient, target.fileId, [4])).rejects.toMatchObject({ status: 422, details: [{ path: 'partNumbers.0' }] });
      const etag2 = store.clientPutPart(uploadId, 2, part(2));
      const parts = [etag1, etag2, etag3].map((etag, i) => ({ partNumber: i + 1, etag }));
      await completions.completeUpload(patient, target.fileId, { parts });
      expect(await resumption.status(patient, target.fileId)).toMatchObject({ status: 'completed', parts: [], expiresAt: null });
      await expect(resumption.renew(patient, target.fileId)).rejects.toMatchObject({ status: 409 });
    });

    it('abort: the parts, the pending upload and the claim go; then 404; strangers get 404 and change nothing', async () => {
      const resumption = new UploadResumption({ store, index, pending, singlePutMaxBytes: 2 * MiB, minPartSize: MiB, now: () => clock });
      const { target, uploadId } = await startMultipart();
      store.clientPutPart(uploadId, 1, bytes.subarray(0, MiB));
      for (const stranger of [otherPatient, provider, otherTenant]) {
        await expect(resumption.abort(stranger, target.fileId)).rejects.toMatchObject({ status: 404 });
        await expect(resumption.status(stranger, target.fileId)).rejects.toMatchObject({ status: 404 });
      }
      expect(store.multiparts.has(uploadId)).toBe(true);
      await resumption.abort(patient, target.fileId);
      expect(store.multiparts.size + pending.uploads.size + index.claims.size).toBe(0);
      await expect(resumption.abort(patient, target.fileId)).rejects.toMatchObject({ status: 404 });
      await expect(resumption.status(patient, target.fileId)).rejects.toMatchObject({ status: 404 });
    });

    it('an abort never takes a File: a completed upload whose pending record was left behind is 409 and stays', async () => {
      const resumption = new UploadResumption({ store, index, pending, singlePutMaxBytes: 2 * MiB, minPartSize: MiB, now: () => clock });
      const { target, uploadId } = await startMultipart();
      const parts = target.parts.map((p, i) => ({ partNumber: p.partNumber, etag: store.clientPutPart(uploadId, p.partNumber, bytes.subarray(i * MiB, (i + 1) * MiB)) }));
      const left = (await pending.get('t1', target.fileId, clock))!;
      const { file } = await completions.completeUpload(patient, target.fileId, { parts });
      await pending.put(left); // as if removing it had failed (it is removed by TTL then)
      await expect(resumption.abort(patient, target.fileId)).rejects.toMatchObject({ status: 409 });
      await expect(resumption.renew(patient, target.fileId)).rejects.toMatchObject({ status: 409 });
      expect(await resumption.status(patient, target.fileId)).toMatchObject({ status: 'completed' });
      expect(await index.get('t1', target.fileId)).toEqual(file);
      expect(store.objects.has(contentKey('t1', target.fileId))).toBe(true);
      await expect(resumption.status(otherPatient, target.fileId)).rejects.toMatchObject({ status: 404 });
    });

    it('an abort that wins leaves a completion nothing to make a File of', async () => {
      const resumption = new UploadResumption({ store, index, pending, singlePutMaxBytes: 2 * MiB, minPartSize: MiB, now: () => clock });
      const { target, uploadId } = await startMultipart();
      const parts = target.parts.map((p, i) => ({ partNumber: p.partNumber, etag: store.clientPutPart(uploadId, p.partNumber, bytes.subarray(i * MiB, (i + 1) * MiB)) }));
      await resumption.abort(patient, target.fileId);
      await expect(completions.completeUpload(patient, target.fileId, { parts })).rejects.toMatchObject({ status: 404 });
      expect(leftovers(target.fileId)).toEqual({ object: false, pending: 0, claimed: 0, file: 0 });
    });

    it('a completion refused by the audit trail (503) can be completed again: storage already assembled it', async () => {
      const trail = new InMemoryAuditTrail();
      const audited = new UploadCompletions({ store, index, pending, events, images: new FakeImages(), fileRequests: requests, allowedTypes, now: () => clock, auditor: memoryAuditor(trail) });
      const { target, uploadId } = await startMultipart();
      const parts = target.parts.map((p, i) => ({ partNumber: p.partNumber, etag: store.clientPutPart(uploadId, p.partNumber, bytes.subarray(i * MiB, (i + 1) * MiB)) }));
      trail.failing = true;
      await expect(audited.completeUpload(patient, target.fileId, { parts })).rejects.toMatchObject({ status: 503 });
      expect(await index.get('t1', target.fileId)).toBeNull();
      expect(await index.holds('t1', target.fileId)).toBe(true);
      trail.failing = false;
      const { file, created } = await audited.completeUpload(patient, target.fileId, { parts });
      expect({ created, sha256: file.sha256 }).toEqual({ created: true, sha256: sha(bytes) });
      expect(trail.of(target.fileId).map((r) => r.action)).toEqual(['create']);
    });

    it('a parts list for a single-PUT upload is 422', async () => {
      const target = await startSingle(patient, pdf(1000));
      await expect(completions.completeUpload(patient, target.fileId, { parts: [{ partNumber: 1, etag: 'x' }] })).rejects.toMatchObject({ status: 422 });
    });
  });
});
