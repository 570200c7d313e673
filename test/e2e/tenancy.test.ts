/**
 * Tenancy: a file of another tenant is 404 on every route, for every role, and reveals nothing; ids are
 * unique only within a tenant, so the same client-chosen id in two tenants does not conflict.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.ts';
import {
  call,
  Client,
  expectError,
  expectStatus,
  newTenant,
  randomId,
  type FileBody,
} from '../support/e2e-client.ts';
import { pdf, png, text } from '../support/e2e-files.ts';

const tenantA = newTenant('tenant-a');
const tenantB = newTenant('tenant-b');
let providerA: Client;
let patientA: Client;
let adminB: Client;
let providerB: Client;
let serviceB: Client;
let patientB: Client;
let fileA: FileBody;
let bytesA: Buffer;

beforeAll(async () => {
  [providerA, patientA, adminB, providerB, serviceB, patientB] = await Promise.all([
    Client.as(tenantA, 'provider-1', 'provider'),
    Client.as(tenantA, 'patient-1', 'patient'),
    Client.as(tenantB, 'admin-1', 'admin'),
    Client.as(tenantB, 'provider-1', 'provider'),
    Client.as(tenantB, 'service-1', 'service'),
    // The same user id as in tenant A: ids mean nothing across tenants.
    Client.as(tenantB, 'patient-1', 'patient'),
  ]);
  bytesA = await png(16, 16);
  fileA = await providerA.createFile('tenant-a.png', bytesA, { ownerId: 'patient-1' });
});

describe("another tenant's file", () => {
  for (const role of ['admin', 'provider', 'service', 'patient'] as const) {
    it(`is 404 for a ${role} of another tenant on every route`, async () => {
      const client = { admin: adminB, provider: providerB, service: serviceB, patient: patientB }[role];
      const id = fileA.id;
      expectError(await client.get(id), 404, 'not_found');
      expectError(await client.content(id), 404, 'not_found');
      expectError(await client.content(id, { download: 'true' }), 404, 'not_found');
      expectError(await client.patch(id, { description: 'hijack', sharedWith: [client.user.sub] }), 404, 'not_found');
      expectError(await client.archive(id), 404, 'not_found');
      expectError(await client.restore(id), 404, 'not_found');
      expectError(await client.deletePermanently(id), 404, 'not_found');
      const all = (await client.listAll({ state: 'all', includeShared: client.user.role === 'patient' ? 'true' : 'false' })).flatMap((p) => p.files);
      expect(all.map((f) => f.id)).not.toContain(id);
      expect(all.every((f) => f.tenantId === tenantB)).toBe(true);
    });
  }

  it('every route with a file id answers it like an id that never existed', async () => {
    const missing = randomId();
    // Every id-bearing route: a file id where a file's goes, a fresh id for any other path parameter.
    const withId = routes.filter((r) => r.path.includes('{id}') && r.method !== 'PUT');
    const otherId = randomId();
    expect(withId.length).toBeGreaterThanOrEqual(5);
    for (const route of withId) {
      const request = (id: string) =>
        adminB.request(route.path.replace('{id}', id).replace(/\{\w+\}/g, otherId), {
          method: route.method,
          ...(route.method === 'PATCH' ? { headers: { 'content-type': 'application/json' }, body: '{"description":"x"}' } : {}),
        });
      const [foreign, absent] = [await request(fileA.id), await request(missing)];
      const a = expectError(foreign, 404, 'not_found');
      const b = expectError(absent, 404, 'not_found');
      expect({ message: a.message, details: a.details }, `${route.method} ${route.path}`).toEqual({ message: b.message, details: b.details });
    }
  });

  it('is unchanged after all those attempts', async () => {
    const res = await providerA.get(fileA.id);
    expectStatus(res, 200);
    expect(res.json<FileBody>()).toMatchObject({ state: 'active', description: null, sharedWith: [], tenantId: tenantA });
    const content = await patientA.content(fileA.id);
    expectStatus(content, 200);
    expect(content.bytes.equals(bytesA)).toBe(true);
  });

  it("tenant A's signed link serves only tenant A's file", async () => {
    const { downloadUrl } = (await patientA.get(fileA.id)).json<FileBody>();
    const viaLink = await call(downloadUrl!);
    expectStatus(viaLink, 200);
    expect(viaLink.bytes.equals(bytesA)).toBe(true);
    // A tenant-B file under the same link parameters is refused.
    const fileB = await providerB.createFile('tenant-b.pdf', pdf('b'), { ownerId: 'patient-1' });
    const other = new URL(downloadUrl!);
    other.pathname = `/v1/files/${fileB.id}/content`;
    expectError(await call(other.toString()), 401, 'unauthorized');
  });
});

describe('client-chosen ids', () => {
  it('the same id in two tenants does not conflict; each tenant keeps its own file', async () => {
    const id = randomId();
    const a = pdf('tenant A bytes');
    const b = text('tenant B bytes, different\n');
    const inA = await providerA.put(id, a, { contentType: 'application/pdf', query: { name: 'a.pdf', ownerId: 'patient-1' } });
    expectStatus(inA, 201);
    const inB = await providerB.put(id, b, { contentType: 'text/plain', query: { name: 'b.txt', ownerId: 'patient-1' } });
    expectStatus(inB, 201);
    expect(inB.json<FileBody>()).toMatchObject({ id, tenantId: tenantB, originalName: 'b.txt' });

    expect((await providerA.get(id)).json<FileBody>()).toMatchObject({ id, tenantId: tenantA, originalName: 'a.pdf', mimeType: 'application/pdf' });
    expect((await providerB.get(id)).json<FileBody>()).toMatchObject({ id, tenantId: tenantB, originalName: 'b.txt', mimeType: 'text/plain' });
    expect((await patientA.content(id)).bytes.equals(a)).toBe(true);
    expect((await patientB.content(id)).bytes.equals(b)).toBe(true);

    // Retrying in each tenant stays idempotent per tenant.
    expectStatus(await providerA.put(id, a, { contentType: 'application/pdf', query: { name: 'a.pdf', ownerId: 'patient-1' } }), 200);
    expectError(await providerA.put(id, b, { contentType: 'text/plain', query: { name: 'b.txt', ownerId: 'patient-1' } }), 409, 'conflict');

    // Deleting in one tenant leaves the other alone.
    expectStatus(await adminB.deletePermanently(id), 204);
    expectError(await providerB.get(id), 404, 'not_found');
    expectStatus(await providerA.get(id), 200);
    expect((await patientA.content(id)).bytes.equals(a)).toBe(true);
  });

  it('a patient with the same user id in another tenant sees only its own tenant', async () => {
    const mine = await patientB.createFile('b-own.txt', text('b\n'));
    const visible = (await patientB.listAll({ state: 'all', includeShared: 'true' })).flatMap((p) => p.files);
    expect(visible.map((f) => f.id)).toContain(mine.id);
    expect(visible.every((f) => f.tenantId === tenantB)).toBe(true);
    expectError(await patientB.get(fileA.id), 404, 'not_found');
  });
});
