/**
 * `MedFilesClient.upload()` against `npm start` and its embedded S3 server: inline for small files, one PUT up
 * to 100 MiB, parallel parts above; progress, cancellation, and resumption that sends only what storage lacks.
 * Every request the client makes goes through a counting fetch, so the tests see what went to storage.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MedFilesClient, MedFilesError, type MedFile } from '@medfiles/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, mintToken, newTenant, sha256 } from '../support/e2e-client.ts';
import { png } from '../support/e2e-files.ts';

const MiB = 1024 * 1024;
const PART_SIZE = 8 * MiB;
const tenant = newTenant('client-uploads');

interface Sent {
  method: string;
  url: URL;
}

/** Storage's answer to a presigned URL past its time. */
const requestExpired = () => new Response('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', { status: 403 });
/** Storage's answer to a URL signed with session credentials that have since expired (a Lambda role's). */
const tokenExpired = () => new Response('<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>', { status: 400 });

/**
 * A client whose every request is recorded; `refuse` answers `refusal` (storage's 403 "Request has expired")
 * instead of sending a request it picks.
 */
async function countingClient(refuse?: (request: Sent) => boolean, refusal = requestExpired) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = { method: init?.method ?? 'GET', url: new URL(String(input)) };
    sent.push(request);
    if (refuse?.(request)) return refusal();
    return globalThis.fetch(input, init);
  };
  const token = await mintToken({ tenant, sub: 'patient-1', role: 'patient' });
  const client = new MedFilesClient({ baseUrl: baseUrl(), token, fetch });
  const api = new URL(baseUrl()).origin;
  return {
    client,
    sent,
    /** PUTs to storage (another origin than the API). */
    storagePuts: () => sent.filter((r) => r.method === 'PUT' && r.url.origin !== api),
    renewals: () => sent.filter((r) => r.method === 'POST' && r.url.pathname.endsWith('/renew')),
  };
}

const partNumberOf = (request: Sent): number => Number(request.url.searchParams.get('partNumber'));

/** A PDF (the type is sniffed from the first bytes) of `size` random bytes. */
function pdfOf(size: number): Buffer {
  const bytes = randomBytes(size);
  bytes.write('%PDF-1.7\n', 0, 'latin1');
  return bytes;
}

/**
 * What storage holds once it stops changing: a part whose bytes had all arrived when the client aborted may
 * still be stored a moment later.
 */
async function settledStatus(client: MedFilesClient, fileId: string) {
  let previous = await client.uploads.status(fileId);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const current = await client.uploads.status(fileId);
    if (current.parts.length === previous.parts.length) return current;
    previous = current;
  }
}

async function downloadedSha256(client: MedFilesClient, id: string): Promise<string> {
  const response = await client.files.content(id);
  const hash = createHash('sha256');
  for await (const chunk of response.body!) hash.update(chunk);
  return hash.digest('hex');
}

let workDir: string;
/** 110 MiB: 14 parts of 8 MiB, the last one 6 MiB. */
let large: Buffer;
let largeSha256: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'medfiles-client-uploads-'));
  large = pdfOf(110 * MiB);
  largeSha256 = sha256(large);
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('inline (up to 4 MiB)', () => {
  it('a File keeps its name and type; bytes need a name; progress starts at 0 and ends at the total', async () => {
    const { client, storagePuts } = await countingClient();
    const image = await client.upload(new File([await png(30, 20)], 'rash.png', { type: 'image/png' }));
    expect(image).toMatchObject({ originalName: 'rash.png', mimeType: 'image/png', imageWidth: 30 });

    const bytes = pdfOf(3 * MiB);
    const progress: number[] = [];
    const file = await client.upload(bytes, { name: 'scan.pdf', category: 'lab_result', onProgress: (p) => progress.push(p.loaded) });
    expect(file).toMatchObject({ originalName: 'scan.pdf', mimeType: 'application/pdf', category: 'lab_result', size: bytes.length, sha256: sha256(bytes) });
    expect(progress).toEqual([0, bytes.length]);
    expect(storagePuts()).toEqual([]);
    await expect(client.upload(bytes)).rejects.toThrow(/needs options.name/);
  });
});

