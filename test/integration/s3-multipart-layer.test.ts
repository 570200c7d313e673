/**
 * The embedded S3 server answers ListParts and AbortMultipartUpload (local/s3-multipart-layer.ts, in front of
 * s3rver) the way S3 does. moto_server, a second S3 implementation, is the reference where it is installed: the
 * same scenarios run on both servers through the AWS SDK and the raw HTTP API, and the FileStore contract runs on
 * moto too, so the adapter is held to a server that checks parts lists. Without moto_server on the PATH those
 * runs are skipped and the reason is printed. A few cases run on the embedded server only: S3 behaviour that
 * moto does not copy (it lists parts by position and ignores the key an upload was started for).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3FileStore } from '../../shared/adapters/s3-file-store.ts';
import { integrationTargets, REGION } from '../support/integration-clients.ts';
import { describeFileStoreContract } from '../support/port-contracts/file-store.ts';

interface Server {
  endpoint: string;
  bucket: string;
  s3: S3Client;
}

const motoMissing = spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status !== 0;
if (motoMissing) console.warn('moto_server is not on the PATH (pip install "moto[server]"): the S3 reference runs are skipped');

/** The SDK as the adapter uses it (shared/adapters/clients.ts), pointed at one server. */
const clientFor = (endpoint: string) =>
  new S3Client({
    region: REGION,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

/** moto_server on a free loopback port; resolves once it says where it listens. */
async function startMoto(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('moto_server did not start within 15 s')), 15_000);
    child.once('exit', (code) => reject(new Error(`moto_server exited (code ${code})`)));
    createInterface({ input: child.stderr }).on('line', (line) => {
      const found = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { endpoint, stop };
}

let embeddedServer: Server | undefined;
const embedded = (): Server => {
  const { s3Endpoint, bucket } = integrationTargets();
  return (embeddedServer ??= { endpoint: s3Endpoint, bucket, s3: clientFor(s3Endpoint) });
};

let moto: { endpoint: string; stop(): Promise<void> } | undefined;
const motoServer: Server = { endpoint: '', bucket: 'medfiles-moto', s3: undefined as unknown as S3Client };

beforeAll(async () => {
  if (motoMissing) return;
  moto = await startMoto();
  Object.assign(motoServer, { endpoint: moto.endpoint, s3: clientFor(moto.endpoint) });
  await motoServer.s3.send(new CreateBucketCommand({ Bucket: motoServer.bucket }));
});
afterAll(async () => {
  embeddedServer?.s3.destroy();
  motoServer.s3?.destroy();
  await moto?.stop();
});

const failure = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { name?: string; $metadata?: { httpStatusCode?: number } }) => `${error.$metadata?.httpStatusCode} ${error.name}`,
  );

