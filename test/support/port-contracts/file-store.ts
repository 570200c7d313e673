/**
 * What every FileStore must do (shared/domain/ports.ts), run against the in-memory fake and against S3FileStore
 * on the local S3 server, so that the fake cannot drift from the adapter the domain really talks to.
 */
import { createHash, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FileStore, PresignedPut, StoredObjectHeaders } from '../../../shared/domain/ports.ts';

export interface FileStoreSubject {
  store: FileStore;
  /** What a client does with a presigned PUT: sends `bytes` with the signed headers to the URL. */
  clientPut(grant: PresignedPut, bytes: Uint8Array): Promise<void>;
  /** What a client does with a presigned part URL: sends the part; returns the ETag storage answered. */
  clientPutPart(url: string, uploadId: string, partNumber: number, bytes: Uint8Array): Promise<string>;
}

export interface FileStoreTraits {
  /**
   * Whether storage checks a parts list against the parts it holds, so that its refusals can be tested. S3 and
   * moto do; the embedded S3 server completes with any ETag.
   */
  checksParts: boolean;
  /**
   * Whether completing an unknown or aborted upload is refused as the client's mistake, as S3 does (404
   * NoSuchUpload). Default true: the fake and the embedded S3 server (its multipart layer) do; moto 5 answers 500.
   */
  refusesUnknownUploads?: boolean;
}

/** S3's smallest part but the last. */
const MIN_PART_SIZE = 5 * 1024 * 1024;
const HEADERS: StoredObjectHeaders = { contentType: 'application/pdf', contentDisposition: 'attachment' };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text));
const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes).toString());

