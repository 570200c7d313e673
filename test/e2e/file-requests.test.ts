/**
 * File requests over HTTP: create, get, list and patch with each role; validation with every offending
 * field; tenancy; and uploads that name a request: the request collects the files (JSON, multipart and PUT),
 * and an upload for a request that is not open, not the owner's, of another tenant or absent is 422 with
 * nothing stored, the whole batch at once.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  call,
  Client,
  detailPaths,
  expectError,
  expectStatus,
  ISO_MS,
  newTenant,
  randomId,
  UUID_V7,
  type ApiResponse,
  type FileBody,
} from '../support/e2e-client.ts';
import { html, pdf, png, text } from '../support/e2e-files.ts';

interface FileRequestBody {
  id: string;
  tenantId: string;
  ownerId: string;
  requestedBy: { id: string; role: string };
  message: string;
  categories: string[];
  entity: { type: string; id: string } | null;
  dueAt: string | null;
  status: 'open' | 'fulfilled' | 'cancelled';
  fileIds: string[];
  fileCount: number;
  createdAt: string;
  updatedAt: string;
}

interface FileRequestPage {
  fileRequests: FileRequestBody[];
  nextCursor: string | null;
}

const FILE_REQUEST_KEYS = [
  'categories', 'createdAt', 'dueAt', 'entity', 'fileCount', 'fileIds', 'id', 'message', 'ownerId', 'requestedBy',
  'status', 'tenantId', 'updatedAt',
];

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

const createRequest = (client: Client, body: unknown): Promise<ApiResponse> => client.postJson('/v1/file-requests', body);
const getRequest = (client: Client, id: string) => client.request(`/v1/file-requests/${id}`);
const listRequests = (client: Client, query: Record<string, string | number | undefined> = {}) =>
  client.request('/v1/file-requests', { query });
const patchRequest = (client: Client, id: string, body: unknown) =>
  client.request(`/v1/file-requests/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Creates a request (201) and returns it. */
async function open(client: Client, ownerId = 'patient-1', extra: Record<string, unknown> = {}): Promise<FileRequestBody> {
  const res = await createRequest(client, { ownerId, message: 'Photos of the rash, please', ...extra });
  expectStatus(res, 201);
  return res.json<FileRequestBody>();
}

async function current(client: Client, id: string): Promise<FileRequestBody> {
  const res = await getRequest(client, id);
  expectStatus(res, 200);
  return res.json<FileRequestBody>();
}

async function walk(client: Client, query: Record<string, string | number | undefined> = {}): Promise<FileRequestBody[]> {
  const all: FileRequestBody[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const res = await listRequests(client, { ...query, cursor });
    expectStatus(res, 200);
    const page = res.json<FileRequestPage>();
    expect(Object.keys(page).sort()).toEqual(['fileRequests', 'nextCursor']);
    all.push(...page.fileRequests);
    if (page.nextCursor === null) return all;
    cursor = page.nextCursor;
  }
  throw new Error('the cursor walk did not end');
}