describe('direct to storage', () => {
  it('12 MiB: one PUT, reported before any byte is sent; the downloaded bytes have the same SHA-256', async () => {
    const { client, storagePuts } = await countingClient();
    const bytes = pdfOf(12 * MiB);
    const started: unknown[] = [];
    const file = await client.upload(new Blob([bytes], { type: 'application/pdf' }), {
      name: 'Entlassbrief.pdf',
      onUploadStarted: (info) => void started.push({ ...info, putsSoFar: storagePuts().length }),
    });
    expect(started).toEqual([{ fileId: file.id, size: bytes.length, putsSoFar: 0 }]);
    expect(storagePuts()).toHaveLength(1);
    expect(file).toMatchObject({ originalName: 'Entlassbrief.pdf', size: bytes.length, sha256: sha256(bytes) });
    expect(await downloadedSha256(client, file.id)).toBe(sha256(bytes));
  });

  it('110 MiB from a path: parallel parts, progress part by part up to the total', async () => {
    const path = join(workDir, 'CT Abdomen.pdf');
    await writeFile(path, large);
    const { client, storagePuts } = await countingClient();
    const progress: { loaded: number; total: number }[] = [];
    let partSize: number | undefined;
    const file = await client.upload(path, { onProgress: (p) => progress.push(p), onUploadStarted: (info) => void (partSize = info.partSize) });

    expect(file).toMatchObject({ originalName: 'CT Abdomen.pdf', mimeType: 'application/pdf', size: large.length, sha256: largeSha256 });
    expect(partSize).toBe(PART_SIZE);
    expect(storagePuts().map(partNumberOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(progress).toHaveLength(15);
    expect(progress.every((p) => p.total === large.length)).toBe(true);
    expect(progress.map((p) => p.loaded)).toEqual([...progress.map((p) => p.loaded)].sort((a, b) => a - b));
    expect(progress.at(-1)!.loaded).toBe(large.length);
  });

  it('aborted part-way, then resumed with fileId: only the missing parts are sent, an expired URL is renewed', async () => {
    const first = await countingClient();
    const controller = new AbortController();
    let fileId: string | undefined;
    const aborted = first.client.upload(new Blob([large]), {
      name: 'resumed.pdf',
      mimeType: 'application/pdf',
      signal: controller.signal,
      onUploadStarted: (info) => void (fileId = info.fileId),
      // Stop once five parts are stored (with four in flight).
      onProgress: (p) => p.loaded >= 5 * PART_SIZE && controller.abort(new Error('stopped by the test')),
    });
    await expect(aborted).rejects.toThrow('stopped by the test');
    const status = await settledStatus(first.client, fileId!);
    expect(status).toMatchObject({ fileId, status: 'pending', size: large.length, partSize: PART_SIZE });
    const held = status.parts.map((p) => p.partNumber);
    expect(held.length).toBeGreaterThanOrEqual(5);
    expect(held.length).toBeLessThan(14);

    // The first URL the resume sends to is refused once, as storage refuses an expired URL.
    let refused: number | undefined;
    const second = await countingClient((request) => {
      if (refused !== undefined || request.method !== 'PUT' || !request.url.searchParams.has('partNumber')) return false;
      refused = partNumberOf(request);
      return true;
    });
    const progress: number[] = [];
    const file = await second.client.upload(new Blob([large], { type: 'application/pdf' }), {
      name: 'resumed.pdf',
      fileId,
      onProgress: (p) => progress.push(p.loaded),
    });
    // The server hashes the stored object on completion: the parts of both runs add up to the right bytes.
    expect(file).toMatchObject({ id: fileId, size: large.length, sha256: largeSha256 });

    const missing = Array.from({ length: 14 }, (_, i) => i + 1).filter((n) => !held.includes(n));
    const sentParts = second.storagePuts().map(partNumberOf);
    expect(sentParts.filter((n) => held.includes(n))).toEqual([]);
    expect(sentParts.sort((a, b) => a - b)).toEqual([...missing, refused!].sort((a, b) => a - b));
    // One renewal for the missing parts, one batch for the parts still unsent when a URL was refused.
    expect(second.renewals()).toHaveLength(2);
    expect(progress[0]).toBe(status.parts.reduce((sum, p) => sum + p.size, 0));
    expect(progress.at(-1)).toBe(large.length);

    // Resuming a finished upload answers its File and sends nothing.
    const third = await countingClient();
    expect((await third.client.upload(new Blob([large]), { name: 'resumed.pdf', fileId })).id).toBe(fileId);
    expect(third.storagePuts()).toEqual([]);
  });

  it.each([
    ['403 Request has expired', requestExpired],
    ['400 ExpiredToken', tokenExpired],
  ])('a single PUT refused as expired (%s) gets a fresh URL and is sent again', async (_name, refusal) => {
    let refusedOnce = false;
    const { client, storagePuts, renewals } = await countingClient((request) => {
      if (refusedOnce || request.method !== 'PUT' || request.url.pathname.startsWith('/v1/')) return false;
      return (refusedOnce = true);
    }, refusal);
    const bytes = pdfOf(64 * 1024);
    const file = await client.upload(bytes, { name: 'small.pdf', inlineMaxBytes: 0 });
    expect(file).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    expect(storagePuts()).toHaveLength(2);
    expect(renewals()).toHaveLength(1);
  });

  it('resume refusals: an unknown or aborted id is 404, another size is refused before anything is sent', async () => {
    const { client, storagePuts } = await countingClient();
    const bytes = pdfOf(64 * 1024);
    const target = await client.uploads.create({ name: 'x.pdf', mimeType: 'application/pdf', size: bytes.length });
    await expect(client.upload(pdfOf(1000), { name: 'x.pdf', fileId: target.fileId })).rejects.toThrow(RangeError);
    await client.uploads.abort(target.fileId);
    const gone = await client.upload(bytes, { name: 'x.pdf', fileId: target.fileId }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(MedFilesError);
    expect(gone).toMatchObject({ status: 404, code: 'not_found' });
    await expect(client.uploads.abort(target.fileId)).rejects.toMatchObject({ status: 404 });
    expect(storagePuts()).toEqual([]);
  });

  it('the raw routes: create, status, renew, complete', async () => {
    const { client } = await countingClient();
    const bytes = pdfOf(64 * 1024);
    const target = await client.uploads.create({ name: 'raw.pdf', mimeType: 'application/pdf', size: bytes.length });
    if (!('method' in target)) throw new Error('expected a single PUT');
    expect(await client.uploads.status(target.fileId)).toMatchObject({ status: 'pending', parts: [] });
    const renewed = await client.uploads.renew(target.fileId);
    if (!('method' in renewed)) throw new Error('expected a single PUT');
    const put = await fetch(renewed.url, { method: 'PUT', headers: Object.fromEntries(Object.entries(renewed.headers).filter(([k]) => k.toLowerCase() !== 'content-length')), body: bytes });
    expect(put.status).toBe(200);
    expect((await client.uploads.status(target.fileId)).parts).toEqual([{ partNumber: 1, size: bytes.length, etag: expect.any(String) }]);
    const file: MedFile = await client.uploads.complete(target.fileId);
    expect(file).toMatchObject({ id: target.fileId, sha256: sha256(bytes) });
    expect(await client.uploads.status(target.fileId)).toMatchObject({ status: 'completed', parts: [] });
    await expect(client.uploads.renew(target.fileId)).rejects.toMatchObject({ status: 409, code: 'conflict' });
  });
});