/** What both servers must answer alike, the way S3 answers it. */
function describeMultipartAnswers(name: string, server: () => Server, skip: boolean) {
  describe.skipIf(skip)(`ListParts and AbortMultipartUpload: ${name}`, () => {
    let s3: S3Client;
    let bucket: string;
    let url: (key: string, query: string) => string;
    beforeAll(() => {
      ({ s3, bucket } = server());
      url = (key, query) => `${server().endpoint}/${bucket}/${key}?${query}`;
    });
    const start = async (key: string) => (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!;
    const upload = async (key: string, uploadId: string, partNumber: number, body: string) =>
      (await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }))).ETag!;
    const list = (key: string, uploadId: string, page: { MaxParts?: number; PartNumberMarker?: string } = {}) =>
      s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, ...page }));

    it('lists what a fresh upload holds: nothing, not truncated', async () => {
      const key = `layer/${randomUUID()}`;
      const out = await list(key, await start(key));
      expect(out.Parts ?? []).toEqual([]);
      expect(out.IsTruncated).toBe(false);
    });

    it('lists parts with number, size, the ETag UploadPart answered and a date, a page at a time', async () => {
      const key = `layer/${randomUUID()}/name with spaces`;
      const uploadId = await start(key);
      const etags = [await upload(key, uploadId, 1, 'a'), await upload(key, uploadId, 2, 'bb'), await upload(key, uploadId, 3, 'ccc')];
      const all = await list(key, uploadId);
      expect(all).toMatchObject({ Bucket: bucket, Key: key, UploadId: uploadId, IsTruncated: false, MaxParts: 1000 });
      expect(all.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([[1, 1, etags[0]], [2, 2, etags[1]], [3, 3, etags[2]]]);
      expect(all.Parts?.every((p) => p.LastModified instanceof Date && !Number.isNaN(p.LastModified.getTime()))).toBe(true);

      const first = await list(key, uploadId, { MaxParts: 2 });
      expect(first.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
      expect(first).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '2', MaxParts: 2 });
      const rest = await list(key, uploadId, { MaxParts: 2, PartNumberMarker: first.NextPartNumberMarker });
      expect(rest.Parts?.map((p) => p.PartNumber)).toEqual([3]);
      expect(rest).toMatchObject({ IsTruncated: false, PartNumberMarker: '2' });
    });

    it('answers 404 NoSuchUpload for an unknown upload id, to ListParts and to AbortMultipartUpload', async () => {
      const key = `layer/${randomUUID()}`;
      for (const uploadId of ['no-such-upload', '0123456789abcdef0123456789abcdef']) {
        expect(await failure(list(key, uploadId))).toBe('404 NoSuchUpload');
        expect(await failure(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })))).toBe('404 NoSuchUpload');
      }
      const response = await fetch(url(key, 'uploadId=no-such-upload'));
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/xml/);
      expect(await response.text()).toMatch(/<Code>NoSuchUpload<\/Code>.*<UploadId>no-such-upload<\/UploadId>/s);
    });

    it('aborts with 204 and drops the parts; the upload is gone, a second abort is 404 NoSuchUpload', async () => {
      const key = `layer/${randomUUID()}`;
      const uploadId = await start(key);
      await upload(key, uploadId, 1, 'part');
      const abort = await fetch(url(key, `uploadId=${uploadId}`), { method: 'DELETE' });
      expect(abort.status).toBe(204);
      expect(await abort.text()).toBe('');
      expect(await failure(list(key, uploadId))).toBe('404 NoSuchUpload');
      const again = await fetch(url(key, `uploadId=${uploadId}`), { method: 'DELETE' });
      expect(again.status).toBe(404);
      expect(await again.text()).toContain('<Code>NoSuchUpload</Code>');
    });

    it('refuses a negative max-parts with 400 InvalidArgument', async () => {
      const key = `layer/${randomUUID()}`;
      const response = await fetch(url(key, `uploadId=${await start(key)}&max-parts=-1`));
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<Code>InvalidArgument</Code>');
    });

    it('gives the adapter every part over several pages (1,001 parts, S3 lists 1,000 a page)', async () => {
      const key = `layer/${randomUUID()}`;
      const uploadId = await start(key);
      const numbers = Array.from({ length: 1001 }, (_, i) => i + 1);
      for (let i = 0; i < numbers.length; i += 25) {
        await Promise.all(numbers.slice(i, i + 25).map((n) => upload(key, uploadId, n, String(n))));
      }
      const parts = await new S3FileStore(s3, bucket).listParts(key, uploadId);
      expect(parts?.map((p) => p.partNumber)).toEqual(numbers);
      expect(parts?.[1000]).toMatchObject({ partNumber: 1001, size: 4 });
    }, 60_000);
  });
}

describeMultipartAnswers('embedded S3 server', embedded, false);
describeMultipartAnswers('moto_server (reference)', () => motoServer, motoMissing);

