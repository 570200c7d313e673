/**
 * S3FileStore against a real S3-compatible server (s3rver): bytes and headers survive put, copy and
 * presigned GETs; deletes remove what they should and nothing else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'content-disposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3FileStore } from '../../shared/adapters/s3-file-store.ts';
import { dispositionFor } from '../../shared/domain/files/stored-object.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';

let clients: IntegrationClients;
let store: S3FileStore;
const run = `s3-${Date.now()}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(() => {
  clients = makeIntegrationClients();
  store = new S3FileStore(clients.s3, clients.bucket);
});
afterAll(() => clients.destroy());

async function put(key: string, bytes: Uint8Array, name = 'scan.pdf', contentType = 'application/pdf'): Promise<void> {
  await store.put(key, bytes, { contentType, contentDisposition: dispositionFor(name, 'attachment'), sha256: sha256(bytes) });
}

const head = (key: string) => clients.s3.send(new HeadObjectCommand({ Bucket: clients.bucket, Key: key }));

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await clients.s3.send(new ListObjectsV2Command({ Bucket: clients.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

async function readAll(key: string): Promise<Buffer | null> {
  const handle = await store.open(key);
  return handle ? Buffer.from(await handle.read()) : null;
}

describe('put and open', () => {
  it('round-trips bytes exactly (binary, every byte value), with type and disposition stored on the object', async () => {
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(200_000)]);
    const key = `${run}/roundtrip/content`;
    await put(key, bytes, 'Grüße "final".pdf');
    const handle = await store.open(key);
    expect(handle?.size).toBe(bytes.length);
    expect(Buffer.from(await handle!.read())).toEqual(bytes);
    const meta = await head(key);
    expect(meta.ContentType).toBe('application/pdf');
    expect(meta.ContentLength).toBe(bytes.length);
    expect(parse(meta.ContentDisposition!)).toMatchObject({ type: 'attachment', parameters: { filename: 'Grüße "final".pdf' } });
  });

  it('an empty object round-trips', async () => {
    await put(`${run}/empty/content`, new Uint8Array());
    expect(await readAll(`${run}/empty/content`)).toEqual(Buffer.alloc(0));
  });

  it('open of a missing key is null', async () => {
    expect(await store.open(`${run}/missing/content`)).toBeNull();
  });

  it('an opened object can be dropped unread', async () => {
    await put(`${run}/abort/content`, randomBytes(1_000_000));
    const handle = await store.open(`${run}/abort/content`);
    expect(handle).not.toBeNull();
    handle!.abort();
    // The store still serves the object afterwards.
    expect((await readAll(`${run}/abort/content`))?.length).toBe(1_000_000);
  });
});

describe('the SHA-256 checksum on put', () => {
  /** Runs `fn`, returning the x-amz-checksum-sha256 header of every PutObject it sent. */
  async function checksumsSentBy(fn: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    clients.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (context.commandName === 'PutObjectCommand') seen.push(request.headers?.['x-amz-checksum-sha256'] ?? '(none)');
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordChecksums', priority: 'low' },
    );
    try {
      await fn();
    } finally {
      clients.s3.middlewareStack.remove('recordChecksums');
    }
    return seen;
  }

  it('sends the SHA-256 of the bytes in the header S3 verifies, without aws-chunked framing', async () => {
    const bytes = randomBytes(4096);
    const seen = await checksumsSentBy(() => put(`${run}/checksum/ok`, bytes));
    expect(seen).toEqual([createHash('sha256').update(bytes).digest('base64')]);
    expect(await readAll(`${run}/checksum/ok`)).toEqual(bytes);
  });

  it('passes a wrong checksum through unchanged, so storage can refuse the bytes', async () => {
    const bytes = Buffer.from('the bytes that were received');
    const claimed = createHash('sha256').update('the bytes that were sent').digest('hex');
    let failure: unknown;
    const seen = await checksumsSentBy(() =>
      store.put(`${run}/checksum/wrong`, bytes, { contentType: 'text/plain', contentDisposition: 'attachment', sha256: claimed }).catch((error: unknown) => {
        failure = error;
      }),
    );
    expect(seen).toEqual([Buffer.from(claimed, 'hex').toString('base64')]);
    // Real S3 refuses this put (BadDigest), which the adapter must surface as a plain 500. s3rver 3.7.1 does
    // not verify x-amz-checksum-* headers and stores the object (see the report), so a refusal is optional here.
    if (failure !== undefined) expect(failure).toMatchObject({ status: 500, expose: false });
  });
});

