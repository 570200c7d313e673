/**
 * The audit trail over HTTP against `npm start` (issue 8, API.md "Audit"): one test per action and per denied case,
 * the signed-link attribution, the access log, the trail outliving a permanent delete, and — on a runtime of its
 * own whose audit table is taken away — 503 `unavailable` with no other effect on every route that must record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_TABLE_SCHEMA } from '../../shared/adapters/audit-table-schema.ts';
import { ensureTable } from '../../local/bootstrap.ts';
import { Client, expectError, expectStatus, mintToken, newTenant, randomId, UUID_V7, type ApiResponse, type FileBody } from '../support/e2e-client.ts';
import { pdf, png, text } from '../support/e2e-files.ts';
import { startRuntime, type Runtime } from '../support/e2e-runtime.ts';

interface AuditEvent {
  id: string;
  at: string;
  tenantId: string;
  actor: { id: string; role: string };
  action: string;
  fileId: string;
  outcome: 'success' | 'denied';
  via: 'token' | 'signed_link';
  requestId: string;
  sourceIp: string | null;
  userAgent: string | null;
  listed?: true;
}

const NAME = 'Jane Doe HIV result.pdf';
const DESCRIPTION = 'confidential: positive';

describe('the audit trail records every access, before the answer', () => {
  const tenant = newTenant('audit');
  let owner: Client;
  let otherPatient: Client;
  let provider: Client;
  let admin: Client;
  let service: Client;

  beforeAll(async () => {
    owner = await Client.as(tenant, 'patient-a', 'patient');
    otherPatient = await Client.as(tenant, 'patient-b', 'patient');
    provider = await Client.as(tenant, 'provider-1', 'provider');
    admin = await Client.as(tenant, 'admin-1', 'admin');
    service = await Client.as(tenant, 'service-1', 'service');
  });

  async function trail(query: Record<string, string>, as: Client = admin): Promise<AuditEvent[]> {
    const res = await as.request('/v1/audit-events', { query: { limit: '100', ...query } });
    expectStatus(res, 200);
    return res.json<{ events: AuditEvent[] }>().events;
  }
  /** The newest record of a file, which must be the one the request just wrote. */
  const latest = async (fileId: string) => (await trail({ fileId }))[0]!;
  const requestIdOf = (res: ApiResponse) => res.headers.get('x-request-id');

  const newFile = () => provider.createFile(NAME, pdf('audit'), { ownerId: 'patient-a', description: DESCRIPTION });

  it('create, with who, how, from where and the request id; no name or description anywhere', async () => {
    const res = await provider.uploadJson([{ name: NAME, contents: pdf('create') }], { ownerId: 'patient-a', description: DESCRIPTION });
    expectStatus(res, 201);
    const [file] = res.json<{ files: FileBody[] }>().files;
    const record = await latest(file!.id);
    expect(record).toEqual({
      id: expect.stringMatching(UUID_V7),
      at: expect.stringMatching(/Z$/),
      tenantId: tenant,
      actor: { id: 'provider-1', role: 'provider' },
      action: 'create',
      fileId: file!.id,
      outcome: 'success',
      via: 'token',
      requestId: requestIdOf(res),
      sourceIp: expect.any(String),
      userAgent: expect.any(String),
    });
    const all = JSON.stringify(await trail({}));
    expect(all).not.toContain('Jane');
    expect(all).not.toContain('confidential');
  });

  it('a PUT with a client-chosen id and a completed direct upload are creates too', async () => {
    const id = randomId();
    expectStatus(await owner.put(id, text('put\n'), { contentType: 'text/plain', query: { name: 'put.txt' } }), 201);
    expect(await latest(id)).toMatchObject({ actor: { id: 'patient-a' }, action: 'create', outcome: 'success' });
    const bytes = pdf('direct');
    const target = (await owner.postJson('/v1/uploads', { name: 'direct.pdf', mimeType: 'application/pdf', size: bytes.length })).json<{ fileId: string; url: string; method: string; headers: Record<string, string> }>();
    expect((await fetch(target.url, { method: target.method, headers: target.headers, body: bytes })).status).toBe(200);
    expectStatus(await owner.postJson(`/v1/uploads/${target.fileId}/complete`, {}), 200);
    expect(await latest(target.fileId)).toMatchObject({ actor: { id: 'patient-a' }, action: 'create' });
  });

  it('read, and a list page records a read of each listed file', async () => {
    const file = await newFile();
    expectStatus(await provider.get(file.id), 200);
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'provider-1' }, action: 'read', via: 'token' });
    expectStatus(await admin.list({ ownerId: 'patient-a', limit: '100' }), 200);
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'admin-1' }, action: 'read', listed: true });
  });

  it('download by token, and by signed link attributed to the user it was issued to (via signed_link)', async () => {
    const file = await newFile();
    expectStatus(await provider.content(file.id), 200);
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'provider-1' }, action: 'download', via: 'token' });
    const link = (await owner.get(file.id)).json<{ downloadUrl: string }>().downloadUrl;
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'patient-a', role: 'patient' }, action: 'download', via: 'signed_link' });
  });

  it('thumbnail', async () => {
    const image = await provider.createFile('rash.png', await png(64, 48), { ownerId: 'patient-a' });
    expectStatus(await owner.content(image.id, { imageSize: '16x16' }), 200);
    expect(await latest(image.id)).toMatchObject({ actor: { id: 'patient-a' }, action: 'thumbnail' });
  });

  it('update, share, archive, restore and permanent delete; the trail outlives the file', async () => {
    const file = await newFile();
    expectStatus(await provider.patch(file.id, { description: 'seen by the provider' }), 200);
    expect(await latest(file.id)).toMatchObject({ action: 'update' });
    expectStatus(await owner.patch(file.id, { sharedWith: ['patient-b'] }), 200);
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'patient-a' }, action: 'share' });
    expectStatus(await provider.archive(file.id), 204);
    expect(await latest(file.id)).toMatchObject({ action: 'archive' });
    expectStatus(await admin.restore(file.id), 200);
    expect(await latest(file.id)).toMatchObject({ action: 'restore' });
    expectStatus(await admin.deletePermanently(file.id), 204);
    expectStatus(await admin.get(file.id), 404);
    const history = await trail({ fileId: file.id });
    expect(history.map((e) => e.action)).toEqual(['delete', 'restore', 'archive', 'share', 'update', 'create']);
  });

  it('denied attempts on an existing file: the 404 a patient sees and the 403 of a role, each recorded as denied', async () => {
    const file = await newFile();
    expectError(await otherPatient.get(file.id), 404, 'not_found');
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'patient-b' }, action: 'read', outcome: 'denied' });
    expectError(await otherPatient.content(file.id), 404, 'not_found');
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'patient-b' }, action: 'download', outcome: 'denied' });
    expectError(await otherPatient.patch(file.id, { sharedWith: ['patient-b'] }), 404, 'not_found');
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'patient-b' }, action: 'share', outcome: 'denied' });
    expectError(await owner.archive(file.id), 403, 'forbidden');
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'patient-a' }, action: 'archive', outcome: 'denied' });
    expectError(await service.deletePermanently(file.id), 403, 'forbidden');
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'service-1' }, action: 'delete', outcome: 'denied' });
    // Nothing is recorded for an id that holds no file, or for another tenant.
    const missing = randomId();
    expectError(await otherPatient.get(missing), 404, 'not_found');
    expect(await trail({ fileId: missing })).toEqual([]);
    const stranger = await Client.as(newTenant('audit-other'), 'admin-1', 'admin');
    expectError(await stranger.get(file.id), 404, 'not_found');
    expect((await trail({ fileId: file.id }, stranger))).toEqual([]);
  });

  it('filters combine, newest first, and the cursor walks every event once', async () => {
    const file = await newFile();
    for (let i = 0; i < 3; i++) expectStatus(await provider.get(file.id), 200);
    expectStatus(await admin.get(file.id), 200);
    const reads = await trail({ fileId: file.id, actorId: 'provider-1', action: 'read' });
    expect(reads).toHaveLength(3);
    const all = await trail({ fileId: file.id });
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort().reverse());
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await admin.request('/v1/audit-events', { query: { fileId: file.id, limit: '2', ...(cursor ? { cursor } : {}) } });
      expectStatus(res, 200);
      const page = res.json<{ events: AuditEvent[]; nextCursor: string | null }>();
      walked.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(walked).toEqual(all.map((e) => e.id));
    expectError(await admin.request('/v1/audit-events', { query: { action: 'peek' } }), 422, 'validation_error');
    expectError(await admin.request('/v1/audit-events', { query: { limit: '101' } }), 422, 'validation_error');
    expectError(await provider.request('/v1/audit-events'), 403, 'forbidden');
  });

  it("the access log: the owner sees who looked at its record (no IP, no agent); a sharee gets 404", async () => {
    const file = await newFile();
    expectStatus(await provider.get(file.id), 200);
    expectStatus(await owner.patch(file.id, { sharedWith: ['patient-b'] }), 200);
    expectStatus(await otherPatient.content(file.id), 200);
    const res = await owner.request(`/v1/files/${file.id}/access-log`);
    expectStatus(res, 200);
    const log = res.json<{ events: Record<string, unknown>[]; nextCursor: string | null }>();
    expect(log.events.map((e) => [(e.actor as { id: string }).id, e.action, e.via])).toEqual([
      ['patient-b', 'download', 'token'],
      ['patient-a', 'share', 'token'],
      ['provider-1', 'read', 'token'],
      ['provider-1', 'create', 'token'],
    ]);
    for (const event of log.events) expect(Object.keys(event).sort()).toEqual(['action', 'actor', 'at', 'via']);
    expectError(await otherPatient.request(`/v1/files/${file.id}/access-log`), 404, 'not_found');
    expect(await latest(file.id)).toMatchObject({ actor: { id: 'patient-b' }, action: 'read', outcome: 'denied' });
    for (const staff of [provider, admin, service]) expectStatus(await staff.request(`/v1/files/${file.id}/access-log`), 200);
  });
});