describe('S3 behaviour the embedded server keeps and moto does not', () => {
  let server: Server;
  beforeAll(() => {
    server = embedded();
  });
  const start = async (key: string) => (await server.s3.send(new CreateMultipartUploadCommand({ Bucket: server.bucket, Key: key }))).UploadId!;
  const at = (key: string, query: string) => `${server.endpoint}/${server.bucket}/${key}?${query}`;

  it('binds an upload id to its key: ListParts, abort and parts under another key are NoSuchUpload', async () => {
    const key = `layer/${randomUUID()}`;
    const uploadId = await start(key);
    for (const method of ['GET', 'DELETE', 'PUT']) {
      const response = await fetch(at(`${key}-other`, `uploadId=${uploadId}&partNumber=1`), { method, body: method === 'PUT' ? 'x' : undefined });
      expect([method, response.status, await response.text()]).toEqual([method, 404, expect.stringContaining('<Code>NoSuchUpload</Code>')]);
    }
    expect((await fetch(at(key, `uploadId=${uploadId}`))).status).toBe(200);
  });

  it('pages by part number, not by position, when parts have gaps', async () => {
    const key = `layer/${randomUUID()}`;
    const uploadId = await start(key);
    for (const n of [1, 3, 5]) await fetch(at(key, `uploadId=${uploadId}&partNumber=${n}`), { method: 'PUT', body: 'x' });
    const out = await server.s3.send(new ListPartsCommand({ Bucket: server.bucket, Key: key, UploadId: uploadId, PartNumberMarker: '2' }));
    expect(out.Parts?.map((p) => p.PartNumber)).toEqual([3, 5]);
  });

  it('refuses parts of an aborted upload and part numbers outside 1..10000, and stores nothing for them', async () => {
    const key = `layer/${randomUUID()}`;
    const uploadId = await start(key);
    for (const n of ['0', '10001', 'x', '../key']) {
      const response = await fetch(at(key, `uploadId=${uploadId}&partNumber=${encodeURIComponent(n)}`), { method: 'PUT', body: 'x' });
      expect([n, response.status, await response.text()]).toEqual([n, 400, expect.stringContaining('<Code>InvalidArgument</Code>')]);
    }
    expect((await server.s3.send(new ListPartsCommand({ Bucket: server.bucket, Key: key, UploadId: uploadId }))).Parts ?? []).toEqual([]);
    expect((await fetch(at(key, `uploadId=${uploadId}`), { method: 'DELETE' })).status).toBe(204);
    const late = await fetch(at(key, `uploadId=${uploadId}&partNumber=1`), { method: 'PUT', body: 'late' });
    expect(late.status).toBe(404);
    const complete = await fetch(at(key, `uploadId=${uploadId}`), {
      method: 'POST',
      body: '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>',
    });
    expect([complete.status, await complete.text()]).toEqual([404, expect.stringContaining('<Code>NoSuchUpload</Code>')]);
    expect((await fetch(at(key, `uploadId=${uploadId}`))).status).toBe(404);
  });

  it('answers NoSuchBucket for an upload in a bucket that does not exist', async () => {
    const response = await fetch(`${server.endpoint}/no-such-bucket-${randomUUID().slice(0, 8)}/key?uploadId=0123456789abcdef0123456789abcdef`);
    expect([response.status, await response.text()]).toEqual([404, expect.stringContaining('<Code>NoSuchBucket</Code>')]);
  });
});

describe.skipIf(motoMissing)('the FileStore contract on moto_server', () => {
  describeFileStoreContract('S3FileStore on moto_server', () => ({
    store: new S3FileStore(motoServer.s3, motoServer.bucket),
    clientPut: async (grant, bytes) => {
      const response = await fetch(grant.url, { method: 'PUT', headers: grant.headers, body: bytes });
      expect(response.status, await response.text()).toBe(200);
    },
    clientPutPart: async (url, _uploadId, _partNumber, bytes) => {
      const response = await fetch(url, { method: 'PUT', body: bytes });
      expect(response.status, await response.text()).toBe(200);
      return response.headers.get('etag')!;
    },
  }), { checksParts: true, refusesUnknownUploads: false });
});
