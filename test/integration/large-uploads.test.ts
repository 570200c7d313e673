/**
 * Large uploads against the real local servers: the client sends the bytes with fetch to the presigned
 * s3rver URLs (one PUT, or two parts of at least 5 MiB), completion verifies them, and a failed verification
 * leaves no object, no claim and no pending record. An upload never completed is removed by the TTL sweep.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'content-disposition';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOnce } from '../../local/expiry-sweeper.ts';
import { DynamoFileIndex } from '../../shared/adapters/dynamo-file-index.ts';
import { DynamoPendingUploads } from '../../shared/adapters/dynamo-pending-uploads.ts';
import { S3FileStore } from '../../shared/adapters/s3-file-store.ts';
import { SharpImageProcessor } from '../../shared/adapters/sharp-image-processor.ts';
import { abandonedUploadsOf } from '../../shared/adapters/ttl-stream.ts';
import { DEFAULT_ALLOWED_TYPES } from '../../shared/config.ts';
import { contentKey, type Caller } from '../../shared/domain/file.ts';
import { AbandonedUploads } from '../../shared/domain/large-uploads/abandoned-uploads.ts';
import { readCreateUpload } from '../../shared/domain/large-uploads/bodies.ts';
import { UploadCompletions } from '../../shared/domain/large-uploads/completions.ts';
import { UploadReservations } from '../../shared/domain/large-uploads/reservations.ts';
import type { UploadTarget } from '../../shared/domain/large-uploads/upload-target.ts';
import type { ConsumerDef } from '../../shared/events.ts';
import { pngWithAlpha } from '../support/images.ts';
import { InMemoryFileRequests, RecordingPublisher } from '../support/in-memory-ports.ts';
import { makeIntegrationClients, REGION, type IntegrationClients } from '../support/integration-clients.ts';
import { memoryAuditor } from '../support/in-memory-audit-trail.ts';

const MiB = 1024 * 1024;
const allowedTypes = new Set(DEFAULT_ALLOWED_TYPES.split(','));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const tenantId = `uploads-${Date.now()}`;
const caller: Caller = { sub: 'patient-1', tenantId, role: 'patient', via: 'token' };
const consumerDef: ConsumerDef = { name: 'expire-files', trigger: { kind: 'ttl-removals' }, memoryMb: 512, timeoutSeconds: 60, grants: [] };

let clients: IntegrationClients;
let raw: DynamoDBClient;
let store: S3FileStore;
let index: DynamoFileIndex;
let pending: DynamoPendingUploads;
let events: RecordingPublisher;

function reservations(now?: () => Date): UploadReservations {
  return new UploadReservations({
    store,
    index,
    pending,
    fileRequests: new InMemoryFileRequests(),
    // Multipart from 5 MiB with 5 MiB parts (S3's minimum), so two parts make a quick test.
    singlePutMaxBytes: 5 * MiB,
    minPartSize: 5 * MiB,
    now,
  });
}

function completions(): UploadCompletions {
  return new UploadCompletions({
    store,
    index,
    pending,
    events,
    images: new SharpImageProcessor({ limitInputPixels: 100_000_000 }),
    fileRequests: new InMemoryFileRequests(),
    allowedTypes,
    auditor: memoryAuditor(),
  });
}

beforeAll(() => {
  clients = makeIntegrationClients();
  raw = new DynamoDBClient({ region: REGION });
  store = new S3FileStore(clients.s3, clients.bucket);
  index = new DynamoFileIndex(clients.db, clients.table);
  pending = new DynamoPendingUploads(clients.db, clients.table);
  events = new RecordingPublisher();
});
afterAll(() => {
  clients.destroy();
  raw.destroy();
});

const start = (fields: Record<string, unknown>, uploads = reservations()) =>
  uploads.createUpload(caller, readCreateUpload({ name: 'Befund März.pdf', mimeType: 'application/pdf', ...fields }, { maxUploadBytes: 5 * 1024 * MiB, allowedTypes }));

async function putSingle(target: UploadTarget, bytes: Uint8Array): Promise<void> {
  if (!('method' in target)) throw new Error('expected a single PUT');
  const res = await fetch(target.url, { method: 'PUT', headers: target.headers, body: bytes });
  expect(res.status, await res.text()).toBe(200);
}

async function partition(id: string): Promise<string[]> {
  const out = await clients.db.send(
    new QueryCommand({ TableName: clients.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `T#${tenantId}#F#${id}` } }),
  );
  return (out.Items ?? []).map((i) => `${i.sk as string}:${i.kind as string}`).sort();
}

const head = (id: string) => clients.s3.send(new HeadObjectCommand({ Bucket: clients.bucket, Key: contentKey(tenantId, id) }));
const objectExists = (id: string) => head(id).then(() => true, () => false);

const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);

describe('single PUT', () => {
  it('uploads to the presigned URL with the signed headers, completes, and the object serves the name from its headers', async () => {
    const bytes = pdf(300_000);
    const target = await start({ size: bytes.length, sha256: sha(bytes), category: 'lab_result' });
    if (!('method' in target)) throw new Error('expected a single PUT');
    expect(target.url).not.toContain('Befund');
    // Content-Length is signed: storage refuses a body of another size (API.md); fetch sets it from the body.
    expect(new URL(target.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-disposition;content-length;content-type;host;x-amz-checksum-sha256');
    expect(await partition(target.fileId)).toEqual(['F:claim', 'U:upload']);
    expect(await index.get(tenantId, target.fileId)).toBeNull();

    await putSingle(target, bytes);
    const { file, created } = await completions().completeUpload(caller, target.fileId, {});
    expect(created).toBe(true);
    expect(file).toMatchObject({ id: target.fileId, size: bytes.length, sha256: sha(bytes), mimeType: 'application/pdf', category: 'lab_result' });
    expect(await index.get(tenantId, target.fileId)).toEqual(file);
    expect(await partition(target.fileId)).toEqual(['F:file']);

    const meta = await head(target.fileId);
    expect(meta.ContentType).toBe('application/pdf');
    expect(parse(meta.ContentDisposition!)).toMatchObject({ type: 'attachment', parameters: { filename: 'Befund März.pdf' } });
    const stored = await store.open(contentKey(tenantId, target.fileId));
    expect(Buffer.from(await stored!.read()).equals(bytes)).toBe(true);
    expect(await completions().completeUpload(caller, target.fileId, {})).toEqual({ file, created: false });
  });

  it('reads image dimensions from the first bytes and tags the object of an expiring file', async () => {
    const png = await pngWithAlpha({ width: 300, height: 200 });
    const target = await start({ name: 'photo.png', mimeType: 'image/png', size: png.length, expiryInterval: 3600 });
    await putSingle(target, png);
    const { file } = await completions().completeUpload(caller, target.fileId, {});
    expect(file).toMatchObject({ mimeType: 'image/png', imageWidth: 300, imageHeight: 200 });
    expect(file.expiresAt).not.toBeNull();
  });

  const failures: [string, (bytes: Buffer) => Promise<{ target: UploadTarget; body: Buffer }>, number, string][] = [
    ['wrong size', async (bytes) => ({ target: await start({ size: bytes.length + 1 }), body: bytes }), 422, 'size'],
    [
      'wrong checksum (s3rver does not check it; completion does)',
      async (bytes) => ({ target: await start({ size: bytes.length, sha256: sha(Buffer.from('other')) }), body: bytes }),
      422,
      'sha256',
    ],
    [
      'not the declared type',
      async (bytes) => ({ target: await start({ size: bytes.length, name: 'x.png', mimeType: 'image/png' }), body: bytes }),
      415,
      'mimeType',
    ],
  ];
  for (const [label, make, status, path] of failures) {
    it(`${label}: ${status}, and no object, claim or pending record is left`, async () => {
      const { target, body } = await make(pdf(50_000));
      await putSingle(target, body);
      await expect(completions().completeUpload(caller, target.fileId, {})).rejects.toMatchObject({ status, details: [{ path }] });
      expect(await objectExists(target.fileId)).toBe(false);
      expect(await partition(target.fileId)).toEqual([]);
      await expect(completions().completeUpload(caller, target.fileId, {})).rejects.toMatchObject({ status: 404 });
    });
  }

  it('no object uploaded: 422 and nothing left', async () => {
    const target = await start({ size: 1000 });
    await expect(completions().completeUpload(caller, target.fileId, {})).rejects.toMatchObject({ status: 422, details: [{ path: 'fileId' }] });
    expect(await partition(target.fileId)).toEqual([]);
  });
});

describe('multipart', () => {
  it('two parts of at least 5 MiB go to their presigned URLs; completion assembles and verifies them', async () => {
    const bytes = pdf(5 * MiB + 123_457);
    const target = await start({ size: bytes.length, sha256: sha(bytes) });
    if (!('parts' in target)) throw new Error('expected multipart');
    expect(target.partSize).toBe(5 * MiB);
    expect(target.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(JSON.stringify(target)).not.toContain('Befund');
    const parts = [];
    for (const part of target.parts) {
      const chunk = bytes.subarray((part.partNumber - 1) * target.partSize, part.partNumber * target.partSize);
      const res = await fetch(part.url, { method: 'PUT', body: chunk });
      expect(res.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: res.headers.get('etag')! });
    }
    const { file } = await completions().completeUpload(caller, target.fileId, { parts });
    expect(file).toMatchObject({ size: bytes.length, sha256: sha(bytes), mimeType: 'application/pdf' });
    const meta = await head(target.fileId);
    expect(meta.ContentType).toBe('application/pdf');
    expect(parse(meta.ContentDisposition!).parameters.filename).toBe('Befund März.pdf');
    const stored = await store.open(contentKey(tenantId, target.fileId));
    expect(Buffer.from(await stored!.read()).equals(bytes)).toBe(true);
  });
});

describe('uploads never completed', () => {
  it('the TTL sweep removes the pending record and the consumer deletes the object', async () => {
    // Started 25 hours ago: the pending record is due now.
    const past = () => new Date(Date.now() - 25 * 3600 * 1000);
    const bytes = pdf(10_000);
    const single = await start({ size: bytes.length }, reservations(past));
    await putSingle(single, bytes);
    const multi = await start({ size: 6 * MiB }, reservations(past));
    expect(await objectExists(single.fileId)).toBe(true);

    const cleaner = new AbandonedUploads(store, index);
    const seen: string[] = [];
    await sweepOnce(
      {
        db: raw,
        table: clients.table,
        log: () => undefined,
        consumers: [
          {
            def: consumerDef,
            handler: async (event) => {
              for (const { upload } of abandonedUploadsOf(event as DynamoDBStreamEvent)) {
                seen.push(upload.id);
                await cleaner.clean(upload);
              }
            },
          },
        ],
      },
      new Date(),
    );
    expect(seen).toEqual(expect.arrayContaining([single.fileId, multi.fileId]));
    expect(await objectExists(single.fileId)).toBe(false);
    expect(await objectExists(multi.fileId)).toBe(false);
    expect(await partition(single.fileId)).toEqual(['F:claim']);
    await expect(completions().completeUpload(caller, single.fileId, {})).rejects.toMatchObject({ status: 404 });
  });
});
