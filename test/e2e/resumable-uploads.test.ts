/**
 * Resuming a direct upload over HTTP (issue 9, API.md "Large files", Resuming): what storage holds, fresh URLs,
 * abort, who may do each, and bad input (unknown ids, renewing a completed upload, part numbers outside the plan,
 * aborting twice): a clear 4xx and no change. Multipart resumption is covered with small parts in
 * test/integration/large-uploads.test.ts and through the client (test/e2e/client-*.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, expectError, expectStatus, newTenant, randomId, sha256 } from '../support/e2e-client.ts';
import { pdf } from '../support/e2e-files.ts';

interface SinglePut {
  fileId: string;
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}
interface Progress {
  fileId: string;
  status: 'pending' | 'completed';
  size: number;
  partSize?: number;
  parts: { partNumber: number; size: number; etag: string }[];
  expiresAt: string | null;
}

const tenant = newTenant('resume');
let owner: Client;
let other: Client;
let provider: Client;
let admin: Client;

beforeAll(async () => {
  owner = await Client.as(tenant, 'patient-a', 'patient');
  other = await Client.as(tenant, 'patient-b', 'patient');
  provider = await Client.as(tenant, 'provider-1', 'provider');
  admin = await Client.as(tenant, 'admin-1', 'admin');
});

async function start(bytes: Buffer, as: Client = owner): Promise<SinglePut> {
  const res = await as.postJson('/v1/uploads', { name: 'scan.pdf', mimeType: 'application/pdf', size: bytes.length, sha256: sha256(bytes) });
  expectStatus(res, 201);
  return res.json<SinglePut>();
}
const send = (target: SinglePut, bytes: Buffer) => fetch(target.url, { method: target.method, headers: target.headers, body: bytes });
const status = (id: string, as: Client = owner) => as.request(`/v1/uploads/${id}`);
const renew = (id: string, body?: unknown, as: Client = owner) =>
  body === undefined ? as.request(`/v1/uploads/${id}/renew`, { method: 'POST' }) : as.postJson(`/v1/uploads/${id}/renew`, body);
const abort = (id: string, as: Client = owner) => as.request(`/v1/uploads/${id}`, { method: 'DELETE' });

describe('resuming a direct upload', () => {
  it('says what storage holds, renews the URL, completes; then it is completed', async () => {
    const bytes = pdf('resume');
    const target = await start(bytes);
    // The signed PUT binds the declared size: storage refuses any other body where it checks signatures.
    expect(new URL(target.url).searchParams.get('X-Amz-SignedHeaders')).toContain('content-length');
    expect(target.headers).not.toHaveProperty('Content-Length');

    const before = await status(target.fileId);
    expectStatus(before, 200);
    expect(before.json<Progress>()).toEqual({ fileId: target.fileId, status: 'pending', size: bytes.length, parts: [], expiresAt: expect.any(String) });

    const renewed = await renew(target.fileId);
    expectStatus(renewed, 200);
    const fresh = renewed.json<SinglePut>();
    expect(fresh).toMatchObject({ fileId: target.fileId, method: 'PUT', headers: target.headers });
    expect((await send(fresh, bytes)).status).toBe(200);

    const held = (await status(target.fileId)).json<Progress>();
    expect(held.parts).toEqual([{ partNumber: 1, size: bytes.length, etag: expect.stringMatching(/^".+"$/) }]);

    expectStatus(await owner.postJson(`/v1/uploads/${target.fileId}/complete`, {}), 200);
    expect((await status(target.fileId)).json<Progress>()).toEqual({ fileId: target.fileId, status: 'completed', size: bytes.length, parts: [], expiresAt: null });
    expectError(await renew(target.fileId), 409, 'conflict');
    expectError(await abort(target.fileId), 409, 'conflict');
    expectStatus(await owner.get(target.fileId), 200);
  });

  it('abort removes the upload: its id is 404 from then on, and aborting twice is 404', async () => {
    const bytes = pdf('abort');
    const target = await start(bytes);
    expect((await send(target, bytes)).status).toBe(200);
    expect((await abort(target.fileId)).status).toBe(204);
    for (const res of [await status(target.fileId), await renew(target.fileId), await abort(target.fileId)]) expectError(res, 404, 'not_found');
    expectError(await owner.postJson(`/v1/uploads/${target.fileId}/complete`, {}), 404, 'not_found');
    expectError(await owner.get(target.fileId), 404, 'not_found');
  });

  it('only the uploader, or an admin of its tenant, sees it: anyone else gets 404 and changes nothing', async () => {
    const target = await start(pdf('mine'));
    for (const stranger of [other, provider, await Client.as(newTenant('resume-other'), 'admin-1', 'admin')]) {
      expectError(await status(target.fileId, stranger), 404, 'not_found');
      expectError(await renew(target.fileId, undefined, stranger), 404, 'not_found');
      expectError(await abort(target.fileId, stranger), 404, 'not_found');
    }
    expectStatus(await status(target.fileId, admin), 200);
    expectStatus(await status(target.fileId), 200);
  });

  it('bad input: unknown and malformed ids, part numbers outside the plan, bodies that are not JSON', async () => {
    const target = await start(pdf('bad'));
    const missing = randomId();
    expectError(await status(missing), 404, 'not_found');
    expectError(await renew(missing), 404, 'not_found');
    expectError(await abort(missing), 404, 'not_found');
    expectError(await status('not-a-uuid'), 422, 'validation_error');
    expectError(await renew(target.fileId, { partNumbers: [2] }), 422, 'validation_error');
    expectError(await renew(target.fileId, { partNumbers: [0] }), 422, 'validation_error');
    expectError(await renew(target.fileId, { partNumbers: [] }), 422, 'validation_error');
    expectError(await renew(target.fileId, { partNumbers: [1], extra: true }), 422, 'validation_error');
    expectError(await renew(target.fileId, '{"partNumbers": [1'), 400, 'bad_request');
    expectError(await owner.request(`/v1/uploads/${target.fileId}/renew`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }), 415, 'unsupported_media_type');
    // Nothing changed: still pending, nothing stored.
    expect((await status(target.fileId)).json<Progress>()).toMatchObject({ status: 'pending', parts: [] });
  });
});
