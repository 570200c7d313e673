/**
 * Browsers and the embedded S3 server: with the bucket's CORS rule set as the local runtime sets it
 * (local/bucket-cors.ts), a page on an allowed origin may upload to a presigned URL (single PUT and parts) and
 * read the ETag; a page on any other origin is refused at the preflight and gets no CORS headers on the actual
 * request. Requests carry an Origin header the way a browser sends them.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBucketCors } from '../../local/bucket-cors.ts';
import { ensureBucket } from '../../local/bootstrap.ts';
import { S3FileStore } from '../../shared/adapters/s3-file-store.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';

const BUCKET = 'medfiles-cors';
const ALLOWED = 'https://app.example.org';
const REFUSED = 'https://elsewhere.example.net';
const HEADERS = { contentType: 'text/plain', contentDisposition: 'attachment' };

let clients: IntegrationClients;
let s3: S3Client;
let store: S3FileStore;
beforeAll(async () => {
  clients = makeIntegrationClients();
  s3 = clients.s3;
  store = new S3FileStore(s3, BUCKET);
  await ensureBucket(s3, BUCKET);
  await applyBucketCors(s3, BUCKET, [ALLOWED, 'http://localhost:5173']);
});
afterAll(() => clients.destroy());

const preflight = (url: string, origin: string, method = 'PUT') =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': 'content-type,content-disposition,x-amz-checksum-sha256',
    },
  });
const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('bucket CORS on the embedded S3 server', () => {
  it('lets an allowed origin preflight and PUT to a presigned URL, and read the ETag', async () => {
    const bytes = Buffer.from('from the browser');
    const key = `cors/${randomUUID()}`;
    const grant = await store.presignPut(key, 60, { ...HEADERS, sha256: createHash('sha256').update(bytes).digest('hex') });

    const allowed = await preflight(grant.url, ALLOWED);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toMatch(new RegExp(`^(\\*|${ALLOWED})$`));
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(allowed.headers.get('access-control-allow-headers')?.split(', ').sort()).toEqual(['content-disposition', 'content-type', 'x-amz-checksum-sha256']);

    const put = await fetch(grant.url, { method: 'PUT', headers: { ...grant.headers, Origin: ALLOWED }, body: bytes });
    expect(put.status, await put.text()).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(put.headers.get('access-control-expose-headers')).toContain('ETag');
    expect(put.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);

    const get = await fetch(await store.presignGet(key, 60), { headers: { Origin: ALLOWED } });
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('from the browser');
    expect(get.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(get.headers.get('access-control-expose-headers')).toContain('ETag');
  });

  it('lets an allowed origin upload a part and read its ETag', async () => {
    const key = `cors/${randomUUID()}`;
    const uploadId = await store.createMultipart(key, HEADERS);
    const url = await store.presignPart(key, uploadId, 1, 60);
    expect((await preflight(url, ALLOWED)).status).toBe(200);
    const put = await fetch(url, { method: 'PUT', headers: { Origin: ALLOWED }, body: 'part one' });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(put.headers.get('access-control-expose-headers')).toContain('ETag');
    expect(await store.listParts(key, uploadId)).toEqual([{ partNumber: 1, size: 8, etag: put.headers.get('etag') }]);
    await store.abortMultipart(key, uploadId);
  });

  it('refuses another origin at the preflight and gives it no CORS headers on the actual request', async () => {
    const grant = await store.presignPut(`cors/${randomUUID()}`, 60, HEADERS);
    const refused = await preflight(grant.url, REFUSED);
    expect(refused.status).toBe(403);
    expect(corsHeaders(refused)).toEqual([]);

    const put = await fetch(grant.url, { method: 'PUT', headers: { ...grant.headers, Origin: REFUSED }, body: 'x' });
    expect(corsHeaders(put)).toEqual([]);
    const get = await fetch(grant.url.split('?')[0]!, { headers: { Origin: REFUSED } });
    expect(corsHeaders(get)).toEqual([]);
  });

  it('answers no origin once the rule is removed (no origins configured)', async () => {
    await applyBucketCors(s3, BUCKET, []);
    try {
      const grant = await store.presignPut(`cors/${randomUUID()}`, 60, HEADERS);
      const response = await preflight(grant.url, ALLOWED);
      expect(response.status).toBe(403);
      expect(corsHeaders(response)).toEqual([]);
    } finally {
      await applyBucketCors(s3, BUCKET, [ALLOWED]);
    }
  });
});