describe('when the audit trail cannot be written', () => {
  const SECRET = 'audit-e2e-secret-0123456789abcdefghijkl';
  const AUDIT_TABLE = 'medfiles-local-audit';
  let runtime: Runtime;
  let dataDir: string;
  let dynamodb: DynamoDBClient;
  let s3: S3Client;
  const tenant = newTenant('audit-down');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'medfiles-e2e-audit-'));
    runtime = await startRuntime({ dataDir, jwtSecret: SECRET });
    const printed = runtime.output.join('\n');
    const [, s3Endpoint, dynamodbEndpoint] = printed.match(/S3 (http:\/\/\S+), DynamoDB (http:\/\/\S+)/) ?? [];
    expect(dynamodbEndpoint, printed).toBeDefined();
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodbEndpoint, credentials });
    s3 = new S3Client({ region: 'us-east-1', endpoint: s3Endpoint, forcePathStyle: true, credentials });
  });
  afterAll(async () => {
    dynamodb?.destroy();
    s3?.destroy();
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function as(sub: string, role: 'patient' | 'provider' | 'admin') {
    const token = await mintToken({ tenant, sub, role }, { secret: SECRET });
    return async (method: string, path: string, init: { json?: unknown; query?: Record<string, string>; body?: Uint8Array; type?: string } = {}) => {
      const url = new URL(`${runtime.url}${path}`);
      for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
      const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
      const type = init.json !== undefined ? 'application/json' : init.type;
      const res = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) }, body });
      const text = await res.text();
      return { status: res.status, text, json: <T>() => JSON.parse(text) as T };
    };
  }

  it('answers 503 unavailable on every recording route and changes nothing; recording again, all is well', async () => {
    const provider = await as('provider-1', 'provider');
    const admin = await as('admin-1', 'admin');
    const patient = await as('patient-b', 'patient');
    const upload = await provider('POST', '/v1/files', { json: { ownerId: 'patient-a', files: [{ name: 'a.pdf', contents: pdf('down').toString('base64') }] } });
    expect(upload.status, upload.text).toBe(201);
    const file = upload.json<{ files: FileBody[] }>().files[0]!;
    const before = await provider('GET', `/v1/files/${file.id}`);
    expect(before.status).toBe(200);
    const etag = (before.json<FileBody & { updatedAt: string }>()).updatedAt;
    const imageUpload = await provider('POST', '/v1/files', { json: { ownerId: 'patient-a', files: [{ name: 'i.png', contents: (await png(32, 32)).toString('base64') }] } });
    expect(imageUpload.status, imageUpload.text).toBe(201);
    const image = imageUpload.json<{ files: FileBody[] }>().files[0]!;
    const stored = async () =>
      ((await s3.send(new ListObjectsV2Command({ Bucket: 'medfiles-local', Prefix: `tenants/${tenant}/` }))).Contents ?? []).map((o) => o.Key).sort();
    const objects = await stored();
    expect(objects).toHaveLength(2);

    await dynamodb.send(new DeleteTableCommand({ TableName: AUDIT_TABLE }));
    const attempts: [string, () => ReturnType<Awaited<ReturnType<typeof as>>>][] = [
      ['create', () => provider('POST', '/v1/files', { json: { ownerId: 'patient-a', files: [{ name: 'b.pdf', contents: pdf('b').toString('base64') }] } })],
      ['put', () => provider('PUT', `/v1/files/${randomId()}/content`, { query: { name: 'c.txt', ownerId: 'patient-a' }, body: text('c\n'), type: 'text/plain' })],
      ['list', () => provider('GET', '/v1/files', { query: { ownerId: 'patient-a' } })],
      ['read', () => provider('GET', `/v1/files/${file.id}`)],
      ['download', () => provider('GET', `/v1/files/${file.id}/content`)],
      ['update', () => provider('PATCH', `/v1/files/${file.id}`, { json: { description: 'changed' } })],
      ['share', () => provider('PATCH', `/v1/files/${file.id}`, { json: { sharedWith: ['patient-b'] } })],
      ['archive', () => provider('DELETE', `/v1/files/${file.id}`)],
      ['restore', () => admin('POST', `/v1/files/${file.id}/restore`)],
      ['thumbnail', () => provider('GET', `/v1/files/${image.id}/content`, { query: { imageSize: '16x16' } })],
      ['access log, denied', () => patient('GET', `/v1/files/${file.id}/access-log`)],
      ['delete', () => admin('DELETE', `/v1/files/${file.id}`, { query: { permanent: 'true' } })],
      ['denied read', () => patient('GET', `/v1/files/${file.id}`)],
    ];
    for (const [name, attempt] of attempts) {
      const res = await attempt();
      expect(res.status, `${name}: ${res.text}`).toBe(503);
      expect(res.json<{ error: { code: string } }>().error.code, name).toBe('unavailable');
    }

    expect(await stored()).toEqual(objects);
    await ensureTable(dynamodb, AUDIT_TABLE, AUDIT_TABLE_SCHEMA);
    const after = await provider('GET', `/v1/files/${file.id}`);
    expect(after.status).toBe(200);
    expect(after.json<FileBody & { updatedAt: string }>()).toMatchObject({ state: 'active', sharedWith: [], description: null, updatedAt: etag });
    const listed = await provider('GET', '/v1/files', { query: { ownerId: 'patient-a' } });
    expect(listed.json<{ files: FileBody[] }>().files.map((f) => f.id).sort()).toEqual([file.id, image.id].sort());
  });
});
