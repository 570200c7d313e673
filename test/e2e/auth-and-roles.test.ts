/**
 * Authentication (every kind of bad token is 401, checked before anything else) and the role rules of the
 * contract: patient, provider, admin, service; invisible is 404, visible-but-not-allowed is 403.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.ts';
import {
  call,
  Client,
  expectError,
  expectStatus,
  mintToken,
  newTenant,
  randomId,
  tamperedToken,
  unsignedToken,
  type FileBody,
  type User,
} from '../support/e2e-client.ts';
import { pdf, png, text } from '../support/e2e-files.ts';

const tenant = newTenant('auth');

let p1: Client;
let p2: Client;
let provider: Client;
let admin: Client;
let service: Client;
/** Uploaded by p1 for itself. */
let ownFile: FileBody;
/** Uploaded by the provider for p1. */
let providerFileForP1: FileBody;
/** Uploaded by p2 for itself. */
let otherPatientFile: FileBody;

beforeAll(async () => {
  [p1, p2, provider, admin, service] = await Promise.all([
    Client.as(tenant, 'patient-1', 'patient'),
    Client.as(tenant, 'patient-2', 'patient'),
    Client.as(tenant, 'provider-1', 'provider'),
    Client.as(tenant, 'admin-1', 'admin'),
    Client.as(tenant, 'service-1', 'service'),
  ]);
  ownFile = await p1.createFile('own.txt', text('mine\n'));
  providerFileForP1 = await provider.createFile('lab.pdf', pdf('lab'), { ownerId: 'patient-1', category: 'lab_result' });
  otherPatientFile = await p2.createFile('other.png', await png());
});

/** A request to `route` with a valid body shape, so only authentication can fail. */
function requestFor(route: { method: string; path: string }, id: string) {
  const path = route.path.replace(/\{\w+\}/g, id);
  const options =
    route.method === 'PUT'
      ? { headers: { 'content-type': 'text/plain' }, body: 'hello', query: { name: 'a.txt' } }
      : route.method === 'POST' || route.method === 'PATCH'
        ? { headers: { 'content-type': 'application/json' }, body: route.path === '/v1/files' ? JSON.stringify({ files: [{ name: 'a.txt', contents: 'aGVsbG8=' }] }) : '{}' }
        : {};
  return { path, options: { method: route.method, ...options } };
}