export function describeFileStoreContract(name: string, make: () => FileStoreSubject, traits: FileStoreTraits): void {
  describe(`FileStore contract: ${name}`, () => {
    let subject: FileStoreSubject;
    let store: FileStore;
    /** A fresh prefix per test: the real bucket is shared by every test. */
    let prefix: string;

    beforeEach(() => {
      subject = make();
      store = subject.store;
      prefix = `contract/${randomUUID()}/`;
    });

    const putPart = async (key: string, uploadId: string, partNumber: number, bytes: Uint8Array) =>
      subject.clientPutPart(await store.presignPart(key, uploadId, partNumber, 60), uploadId, partNumber, bytes);
    const put = (key: string, value: string) => store.put(key, bytesOf(value), { ...HEADERS, sha256: sha256(bytesOf(value)) });
    const contents = async (key: string) => text(await (await store.open(key))?.read());

    it('keeps what was put; open gives the size before the body is read', async () => {
      await put(`${prefix}content`, 'hello world');
      const handle = await store.open(`${prefix}content`);
      expect(handle?.size).toBe(11);
      expect(text(await handle!.read())).toBe('hello world');
    });

    it('opens an absent object as null', async () => {
      expect(await store.open(`${prefix}absent`)).toBeNull();
    });

    it('lets a caller abort an opened body it will not read, leaving the object as it is', async () => {
      await put(`${prefix}content`, 'not for you');
      const handle = await store.open(`${prefix}content`);
      expect(() => handle!.abort()).not.toThrow();
      expect(await contents(`${prefix}content`)).toBe('not for you');
    });

    it('replaces an object put again', async () => {
      await put(`${prefix}content`, 'first');
      await put(`${prefix}content`, 'second');
      expect(await contents(`${prefix}content`)).toBe('second');
    });

    it('deletes an object, and deleting an absent one is not an error', async () => {
      await put(`${prefix}content`, 'x');
      await store.delete(`${prefix}content`);
      expect(await store.open(`${prefix}content`)).toBeNull();
      await expect(store.delete(`${prefix}content`)).resolves.toBeUndefined();
    });

    it('deletes everything under a prefix and nothing beside it', async () => {
      const file = `${prefix}files/f1/`;
      await Promise.all([put(`${file}content`, 'a'), put(`${file}thumbnails/200x140.auto`, 'b'), put(`${prefix}files/f10/content`, 'c')]);
      await store.deletePrefix(file);
      expect(await store.open(`${file}content`)).toBeNull();
      expect(await store.open(`${file}thumbnails/200x140.auto`)).toBeNull();
      expect(await contents(`${prefix}files/f10/content`)).toBe('c');
      await expect(store.deletePrefix(file)).resolves.toBeUndefined();
    });

    it('copies an object, leaving the source as it was; copying an absent one fails', async () => {
      await put(`${prefix}a`, 'bytes');
      await store.copy(`${prefix}a`, `${prefix}b`, { contentType: 'text/plain', contentDisposition: 'inline' });
      expect(await contents(`${prefix}b`)).toBe('bytes');
      expect(await contents(`${prefix}a`)).toBe('bytes');
      await expect(store.copy(`${prefix}absent`, `${prefix}c`, HEADERS)).rejects.toThrow();
    });

    it('heads an object: its size, a SHA-256 only when it is the bytes\' own; null when absent', async () => {
      await put(`${prefix}content`, 'twelve bytes');
      const head = await store.head(`${prefix}content`);
      expect(head?.size).toBe(12);
      if (head?.sha256 !== undefined) expect(head.sha256).toBe(sha256(bytesOf('twelve bytes')));
      expect(await store.head(`${prefix}absent`)).toBeNull();
    });

    it('reads an inclusive byte range, clipped to the end of the object', async () => {
      await put(`${prefix}content`, '0123456789');
      expect(text(await store.readRange(`${prefix}content`, 2, 5))).toBe('2345');
      expect(text(await store.readRange(`${prefix}content`, 0, 1))).toBe('01');
      expect(text(await store.readRange(`${prefix}content`, 8, 100))).toBe('89');
    });

    it('hashes an object as a stream; null when absent', async () => {
      const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
      await store.put(`${prefix}content`, bytes, { ...HEADERS, sha256: sha256(bytes) });
      expect(await store.sha256Of(`${prefix}content`)).toBe(sha256(bytes));
      expect(await store.sha256Of(`${prefix}absent`)).toBeNull();
    });

    it('puts with tags, and replaces tags later', async () => {
      await store.put(`${prefix}content`, bytesOf('x'), { ...HEADERS, sha256: sha256(bytesOf('x')), tags: { 'medfiles-expiry': '1' } });
      await expect(store.setTags(`${prefix}content`, { 'medfiles-expiry': '30' })).resolves.toBeUndefined();
      expect(await contents(`${prefix}content`)).toBe('x');
    });

    it('stores what a client sends to a presigned PUT with the signed headers', async () => {
      const bytes = bytesOf('uploaded directly');
      const grant = await store.presignPut(`${prefix}content`, 60, { contentType: 'text/plain', contentDisposition: 'attachment', sha256: sha256(bytes) });
      expect(grant.headers).toMatchObject({ 'Content-Type': 'text/plain', 'Content-Disposition': 'attachment' });
      expect(grant.url).not.toContain('attachment');
      await subject.clientPut(grant, bytes);
      expect(await contents(`${prefix}content`)).toBe('uploaded directly');
    });

    it('assembles a multipart upload from its parts, after which it has no parts to list', async () => {
      const key = `${prefix}content`;
      const uploadId = await store.createMultipart(key, HEADERS);
      // Every part but the last is at least 5 MiB, as S3 requires.
      const head = new Uint8Array(MIN_PART_SIZE).fill(0x61);
      const first = await putPart(key, uploadId, 1, head);
      const second = await putPart(key, uploadId, 2, bytesOf('second'));
      const parts = [{ partNumber: 1, etag: first }, { partNumber: 2, etag: second }];
      expect(await store.completeMultipart(key, uploadId, parts)).toBe(true);
      expect(await store.sha256Of(key)).toBe(sha256(Buffer.concat([head, bytesOf('second')])));
      expect(await store.listParts(key, uploadId)).toBeNull();
    });

    it('lists the parts storage holds, in part-number order, with the ETags it answered and their sizes', async () => {
      const key = `${prefix}content`;
      const uploadId = await store.createMultipart(key, HEADERS);
      expect(await store.listParts(key, uploadId)).toEqual([]);
      const third = await putPart(key, uploadId, 3, bytesOf('third'));
      const first = await putPart(key, uploadId, 1, bytesOf('first, sent once'));
      const again = await putPart(key, uploadId, 1, bytesOf('first'));
      expect(again).not.toBe(first);
      expect(await store.listParts(key, uploadId)).toEqual([
        { partNumber: 1, size: 5, etag: again },
        { partNumber: 3, size: 5, etag: third },
      ]);
    });

    it('lists no parts (null) for an unknown upload', async () => {
      expect(await store.listParts(`${prefix}content`, 'no-such-upload')).toBeNull();
      expect(await store.listParts(`${prefix}content`, '0123456789abcdef0123456789abcdef')).toBeNull();
    });

    it.skipIf(!traits.checksParts)('answers false, not an error, for a wrong ETag', async () => {
      const key = `${prefix}content`;
      const uploadId = await store.createMultipart(key, HEADERS);
      await putPart(key, uploadId, 1, bytesOf('part'));
      expect(await store.completeMultipart(key, uploadId, [{ partNumber: 1, etag: '"0123456789abcdef0123456789abcdef"' }])).toBe(false);
      expect(await store.open(key)).toBeNull();
    });

    it('aborts a multipart upload with its parts, and aborting one that no longer exists is not an error', async () => {
      const key = `${prefix}content`;
      const uploadId = await store.createMultipart(key, HEADERS);
      await putPart(key, uploadId, 1, bytesOf('part'));
      await expect(store.abortMultipart(key, uploadId)).resolves.toBeUndefined();
      expect(await store.listParts(key, uploadId)).toBeNull();
      await expect(store.abortMultipart(key, uploadId)).resolves.toBeUndefined();
      await expect(store.abortMultipart(key, 'no-such-upload')).resolves.toBeUndefined();
      expect(await store.open(key)).toBeNull();
    });

    it.skipIf(traits.refusesUnknownUploads === false)('answers false, not an error, for completing an aborted or unknown upload', async () => {
      const key = `${prefix}content`;
      const uploadId = await store.createMultipart(key, HEADERS);
      const etag = await putPart(key, uploadId, 1, bytesOf('part'));
      await store.abortMultipart(key, uploadId);
      expect(await store.completeMultipart(key, uploadId, [{ partNumber: 1, etag }])).toBe(false);
      expect(await store.completeMultipart(key, 'no-such-upload', [{ partNumber: 1, etag }])).toBe(false);
      expect(await store.open(key)).toBeNull();
    });

    it('keeps the other uploads of a key when one is aborted', async () => {
      const key = `${prefix}content`;
      const [kept, dropped] = await Promise.all([store.createMultipart(key, HEADERS), store.createMultipart(key, HEADERS)]);
      const etag = await putPart(key, kept, 1, bytesOf('kept'));
      await store.abortMultipart(key, dropped);
      expect(await store.listParts(key, kept)).toEqual([{ partNumber: 1, size: 4, etag }]);
    });
  });
}