describe('create', () => {
  const tenant = newTenant('fr-create');
  let provider: Client;
  let admin: Client;
  let service: Client;
  let patient: Client;

  beforeAll(async () => {
    [provider, admin, service, patient] = await Promise.all([
      Client.as(tenant, 'provider-1', 'provider'),
      Client.as(tenant, 'admin-1', 'admin'),
      Client.as(tenant, 'service-1', 'service'),
      Client.as(tenant, 'patient-1', 'patient'),
    ]);
  });

  it('a provider creates an open request: 201 with the whole resource', async () => {
    const dueAt = inAWeek();
    const res = await createRequest(provider, {
      ownerId: 'patient-1',
      message: 'Photos of the rash, please.\nOne close-up, one from further away.',
      categories: ['imaging', 'user_document'],
      entity: { type: 'visit', id: 'v-42' },
      dueAt,
    });
    expectStatus(res, 201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = res.json<FileRequestBody>();
    expect(Object.keys(body).sort()).toEqual(FILE_REQUEST_KEYS);
    expect(body).toMatchObject({
      tenantId: tenant,
      ownerId: 'patient-1',
      requestedBy: { id: 'provider-1', role: 'provider' },
      message: 'Photos of the rash, please.\nOne close-up, one from further away.',
      categories: ['imaging', 'user_document'],
      entity: { type: 'visit', id: 'v-42' },
      dueAt,
      status: 'open',
      fileIds: [],
      fileCount: 0,
    });
    expect(body.id).toMatch(UUID_V7);
    expect(body.createdAt).toMatch(ISO_MS);
    expect(body.updatedAt).toBe(body.createdAt);
    expect(await current(provider, body.id)).toEqual(body);
  });

  it('admin and service create requests too; optional fields default to empty', async () => {
    for (const client of [admin, service]) {
      const body = await open(client);
      expect(body).toMatchObject({ requestedBy: { id: client.user.sub, role: client.user.role }, categories: [], entity: null, dueAt: null });
    }
  });

  it('dueAt with an offset is answered in UTC with milliseconds', async () => {
    const local = new Date(Date.now() + 86_400_000);
    const withOffset = `${new Date(local.getTime() + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;
    const body = await open(provider, 'patient-1', { dueAt: withOffset });
    expect(body.dueAt).toBe(new Date(withOffset).toISOString());
    expect(body.dueAt).toMatch(ISO_MS);
  });

  it('a patient may not create one: 403, and nothing is created', async () => {
    const before = (await walk(provider)).length;
    for (const body of [{ ownerId: 'patient-1', message: 'for me' }, { ownerId: 'patient-2', message: 'for you' }]) {
      expectError(await createRequest(patient, body), 403, 'forbidden');
    }
    expect((await walk(provider)).length).toBe(before);
  });

  it('lists every offending field in one 422', async () => {
    const error = expectError(
      await createRequest(provider, {
        message: 'x'.repeat(2001),
        categories: ['imaging', 'photos'],
        entity: { type: 'Visit', id: 'v-1' },
        dueAt: '2020-01-01T00:00:00.000Z',
        status: 'fulfilled',
      }),
      422,
      'validation_error',
    );
    const paths = detailPaths(error);
    for (const path of ['ownerId', 'message', 'categories.1', 'entity.type', 'dueAt']) expect(paths, path).toContain(path);
    expect(error.details.some((d) => d.message.includes('status')), 'the unknown field is named').toBe(true);
  });

  it.each([
    ['an empty message', { message: '' }, 'message'],
    ['a blank message', { message: '  \n ' }, 'message'],
    ['a control character in the message', { message: 'ring \u0007' }, 'message'],
    ['a repeated category', { categories: ['imaging', 'imaging'] }, 'categories'],
    ['dueAt in the past', { dueAt: new Date(Date.now() - 60_000).toISOString() }, 'dueAt'],
    ['dueAt without a zone', { dueAt: '2099-01-01T10:00:00' }, 'dueAt'],
    ['dueAt that is not a date', { dueAt: 'soon' }, 'dueAt'],
    ['an ownerId with a control character', { ownerId: 'patient\u0000' }, 'ownerId'],
    ['an entity id too long', { entity: { type: 'visit', id: 'v'.repeat(129) } }, 'entity.id'],
  ])('refuses %s (422)', async (_, change, path) => {
    const error = expectError(await createRequest(provider, { ownerId: 'patient-1', message: 'm', ...change }), 422, 'validation_error');
    expect(detailPaths(error)).toEqual([path]);
  });

  it('keeps newlines and tabs in the message', async () => {
    const body = await open(provider, 'patient-1', { message: 'Line 1\r\nLine 2\n\tindented' });
    expect(body.message).toBe('Line 1\r\nLine 2\n\tindented');
  });

  it('answers 415 for a body that is not JSON and 400 for broken JSON', async () => {
    expectError(
      await provider.request('/v1/file-requests', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }),
      415,
      'unsupported_media_type',
    );
    expectError(await createRequest(provider, '{"ownerId": '), 400, 'bad_request');
    expectError(await createRequest(provider, '[]'), 422, 'validation_error');
  });

  it('never logs the message', async () => {
    const secret = `Rash on the left elbow ${randomId()}`;
    await open(provider, 'patient-1', { message: secret });
    const log = await readFile(inject('e2eRuntimeLog'), 'utf8');
    expect(log).not.toContain(secret);
  });
});

describe('get, list and patch by role', () => {
  const tenant = newTenant('fr-roles');
  let provider: Client;
  let admin: Client;
  let service: Client;
  let p1: Client;
  let p2: Client;
  let otherTenantAdmin: Client;
  let forP1: FileRequestBody[];
  let forP2: FileRequestBody[];

  beforeAll(async () => {
    [provider, admin, service, p1, p2, otherTenantAdmin] = await Promise.all([
      Client.as(tenant, 'provider-1', 'provider'),
      Client.as(tenant, 'admin-1', 'admin'),
      Client.as(tenant, 'service-1', 'service'),
      Client.as(tenant, 'patient-1', 'patient'),
      Client.as(tenant, 'patient-2', 'patient'),
      Client.as(newTenant('fr-roles-other'), 'admin-1', 'admin'),
    ]);
    forP1 = [];
    forP2 = [];
    // Sequential, so createdAt orders them.
    for (let i = 0; i < 5; i++) forP1.push(await open(provider, 'patient-1', { message: `p1 #${i}` }));
    for (let i = 0; i < 3; i++) forP2.push(await open(admin, 'patient-2', { message: `p2 #${i}` }));
  });

  const ids = (requests: FileRequestBody[]) => requests.map((r) => r.id);
  const newestFirst = (requests: FileRequestBody[]) => ids(requests).reverse();

  it('staff get any request of the tenant; the patient asked gets its own', async () => {
    const request = forP1[0]!;
    for (const client of [provider, admin, service, p1]) expect(await current(client, request.id)).toMatchObject({ id: request.id, message: 'p1 #0' });
  });

  it('another patient, another tenant and an unknown id are the same 404; a bad id is 422', async () => {
    const request = forP1[0]!;
    const errors = [
      expectError(await getRequest(p2, request.id), 404, 'not_found'),
      expectError(await getRequest(otherTenantAdmin, request.id), 404, 'not_found'),
      expectError(await getRequest(admin, randomId()), 404, 'not_found'),
    ];
    for (const error of errors) expect({ message: error.message, details: error.details }).toEqual({ message: errors[2]!.message, details: errors[2]!.details });
    expectError(await getRequest(admin, 'not-a-uuid'), 422, 'validation_error');
  });

  it('staff list the whole tenant newest first; patients only theirs', async () => {
    for (const client of [provider, admin, service]) {
      expect(ids(await walk(client)), client.user.role).toEqual([...newestFirst(forP2), ...newestFirst(forP1)]);
    }
    expect(ids(await walk(p1))).toEqual(newestFirst(forP1));
    expect(ids(await walk(p2))).toEqual(newestFirst(forP2));
    expect(await walk(otherTenantAdmin)).toEqual([]);
  });

  it('ownerId filters for staff; a patient asking for another owner gets an empty list', async () => {
    expect(ids(await walk(provider, { ownerId: 'patient-2' }))).toEqual(newestFirst(forP2));
    expect(ids(await walk(p1, { ownerId: 'patient-1' }))).toEqual(newestFirst(forP1));
    expect(await walk(p1, { ownerId: 'patient-2' })).toEqual([]);
  });

  it('walking with small pages returns each request once, in order', async () => {
    for (const limit of [1, 2, 3]) {
      expect(ids(await walk(admin, { limit })), `limit ${limit}`).toEqual([...newestFirst(forP2), ...newestFirst(forP1)]);
    }
    const first = (await listRequests(admin, { limit: 3 })).json<FileRequestPage>();
    expect(first.fileRequests).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
  });

  it('limit outside 1–100, unknown parameters, a bad status and a foreign cursor are 422', async () => {
    for (const query of [{ limit: 0 }, { limit: 101 }, { limit: 'ten' }, { status: 'closed' }, { state: 'open' }, { cursor: 'not-a-cursor' }]) {
      expectError(await listRequests(admin, query), 422, 'validation_error');
    }
    const { nextCursor } = (await listRequests(admin, { limit: 1 })).json<FileRequestPage>();
    // A cursor continues only the query and the caller that made it.
    expectError(await listRequests(admin, { limit: 1, status: 'open', cursor: nextCursor! }), 422, 'validation_error');
    expectError(await listRequests(provider, { limit: 1, cursor: nextCursor! }), 422, 'validation_error');
    // A files cursor is not a file requests cursor.
    await admin.createFile('n.txt', text());
    await admin.createFile('m.txt', text());
    const filesCursor = (await admin.list({ limit: 1 })).json<{ nextCursor: string }>().nextCursor;
    expectError(await listRequests(admin, { cursor: filesCursor }), 422, 'validation_error');
  });

  it('staff change the message and the status; status filters the list', async () => {
    const [a, b] = [forP1[1]!, forP1[2]!];
    const changed = await patchRequest(provider, a.id, { message: 'Only one photo, please' });
    expectStatus(changed, 200);
    const body = changed.json<FileRequestBody>();
    expect(body).toMatchObject({ id: a.id, message: 'Only one photo, please', status: 'open', createdAt: a.createdAt });
    expect(Object.keys(body).sort()).toEqual(FILE_REQUEST_KEYS);
    expect(body.updatedAt > a.updatedAt).toBe(true);
    expect(await current(p1, a.id)).toEqual(body);

    expect((await patchRequest(service, a.id, { status: 'cancelled' })).json<FileRequestBody>().status).toBe('cancelled');
    expect((await patchRequest(admin, b.id, { status: 'fulfilled' })).json<FileRequestBody>().status).toBe('fulfilled');
    expect(ids(await walk(admin, { status: 'cancelled' }))).toEqual([a.id]);
    expect(ids(await walk(p1, { status: 'fulfilled' }))).toEqual([b.id]);
    expect(ids(await walk(p1, { status: 'open' }))).toEqual(newestFirst(forP1).filter((id) => id !== a.id && id !== b.id));
    // Staff may reopen.
    expect((await patchRequest(provider, a.id, { status: 'open' })).json<FileRequestBody>().status).toBe('open');
    expect((await patchRequest(provider, b.id, { status: 'open' })).json<FileRequestBody>().status).toBe('open');
  });

  it('the patient asked may mark an open request fulfilled; anything else is 403 and changes nothing', async () => {
    const request = forP1[3]!;
    for (const patch of [{ status: 'cancelled' }, { message: 'I changed it' }, { status: 'fulfilled', message: 'done' }, { status: 'open' }]) {
      expectError(await patchRequest(p1, request.id, patch), 403, 'forbidden');
    }
    expect(await current(provider, request.id)).toMatchObject({ status: 'open', message: 'p1 #3', updatedAt: request.updatedAt });
    const fulfilled = await patchRequest(p1, request.id, { status: 'fulfilled' });
    expectStatus(fulfilled, 200);
    expect(fulfilled.json<FileRequestBody>().status).toBe('fulfilled');
    // Asking again changes nothing and is answered the same.
    const again = await patchRequest(p1, request.id, { status: 'fulfilled' });
    expectStatus(again, 200);
    expect(again.json<FileRequestBody>()).toEqual(fulfilled.json<FileRequestBody>());
    expectError(await patchRequest(p1, request.id, { status: 'open' }), 403, 'forbidden');
  });

  it('the patient may not fulfil a cancelled request', async () => {
    const request = forP1[4]!;
    expectStatus(await patchRequest(provider, request.id, { status: 'cancelled' }), 200);
    expectError(await patchRequest(p1, request.id, { status: 'fulfilled' }), 403, 'forbidden');
    expect((await current(p1, request.id)).status).toBe('cancelled');
  });

  it('another patient and another tenant get 404 whatever the body; unknown fields are 422', async () => {
    const request = forP2[0]!;
    for (const body of [{ status: 'fulfilled' }, { description: 'x' }]) {
      expectError(await patchRequest(p1, request.id, body), 404, 'not_found');
      expectError(await patchRequest(otherTenantAdmin, request.id, body), 404, 'not_found');
    }
    for (const body of [{ description: 'x' }, { status: 'closed' }, { fileIds: [] }, { message: '' }, { dueAt: inAWeek() }]) {
      const error = expectError(await patchRequest(provider, request.id, body), 422, 'validation_error');
      expect(error.details.length).toBeGreaterThan(0);
    }
    expectError(await patchRequest(provider, request.id, '{"status":'), 400, 'bad_request');
    expectError(
      await provider.request(`/v1/file-requests/${request.id}`, { method: 'PATCH', headers: { 'content-type': 'text/plain' }, body: '{}' }),
      415,
      'unsupported_media_type',
    );
    expect(await current(admin, request.id)).toMatchObject({ status: 'open', message: 'p2 #0' });
  });
});

describe('uploads for a file request', () => {
  const tenant = newTenant('fr-upload');
  let provider: Client;
  let p1: Client;
  let p2: Client;
  let otherTenantProvider: Client;
  let otherTenantP1: Client;

  beforeAll(async () => {
    [provider, p1, p2] = await Promise.all([
      Client.as(tenant, 'provider-1', 'provider'),
      Client.as(tenant, 'patient-1', 'patient'),
      Client.as(tenant, 'patient-2', 'patient'),
    ]);
    const other = newTenant('fr-upload-other');
    [otherTenantProvider, otherTenantP1] = await Promise.all([
      Client.as(other, 'provider-1', 'provider'),
      Client.as(other, 'patient-1', 'patient'),
    ]);
  });

  /** Every file of an owner, any state, as staff sees them. */
  async function filesOf(client: Client, ownerId: string): Promise<string[]> {
    return (await client.listAll({ ownerId, state: 'all', limit: 100 })).flatMap((p) => p.files.map((f) => f.id));
  }

  it('the patient uploads two files: the request lists both, in order, with fileCount 2', async () => {
    const request = await open(provider, 'patient-1');
    const res = await p1.uploadJson([{ name: 'rash-1.png', contents: await png(10, 10) }, { name: 'rash-2.png', contents: await png(12, 12) }], {
      fileRequestId: request.id,
    });
    expectStatus(res, 201);
    const files = res.json<{ files: FileBody[] }>().files;
    expect(files.map((f) => f.fileRequestId)).toEqual([request.id, request.id]);
    const after = await current(provider, request.id);
    expect(after).toMatchObject({ fileIds: files.map((f) => f.id), fileCount: 2, status: 'open' });
    expect(after.updatedAt > request.updatedAt).toBe(true);
    expect(await current(p1, request.id)).toEqual(after);
    // The files are listable by their request.
    const listed = (await provider.listAll({ fileRequestId: request.id })).flatMap((p) => p.files.map((f) => f.id));
    expect([...listed].sort()).toEqual(files.map((f) => f.id).sort());
  });

  it('multipart, PUT and a provider uploading for the patient add to the same request', async () => {
    const request = await open(provider, 'patient-1');
    const multipart = await p1.uploadMultipart([{ name: 'scan.pdf', bytes: pdf('fr'), type: 'application/pdf' }], { fileRequestId: request.id });
    expectStatus(multipart, 201);
    const putId = randomId();
    const put = await p1.put(putId, text('note for the request\n'), { contentType: 'text/plain', query: { name: 'note.txt', fileRequestId: request.id } });
    expectStatus(put, 201);
    const byProvider = await provider.createFile('lab.pdf', pdf('lab'), { ownerId: 'patient-1', fileRequestId: request.id });
    const after = await current(provider, request.id);
    expect(after.fileIds).toEqual([multipart.json<{ files: FileBody[] }>().files[0]!.id, putId, byProvider.id]);
    expect(after.fileCount).toBe(3);
    // A retried PUT of the same bytes is the same file, not another one in the request.
    expectStatus(await p1.put(putId, text('note for the request\n'), { contentType: 'text/plain', query: { name: 'note.txt', fileRequestId: request.id } }), 200);
    expect((await current(provider, request.id)).fileCount).toBe(3);
  });

  it('is refused (422, nothing stored) for a cancelled, fulfilled, other owner\'s, other tenant\'s or unknown request', async () => {
    const cancelled = await open(provider, 'patient-1');
    expectStatus(await patchRequest(provider, cancelled.id, { status: 'cancelled' }), 200);
    const fulfilled = await open(provider, 'patient-1');
    expectStatus(await patchRequest(p1, fulfilled.id, { status: 'fulfilled' }), 200);
    const forP2 = await open(provider, 'patient-2');
    const otherTenant = await open(otherTenantProvider, 'patient-1');
    const targets: [string, string][] = [
      ['cancelled', cancelled.id],
      ['fulfilled', fulfilled.id],
      ["another owner's", forP2.id],
      ["another tenant's", otherTenant.id],
      ['unknown', randomId()],
    ];
    const before = await filesOf(provider, 'patient-1');
    for (const [label, id] of targets) {
      const json = await p1.uploadJson([{ name: 'a.txt', contents: text('a\n') }, { name: 'b.txt', contents: text('b\n') }], { fileRequestId: id });
      expect(detailPaths(expectError(json, 422, 'validation_error')), label).toEqual(['fileRequestId']);
      const multipart = await p1.uploadMultipart([{ name: 'c.txt', bytes: text('c\n'), type: 'text/plain' }], { fileRequestId: id });
      expectError(multipart, 422, 'validation_error');
      const putId = randomId();
      expectError(await p1.put(putId, text('d\n'), { contentType: 'text/plain', query: { name: 'd.txt', fileRequestId: id } }), 422, 'validation_error');
      expectError(await p1.get(putId), 404, 'not_found');
      // A provider uploading for patient-1 is refused the same way.
      expectError(await provider.uploadJson([{ name: 'e.txt', contents: text('e\n') }], { ownerId: 'patient-1', fileRequestId: id }), 422, 'validation_error');
    }
    expect(await filesOf(provider, 'patient-1')).toEqual(before);
    for (const request of [cancelled, fulfilled, forP2]) {
      expect(await current(provider, request.id), request.id).toMatchObject({ fileIds: [], fileCount: 0 });
    }
    expect(await current(otherTenantProvider, otherTenant.id)).toMatchObject({ fileIds: [], fileCount: 0 });
    // The other tenant's patient-1 may use its own tenant's request.
    expectStatus(await otherTenantP1.uploadJson([{ name: 'ok.txt', contents: text('ok\n') }], { fileRequestId: otherTenant.id }), 201);
    expect((await current(otherTenantProvider, otherTenant.id)).fileCount).toBe(1);
  });

  it('a batch with a fileRequestId is all or nothing', async () => {
    const request = await open(provider, 'patient-1');
    const before = await filesOf(provider, 'patient-1');
    const emptyFile = await p1.uploadJson(
      [{ name: 'ok.txt', contents: text('fine\n') }, { name: 'empty.txt', contents: new Uint8Array() }],
      { fileRequestId: request.id },
    );
    expectError(emptyFile, 422, 'validation_error');
    const refusedType = await p1.uploadJson(
      [{ name: 'ok.png', contents: await png(8, 8) }, { name: 'page.html', contents: html(), mimeType: 'text/html' }],
      { fileRequestId: request.id },
    );
    expectError(refusedType, 415, 'unsupported_media_type');
    const badField = await p1.uploadJson([{ name: 'ok.txt', contents: text('fine\n') }, { name: 'bad/name.txt', contents: text('x\n') }], {
      fileRequestId: request.id,
    });
    expectError(badField, 422, 'validation_error');
    expect(await filesOf(provider, 'patient-1')).toEqual(before);
    expect(await current(provider, request.id)).toMatchObject({ fileIds: [], fileCount: 0 });
    // The same request still takes a good batch, whole.
    const good = await p1.uploadJson([{ name: '1.txt', contents: text('1\n') }, { name: '2.txt', contents: text('2\n') }, { name: '3.txt', contents: text('3\n') }], {
      fileRequestId: request.id,
    });
    expectStatus(good, 201);
    expect((await current(provider, request.id)).fileIds).toEqual(good.json<{ files: FileBody[] }>().files.map((f) => f.id));
  });

  it('another patient cannot upload into a request that is not addressed to it', async () => {
    const request = await open(provider, 'patient-1');
    expectError(await p2.uploadJson([{ name: 'x.txt', contents: text('x\n') }], { fileRequestId: request.id }), 422, 'validation_error');
    expect((await current(provider, request.id)).fileCount).toBe(0);
  });

  it('a request closed after its files came keeps them; no new ones are taken', async () => {
    const request = await open(provider, 'patient-1');
    const file = await p1.createFile('first.txt', text('first\n'), { fileRequestId: request.id });
    expectStatus(await patchRequest(p1, request.id, { status: 'fulfilled' }), 200);
    expectError(await p1.uploadJson([{ name: 'late.txt', contents: text('late\n') }], { fileRequestId: request.id }), 422, 'validation_error');
    expect(await current(p1, request.id)).toMatchObject({ status: 'fulfilled', fileIds: [file.id], fileCount: 1 });
  });

  it('the request id is not a secret handle: without a token it is 401', async () => {
    const request = await open(provider, 'patient-1');
    expectError(await call(`/v1/file-requests/${request.id}`), 401, 'unauthorized');
    expectError(await call('/v1/file-requests'), 401, 'unauthorized');
  });
});