describe('authentication', () => {
  it('only health and the OpenAPI document need no token', () => {
    expect(routes.filter((r) => r.public).map((r) => r.name)).toEqual(['health', 'openapi']);
  });

  for (const route of routes.filter((r) => !r.public)) {
    it(`${route.method} ${route.path} without a token is 401`, async () => {
      const { path, options } = requestFor(route, ownFile.id);
      expectError(await call(path, options), 401, 'unauthorized');
    });

    if (route.path.includes('{')) {
      it(`${route.method} ${route.path} checks the token before the path id (401, not 422)`, async () => {
        const { path, options } = requestFor(route, 'not-a-uuid');
        expectError(await call(path, options), 401, 'unauthorized');
      });
    }

    it(`${route.method} ${route.path} with a wrongly signed token is 401`, async () => {
      const { path, options } = requestFor(route, ownFile.id);
      const token = await mintToken({ tenant, sub: 'admin-1', role: 'admin' }, { secret: 'x'.repeat(48) });
      expectError(await call(path, { ...options, token }), 401, 'unauthorized');
    });
  }

  const adminUser: User = { tenant, sub: 'admin-1', role: 'admin' };
  const badTokens: [string, () => Promise<string> | string][] = [
    ['expired a minute ago', () => mintToken(adminUser, { expiresIn: -60 })],
    ['expired a day ago', () => mintToken(adminUser, { expiresIn: -86_400 })],
    ['not valid for another minute (nbf)', () => mintToken(adminUser, { notBefore: 60 })],
    ['signed with another secret', () => mintToken(adminUser, { secret: 'another-secret-another-secret-another-secret!' })],
    ['unsigned (alg: none)', () => unsignedToken(adminUser)],
    ['unsigned, signature part dropped', () => unsignedToken(adminUser).slice(0, -1)],
    ['with a payload changed after signing', () => tamperedToken({ ...adminUser, role: 'patient' })],
    ['without a tenant', () => mintToken(adminUser, { claims: { tenant: undefined } })],
    ['without a role', () => mintToken(adminUser, { claims: { role: undefined } })],
    ['with an unknown role', () => mintToken(adminUser, { claims: { role: 'superuser' } })],
    ['with a role of the wrong type', () => mintToken(adminUser, { claims: { role: ['admin'] } })],
    ['without a subject', () => mintToken(adminUser, { claims: { sub: undefined } })],
    ['with a numeric tenant', () => mintToken(adminUser, { claims: { tenant: 42 } })],
    ['malformed: one part', () => 'abc'],
    ['malformed: two parts', () => 'abc.def'],
    ['malformed: four parts', () => 'a.b.c.d'],
    ['malformed: base64 of nonsense', () => `${Buffer.from('{"alg":').toString('base64url')}.${Buffer.from('x').toString('base64url')}.sig`],
    ['malformed: JSON that is not an object', () => `${Buffer.from('"HS256"').toString('base64url')}.${Buffer.from('[]').toString('base64url')}.c2ln`],
  ];

  for (const [name, make] of badTokens) {
    it(`a token ${name} is 401 on list, get and upload`, async () => {
      const token = await make();
      expectError(await call('/v1/files', { token }), 401, 'unauthorized');
      expectError(await call(`/v1/files/${ownFile.id}`, { token }), 401, 'unauthorized');
      const upload = await call('/v1/files', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ files: [{ name: 'a.txt', contents: 'aGVsbG8=' }] }),
      });
      expectError(upload, 401, 'unauthorized');
    });
  }

  it('other authorization schemes and empty bearer values are 401', async () => {
    for (const authorization of ['', 'Bearer', 'Bearer ', `Basic ${Buffer.from('admin:admin').toString('base64')}`, `Token ${admin.token}`, admin.token]) {
      expectError(await call('/v1/files', { headers: { authorization } }), 401, 'unauthorized');
    }
  });

  it('accepts the bearer scheme in any case (RFC 7235)', async () => {
    expectStatus(await call('/v1/files', { headers: { authorization: `bearer ${admin.token}` } }), 200);
  });

  it('accepts a valid token of every role', async () => {
    for (const client of [p1, provider, admin, service]) expectStatus(await client.list(), 200);
  });
});

describe('patient', () => {
  it('uploads for itself; createdBy and deletable say so', async () => {
    expect(ownFile.ownerId).toBe('patient-1');
    expect(ownFile.createdBy).toEqual({ id: 'patient-1', role: 'patient' });
    expect(ownFile.deletable).toBe(true);
    const explicit = await p1.createFile('explicit.txt', text('explicit owner\n'), { ownerId: 'patient-1' });
    expect(explicit.ownerId).toBe('patient-1');
  });

  it('may not upload for another patient (403), and nothing is stored', async () => {
    const before = await provider.listAll({ ownerId: 'patient-2', state: 'all' });
    const res = await p1.uploadJson([{ name: 'sneaky.txt', contents: text('x\n') }], { ownerId: 'patient-2' });
    expectError(res, 403, 'forbidden');
    const multipart = await p1.uploadMultipart([{ name: 'sneaky.txt', bytes: text('y\n'), type: 'text/plain' }], { ownerId: 'patient-2' });
    expectError(multipart, 403, 'forbidden');
    const put = await p1.put(randomId(), text('z\n'), { contentType: 'text/plain', query: { name: 'sneaky.txt', ownerId: 'patient-2' } });
    expectError(put, 403, 'forbidden');
    const after = await provider.listAll({ ownerId: 'patient-2', state: 'all' });
    expect(after.flatMap((p) => p.files.map((f) => f.id)).sort()).toEqual(before.flatMap((p) => p.files.map((f) => f.id)).sort());
  });

  it('reads a file a provider uploaded for it, but may not archive it (deletable false, 403)', async () => {
    const res = await p1.get(providerFileForP1.id);
    expectStatus(res, 200);
    const file = res.json<FileBody>();
    expect(file.ownerId).toBe('patient-1');
    expect(file.createdBy).toEqual({ id: 'provider-1', role: 'provider' });
    expect(file.deletable).toBe(false);
    expectStatus(await p1.content(providerFileForP1.id), 200);
    expectError(await p1.archive(providerFileForP1.id), 403, 'forbidden');
    expect((await provider.get(providerFileForP1.id)).json<FileBody>().state).toBe('active');
  });

  it("sees another patient's file nowhere: 404 on every route, never 403", async () => {
    const id = otherPatientFile.id;
    expectError(await p1.get(id), 404, 'not_found');
    expectError(await p1.content(id), 404, 'not_found');
    expectError(await p1.content(id, { download: 'true' }), 404, 'not_found');
    expectError(await p1.patch(id, { description: 'x' }), 404, 'not_found');
    expectError(await p1.archive(id), 404, 'not_found');
    expectError(await p1.deletePermanently(id), 404, 'not_found');
    expectError(await p1.restore(id), 404, 'not_found');
    const list = await p1.listAll({ state: 'all', includeShared: 'true' });
    expect(list.flatMap((p) => p.files).some((f) => f.id === id)).toBe(false);
    expect((await p2.get(id)).status).toBe(200);
  });

  it('PUT to the id of a file it cannot see is 404 (existence does not leak) and changes nothing', async () => {
    const different = await p1.put(otherPatientFile.id, await png(), { contentType: 'image/png', query: { name: 'mine.png' } });
    expectError(different, 404, 'not_found');
    // Even the very same bytes must not confirm that the id exists.
    const sameBytes = (await p2.content(otherPatientFile.id)).bytes;
    const same = await p1.put(otherPatientFile.id, sameBytes, { contentType: 'image/png', query: { name: 'other.png' } });
    expectError(same, 404, 'not_found');
    const still = (await p2.get(otherPatientFile.id)).json<FileBody>();
    expect(still.ownerId).toBe('patient-2');
    expect(still.originalName).toBe('other.png');
  });

  it('may not restore even its own file (403) nor delete it permanently (403)', async () => {
    const file = await p1.createFile('to-archive.txt', text('archive me\n'));
    expectStatus(await p1.archive(file.id), 204);
    expectError(await p1.restore(file.id), 403, 'forbidden');
    expectError(await p1.deletePermanently(file.id), 403, 'forbidden');
    expect((await p1.get(file.id)).json<FileBody>().state).toBe('archived');
  });

  it('may change its own file, including one a provider uploaded for it', async () => {
    const res = await p1.patch(providerFileForP1.id, { description: 'my lab result' });
    expectStatus(res, 200);
    expect(res.json<FileBody>().description).toBe('my lab result');
  });
});

