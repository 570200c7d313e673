/**
 * `DELETE /v1/files/{id}` (archive), `?permanent=true` (admin) and `POST /v1/files/{id}/restore`
 * (provider, admin, service), with who may do which.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  Client,
  expectError,
  expectStatus,
  newTenant,
  type FileBody,
} from '../support/e2e-client.ts';
import { pdf, png, text } from '../support/e2e-files.ts';

const tenant = newTenant('delete');
let provider: Client;
let admin: Client;
let service: Client;
let p1: Client;
let p2: Client;

beforeAll(async () => {
  [provider, admin, service, p1, p2] = await Promise.all([
    Client.as(tenant, 'provider-1', 'provider'),
    Client.as(tenant, 'admin-1', 'admin'),
    Client.as(tenant, 'service-1', 'service'),
    Client.as(tenant, 'patient-1', 'patient'),
    Client.as(tenant, 'patient-2', 'patient'),
  ]);
});

const listed = async (client: Client, query: Record<string, string> = {}) =>
  (await client.listAll({ ...query, limit: 100 })).flatMap((p) => p.files.map((f) => f.id));

describe('archive', () => {
  it('204 with no body; content 404; metadata readable as archived; listed only with state=archived or all', async () => {
    const file = await provider.createFile('to-archive.pdf', pdf('arch'), { ownerId: 'patient-1' });
    const { downloadUrl } = (await p1.get(file.id)).json<FileBody>();
    const etagBefore = (await provider.get(file.id)).headers.get('etag');

    const res = await provider.archive(file.id);
    expectStatus(res, 204);
    expect(res.text).toBe('');

    expectError(await provider.content(file.id), 404, 'not_found');
    expectError(await p1.content(file.id), 404, 'not_found');
    expectError(await call(downloadUrl!), 404, 'not_found');

    const meta = await p1.get(file.id);
    expectStatus(meta, 200);
    expect(meta.json<FileBody>()).toMatchObject({ id: file.id, state: 'archived', originalName: 'to-archive.pdf' });
    expect(meta.json<FileBody>().updatedAt > file.updatedAt).toBe(true);
    expect(meta.headers.get('etag')).not.toBe(etagBefore);

    expect(await listed(provider, { ownerId: 'patient-1' })).not.toContain(file.id);
    expect(await listed(provider, { ownerId: 'patient-1', state: 'archived' })).toContain(file.id);
    expect(await listed(provider, { ownerId: 'patient-1', state: 'all' })).toContain(file.id);
    expect(await listed(p1, { state: 'archived' })).toContain(file.id);
    expect(await listed(p1)).not.toContain(file.id);
  });

  it('every staff role may archive', async () => {
    for (const client of [provider, admin, service]) {
      const file = await provider.createFile(`${client.user.role}.txt`, text(`${client.user.role}\n`), { ownerId: 'patient-2' });
      expectStatus(await client.archive(file.id), 204);
      expect((await provider.get(file.id)).json<FileBody>().state).toBe('archived');
    }
  });

  it('a patient archives only files it created itself', async () => {
    const own = await p1.createFile('own.png', await png());
    expect(own.deletable).toBe(true);
    expectStatus(await p1.archive(own.id), 204);
    expect((await p1.get(own.id)).json<FileBody>().state).toBe('archived');

    const byProvider = await provider.createFile('for-p1.pdf', pdf('for p1'), { ownerId: 'patient-1' });
    expect((await p1.get(byProvider.id)).json<FileBody>().deletable).toBe(false);
    expectError(await p1.archive(byProvider.id), 403, 'forbidden');
    expect((await p1.get(byProvider.id)).json<FileBody>().state).toBe('active');
    expectStatus(await p1.content(byProvider.id), 200);

    const sharedToP1 = await p2.createFile('p2-shared.pdf', pdf('p2 shared'));
    expectStatus(await p2.patch(sharedToP1.id, { sharedWith: ['patient-1'] }), 200);
    expect((await p1.get(sharedToP1.id)).json<FileBody>().deletable).toBe(false);
    expectError(await p1.archive(sharedToP1.id), 403, 'forbidden');

    const p2Private = await p2.createFile('p2-private.pdf', pdf('p2 private'));
    expectError(await p1.archive(p2Private.id), 404, 'not_found');
    expect((await p2.get(p2Private.id)).json<FileBody>().state).toBe('active');
  });

  it('an archived file can no longer be archived by its patient (deletable false)', async () => {
    const own = await p1.createFile('twice.txt', text('twice\n'));
    expectStatus(await p1.archive(own.id), 204);
    expect((await p1.get(own.id)).json<FileBody>().deletable).toBe(false);
  });
});

describe('restore', () => {
  for (const role of ['provider', 'admin', 'service'] as const) {
    it(`${role}: archived → active (200 File); content is served again`, async () => {
      const client = { provider, admin, service }[role];
      const bytes = pdf(`restore by ${role}`);
      const file = await provider.createFile('restore.pdf', bytes, { ownerId: 'patient-1' });
      expectStatus(await provider.archive(file.id), 204);
      const archivedEtag = (await provider.get(file.id)).headers.get('etag');

      const res = await client.restore(file.id);
      expectStatus(res, 200);
      expect(res.json<FileBody>()).toMatchObject({ id: file.id, state: 'active', originalName: 'restore.pdf', sha256: file.sha256 });
      expect(res.headers.get('etag')).toMatch(/^(W\/)?"[^"]+"$/);
      expect(res.headers.get('etag')).not.toBe(archivedEtag);

      const content = await p1.content(file.id);
      expectStatus(content, 200);
      expect(content.bytes.equals(bytes)).toBe(true);
      const { downloadUrl } = (await p1.get(file.id)).json<FileBody>();
      expect(downloadUrl).toEqual(expect.any(String));
      expect(await listed(provider, { ownerId: 'patient-1' })).toContain(file.id);
    });
  }

  it('a patient may not restore, not even its own file (403)', async () => {
    const own = await p1.createFile('mine.txt', text('mine\n'));
    expectStatus(await p1.archive(own.id), 204);
    expectError(await p1.restore(own.id), 403, 'forbidden');
    expect((await p1.get(own.id)).json<FileBody>().state).toBe('archived');
  });

  it('restore of an id that does not exist is 404', async () => {
    expectError(await admin.restore('0190f0f0-0000-7000-8000-0000000000aa'), 404, 'not_found');
  });
});

describe('permanent delete', () => {
  it('admin: 204, then 404 everywhere and gone from every list', async () => {
    const file = await provider.createFile('purge.pdf', pdf('purge'), { ownerId: 'patient-1' });
    const { downloadUrl } = (await p1.get(file.id)).json<FileBody>();
    const res = await admin.deletePermanently(file.id);
    expectStatus(res, 204);
    expect(res.text).toBe('');

    for (const client of [admin, provider, service, p1]) {
      expectError(await client.get(file.id), 404, 'not_found');
      expectError(await client.content(file.id), 404, 'not_found');
    }
    expectError(await call(downloadUrl!), 404, 'not_found');
    expectError(await provider.patch(file.id, { description: 'x' }), 404, 'not_found');
    expectError(await provider.archive(file.id), 404, 'not_found');
    expectError(await provider.restore(file.id), 404, 'not_found');
    expectError(await admin.deletePermanently(file.id), 404, 'not_found');
    expect(await listed(admin, { state: 'all' })).not.toContain(file.id);
    expect(await listed(p1, { state: 'all' })).not.toContain(file.id);
  });

  it('admin may delete an archived file permanently', async () => {
    const file = await provider.createFile('archived-then-purged.pdf', pdf('ap'), { ownerId: 'patient-1' });
    expectStatus(await provider.archive(file.id), 204);
    expectStatus(await admin.deletePermanently(file.id), 204);
    expectError(await admin.get(file.id), 404, 'not_found');
    expect(await listed(admin, { state: 'archived' })).not.toContain(file.id);
  });

  it('provider, service and patients get 403 and the file stays', async () => {
    const file = await p1.createFile('stays.pdf', pdf('stays'));
    for (const client of [provider, service, p1]) expectError(await client.deletePermanently(file.id), 403, 'forbidden');
    const res = await admin.get(file.id);
    expectStatus(res, 200);
    expect(res.json<FileBody>().state).toBe('active');
    expectStatus(await p1.content(file.id), 200);
  });

  it('permanent=false is an ordinary archive', async () => {
    const file = await provider.createFile('soft.pdf', pdf('soft'), { ownerId: 'patient-1' });
    expectStatus(await admin.request(`/v1/files/${file.id}`, { method: 'DELETE', query: { permanent: 'false' } }), 204);
    expect((await admin.get(file.id)).json<FileBody>().state).toBe('archived');
  });
});