describe('copy', () => {
  it('to a new key with a new disposition: same bytes, new headers', async () => {
    const bytes = randomBytes(50_000);
    await put(`${run}/copy/a`, bytes, 'old.pdf');
    await store.copy(`${run}/copy/a`, `${run}/copy/b`, { contentType: 'application/pdf', contentDisposition: dispositionFor('日本語.pdf', 'attachment') });
    expect(await readAll(`${run}/copy/b`)).toEqual(bytes);
    expect(parse((await head(`${run}/copy/b`)).ContentDisposition!).parameters.filename).toBe('日本語.pdf');
    expect(parse((await head(`${run}/copy/a`)).ContentDisposition!).parameters.filename).toBe('old.pdf');
  });

  it('onto itself (a rename): same bytes, new headers', async () => {
    const bytes = randomBytes(50_000);
    const key = `${run}/copy/self`;
    await put(key, bytes, 'before.pdf');
    await store.copy(key, key, { contentType: 'application/pdf', contentDisposition: dispositionFor('after ü.pdf', 'attachment') });
    expect(await readAll(key)).toEqual(bytes);
    const meta = await head(key);
    expect(meta.ContentType).toBe('application/pdf');
    expect(parse(meta.ContentDisposition!).parameters.filename).toBe('after ü.pdf');
  });

  it('of a missing key fails as an internal error', async () => {
    await expect(store.copy(`${run}/copy/none`, `${run}/copy/none2`, { contentType: 'text/plain', contentDisposition: 'attachment' })).rejects.toMatchObject({
      status: 500,
      expose: false,
    });
  });
});

describe('delete and deletePrefix', () => {
  it('delete removes one object and is idempotent', async () => {
    await put(`${run}/del/one`, Buffer.from('x'));
    await store.delete(`${run}/del/one`);
    expect(await store.open(`${run}/del/one`)).toBeNull();
    await expect(store.delete(`${run}/del/one`)).resolves.toBeUndefined();
  });

  it('deletePrefix removes everything under the prefix across list pages, and nothing beside it', async () => {
    const prefix = `${run}/tenants/t1/files/f1/`;
    const keys = [`${prefix}content`, ...Array.from({ length: 29 }, (_, i) => `${prefix}thumbnails/${i + 1}x${i + 1}.png`)];
    const neighbours = [`${run}/tenants/t1/files/f10/content`, `${run}/tenants/t1/files/f1`, `${run}/tenants/t1/files/f1-other/content`];
    await Promise.all([...keys, ...neighbours].map((key) => clients.s3.send(new PutObjectCommand({ Bucket: clients.bucket, Key: key, Body: 'x' }))));
    expect(await keysUnder(prefix)).toHaveLength(30);

    // Small list pages, so 30 objects take several pages (the code path of more than 1,000 objects).
    const listed: (number | undefined)[] = [];
    const paging = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      if (context.commandName === 'ListObjectsV2Command') {
        args.input.MaxKeys = 7;
        listed.push(7);
      }
      return next(args);
    };
    clients.s3.middlewareStack.add(paging as never, { step: 'initialize', name: 'smallListPages' });
    try {
      await store.deletePrefix(prefix);
    } finally {
      clients.s3.middlewareStack.remove('smallListPages');
    }
    expect(listed.length).toBeGreaterThanOrEqual(5);
    expect(await keysUnder(prefix)).toEqual([]);
    expect(await keysUnder(`${run}/tenants/t1/files/`)).toEqual(neighbours.sort());
  });

  it('deletePrefix of an empty prefix does nothing', async () => {
    await expect(store.deletePrefix(`${run}/nothing-here/`)).resolves.toBeUndefined();
  });
});

describe('presignGet', () => {
  const key = `${run}/presign/content`;
  const bytes = randomBytes(10_000);
  const name = 'Zoë MRI 2026.pdf';

  beforeAll(async () => {
    await put(key, bytes, name);
  });

  it('is fetched without credentials and serves the bytes with the stored type and disposition', async () => {
    const url = await store.presignGet(key, 60);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(parse(response.headers.get('content-disposition')!)).toMatchObject({ type: 'attachment', parameters: { filename: name } });
  });

  it('names no file and expires after the TTL', async () => {
    const url = new URL(await store.presignGet(key, 60));
    expect(url.toString()).not.toMatch(/Zo|MRI/);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
  });

  it('supports Range requests', async () => {
    const response = await fetch(await store.presignGet(key, 60), { headers: { range: 'bytes=100-199' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const rest = await fetch(await store.presignGet(key, 60), { headers: { range: `bytes=${bytes.length - 10}-` } });
    expect(rest.status).toBe(206);
    expect(Buffer.from(await rest.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));
  });

  it("dispositionType 'inline' replaces the stored disposition with the bare word (no name in the URL)", async () => {
    const url = await store.presignGet(key, 60, 'inline');
    expect(url).not.toMatch(/Zo|MRI/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('inline');
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it('a tampered URL is refused', async () => {
    const url = new URL(await store.presignGet(key, 60));
    url.searchParams.set('X-Amz-Expires', '1');
    url.searchParams.set('X-Amz-Date', '20000101T000000Z');
    const response = await fetch(url);
    expect(response.status).toBe(403);
  });
});