describe('staff roles', () => {
  for (const role of ['provider', 'admin', 'service'] as const) {
    it(`${role}: uploads for a patient, sees every file of the tenant, changes, archives and restores`, async () => {
      const client = { provider, admin, service }[role];
      const created = await client.createFile(`${role}.pdf`, pdf(role), { ownerId: 'patient-2' });
      expect(created.ownerId).toBe('patient-2');
      expect(created.createdBy).toEqual({ id: client.user.sub, role });
      expect(created.deletable).toBe(true);
      expect((await p2.get(created.id)).json<FileBody>().deletable).toBe(false);

      for (const id of [ownFile.id, otherPatientFile.id, providerFileForP1.id]) {
        const res = await client.get(id);
        expectStatus(res, 200);
        expect(res.json<FileBody>().deletable).toBe(true);
      }
      const all = (await client.listAll({ state: 'all' })).flatMap((p) => p.files.map((f) => f.id));
      expect(all).toEqual(expect.arrayContaining([ownFile.id, otherPatientFile.id, providerFileForP1.id, created.id]));

      expectStatus(await client.patch(created.id, { category: 'lab_result' }), 200);
      expectStatus(await client.archive(created.id), 204);
      const restored = await client.restore(created.id);
      expectStatus(restored, 200);
      expect(restored.json<FileBody>().state).toBe('active');
    });
  }

  it('provider and service may not delete permanently (403); the file stays', async () => {
    const file = await provider.createFile('keep.pdf', pdf('keep'), { ownerId: 'patient-1' });
    expectError(await provider.deletePermanently(file.id), 403, 'forbidden');
    expectError(await service.deletePermanently(file.id), 403, 'forbidden');
    expectStatus(await admin.get(file.id), 200);
    expectStatus(await admin.content(file.id), 200);
  });

  it('admin deletes permanently (204); the file is then 404 for everyone', async () => {
    const file = await provider.createFile('gone.pdf', pdf('gone'), { ownerId: 'patient-1' });
    expectStatus(await admin.deletePermanently(file.id), 204);
    for (const client of [admin, provider, service, p1]) expectError(await client.get(file.id), 404, 'not_found');
  });
});
