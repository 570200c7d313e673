/**
 * The role × route matrix (issue 8): every route of the route table, called by every kind of caller, answers
 * what API.md ("Authentication and roles") says. One table below holds the contract's answer per cell; each
 * route has a fixture that makes what its request needs, so a route added to the table without a fixture and a
 * row fails `tsc`, and one without a test fails the coverage check.
 *
 * Callers: the patient who owns the resources (`owner`), another patient of the same tenant (`otherPatient`),
 * a provider, an admin, a service, and an admin of another tenant (`otherTenant`, a fresh tenant per cell so
 * its lists start empty). Invisible or in another tenant is 404, never 403; 403 is for a visible resource the
 * role may not change, and for the routes a role may not use at all (webhooks, creating file requests).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { routes, type RouteName } from '../../shared/routes.ts';
import {
  call,
  Client,
  expectError,
  expectStatus,
  mintToken,
  newTenant,
  randomId,
  type ApiResponse,
  type FileBody,
} from '../support/e2e-client.ts';
import { pdf, text } from '../support/e2e-files.ts';
import { until } from '../support/until.ts';

const CALLERS = ['owner', 'otherPatient', 'provider', 'admin', 'service', 'otherTenant'] as const;
type Caller = (typeof CALLERS)[number];

/**
 * A cell's answer: a status, or for a list route 200 with the fixture's resource in the page (`listed`), 200
 * without it (`hidden`), or 200 with nothing at all (`empty`: another tenant sees none of this tenant's data).
 */
type Answer = number | 'listed' | 'hidden' | 'empty';
type Row = Record<Caller, Answer>;

const row = (owner: Answer, otherPatient: Answer, provider: Answer, admin: Answer, service: Answer, otherTenant: Answer): Row => ({
  owner, otherPatient, provider, admin, service, otherTenant,
});

/** The route's path parameters, query, headers and body; method and path come from the route table. */
interface Request {
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** For list routes: the id the page is checked for, and the body's array that holds the items. */
  probe?: { id: string; key: string };
}

/** Makes what one cell's request needs (fresh resources when the request changes them) and builds it. */
type Fixture = (caller: Caller) => Promise<Request>;

const tenant = newTenant('matrix');
const OWNER = 'patient-a';
/** Loopback is allowed locally; nothing listens on the discard port, so deliveries stay pending. */
const TARGET = 'http://127.0.0.1:9/hook';

const clients = {} as Record<Exclude<Caller, 'otherTenant'>, Client>;
/** Shared resources for the requests that only read or make harmless changes. */
const world = {} as { file: FileBody; fileRequestId: string; webhookId: string; deliveryId: string };

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function created<T>(res: ApiResponse, status = 201): T {
  expectStatus(res, status);
  return res.json<T>();
}

const ownFile = (name = 'matrix.txt') => clients.owner.createFile(name, text('matrix\n'));

async function archivedFile(): Promise<FileBody> {
  const file = await ownFile();
  expectStatus(await clients.owner.archive(file.id), 204);
  return file;
}

async function newWebhook(events = ['file.expired']): Promise<string> {
  return created<{ id: string }>(await clients.admin.postJson('/v1/webhooks', { url: TARGET, events })).id;
}

/** A single-PUT upload the owner started, with its bytes already in storage: only completion is left. */
async function uploadedToStorage(): Promise<string> {
  const bytes = pdf('matrix');
  const target = created<{ fileId: string; url: string; method: string; headers: Record<string, string> }>(
    await clients.owner.postJson('/v1/uploads', { name: 'matrix.pdf', mimeType: 'application/pdf', size: bytes.length }),
  );
  const put = await fetch(target.url, { method: target.method, headers: target.headers, body: bytes });
  expect(put.status, await put.text()).toBe(200);
  return target.fileId;
}

const fixtures = {
  health: async () => ({}),
  openapi: async () => ({}),
  'create-files': async () => json({ ownerId: OWNER, files: [{ name: 'matrix.txt', contents: text('matrix\n').toString('base64') }] }),
  // Another tenant reuses this tenant's file id: ids are unique per tenant, so it neither conflicts nor leaks.
  'put-file-content': async (caller) => ({
    params: { id: caller === 'otherTenant' ? world.file.id : randomId() },
    query: { name: 'matrix.txt', ownerId: OWNER },
    headers: { 'content-type': 'text/plain' },
    body: text('matrix\n'),
  }),
  'create-upload': async () => json({ name: 'matrix.pdf', mimeType: 'application/pdf', size: 1000, ownerId: OWNER }),
  'complete-upload': async () => ({ params: { fileId: await uploadedToStorage() } }),
  'get-upload': async () => ({ params: { fileId: await uploadedToStorage() } }),
  'renew-upload': async () => ({ params: { fileId: await uploadedToStorage() } }),
  'delete-upload': async () => ({ params: { fileId: await uploadedToStorage() } }),
  'list-files': async () => ({ probe: { id: world.file.id, key: 'files' } }),
  'get-file': async () => ({ params: { id: world.file.id } }),
  'get-file-content': async () => ({ params: { id: world.file.id } }),
  'update-file': async () => ({ params: { id: world.file.id }, ...json({ description: 'checked by the matrix' }) }),
  'delete-file': async () => ({ params: { id: (await ownFile()).id } }),
  'restore-file': async () => ({ params: { id: (await archivedFile()).id } }),
  'create-file-request': async () => json({ ownerId: OWNER, message: 'Please send your latest lab results' }),
  'list-file-requests': async () => ({ probe: { id: world.fileRequestId, key: 'fileRequests' } }),
  'get-file-request': async () => ({ params: { id: world.fileRequestId } }),
  'update-file-request': async () => ({ params: { id: world.fileRequestId }, ...json({ message: 'Please send them this week' }) }),
  'create-webhook': async () => json({ url: TARGET, events: ['file.expired'] }),
  'list-webhooks': async () => ({ probe: { id: world.webhookId, key: 'webhooks' } }),
  'get-webhook': async () => ({ params: { id: world.webhookId } }),
  'update-webhook': async () => ({ params: { id: world.webhookId }, ...json({ description: 'checked by the matrix' }) }),
  'delete-webhook': async () => ({ params: { id: await newWebhook() } }),
  'list-webhook-deliveries': async () => ({ params: { id: world.webhookId }, probe: { id: world.deliveryId, key: 'deliveries' } }),
  'retry-webhook-delivery': async () => ({ params: { id: world.webhookId, deliveryId: world.deliveryId } }),
  'list-audit-events': async () => ({ query: { fileId: world.file.id } }),
  'get-file-access-log': async () => ({ params: { id: world.file.id } }),
} satisfies Record<RouteName, Fixture>;

/** More requests to a route where the contract answers differently. */
const variants = {
  'delete-file ?permanent=true': {
    route: 'delete-file',
    fixture: async () => ({ params: { id: (await ownFile()).id }, query: { permanent: 'true' } }),
  },
  // A patient archives only files it created itself (`deletable`).
  'delete-file, a file the provider uploaded for the patient': {
    route: 'delete-file',
    fixture: async () => ({ params: { id: (await clients.provider.createFile('lab.pdf', pdf('lab'), { ownerId: OWNER })).id } }),
  },
} satisfies Record<string, { route: RouteName; fixture: Fixture }>;

type CaseName = RouteName | keyof typeof variants;

/** The contract's answer per cell (API.md). Lists a caller may use but cannot see into are `hidden` or `empty`. */
const expected: Record<CaseName, Row> = {
  //                                                             owner     otherPatient provider  admin     service   otherTenant
  'health':                                                  row(200,      200,         200,      200,      200,      200),
  'openapi':                                                 row(200,      200,         200,      200,      200,      200),
  // Patients upload only for themselves; staff for anyone in their tenant; another tenant's admin in its own.
  'create-files':                                            row(201,      403,         201,      201,      201,      201),
  'put-file-content':                                        row(201,      403,         201,      201,      201,      201),
  'create-upload':                                           row(201,      403,         201,      201,      201,      201),
  // A pending upload is seen only by the user who started it or an admin ("service: as admin").
  'complete-upload':                                         row(200,      404,         404,      200,      200,      404),
  'get-upload':                                              row(200,      404,         404,      200,      200,      404),
  'renew-upload':                                            row(200,      404,         404,      200,      200,      404),
  'delete-upload':                                           row(204,      404,         404,      204,      204,      404),
  'list-files':                                              row('listed', 'hidden',    'listed', 'listed', 'listed', 'empty'),
  'get-file':                                                row(200,      404,         200,      200,      200,      404),
  'get-file-content':                                        row(200,      404,         200,      200,      200,      404),
  'update-file':                                             row(200,      404,         200,      200,      200,      404),
  'delete-file':                                             row(204,      404,         204,      204,      204,      404),
  'delete-file ?permanent=true':                             row(403,      404,         403,      204,      403,      404),
  'delete-file, a file the provider uploaded for the patient': row(403,    404,         204,      204,      204,      404),
  // "POST /v1/files/{id}/restore (admin, provider)"; service is "as admin but no permanent delete".
  'restore-file':                                            row(403,      404,         200,      200,      200,      404),
  'create-file-request':                                     row(403,      403,         201,      201,      201,      201),
  'list-file-requests':                                      row('listed', 'hidden',    'listed', 'listed', 'listed', 'empty'),
  'get-file-request':                                        row(200,      404,         200,      200,      200,      404),
  // The patient asked sees the request but may not change its message.
  'update-file-request':                                     row(403,      404,         200,      200,      200,      404),
  'create-webhook':                                          row(403,      403,         403,      201,      201,      201),
  'list-webhooks':                                           row(403,      403,         403,      'listed', 'listed', 'empty'),
  'get-webhook':                                             row(403,      403,         403,      200,      200,      404),
  'update-webhook':                                          row(403,      403,         403,      200,      200,      404),
  'delete-webhook':                                          row(403,      403,         403,      204,      204,      404),
  'list-webhook-deliveries':                                 row(403,      403,         403,      'listed', 'listed', 404),
  'retry-webhook-delivery':                                  row(403,      403,         403,      202,      202,      404),
  // The audit trail is for admins and services; a file's access log for its owner and staff.
  'list-audit-events':                                       row(403,      403,         403,      200,      200,      200),
  'get-file-access-log':                                     row(200,      404,         200,      200,      200,      404),
};

/**
 * Cells where the API answers other than the contract. They keep the contract's value above and are not
 * asserted until the API is fixed (issue 8); each entry says what the API answers.
 */
const knownMismatches: Partial<Record<CaseName, Partial<Record<Caller, string>>>> = {};

const cases: { name: CaseName; route: (typeof routes)[number]; fixture: Fixture }[] = [
  ...routes.map((route) => ({ name: route.name, route, fixture: fixtures[route.name] })),
  ...Object.entries(variants).map(([name, v]) => ({
    name: name as CaseName,
    route: routes.find((r) => r.name === v.route)!,
    fixture: v.fixture,
  })),
];
const excluded = cases.reduce((n, c) => n + Object.keys(knownMismatches[c.name] ?? {}).length, 0);
const cells = cases.length * CALLERS.length;

beforeAll(async () => {
  const subs = { owner: OWNER, otherPatient: 'patient-b', provider: 'provider-1', admin: 'admin-1', service: 'service-1' } as const;
  const roles = { owner: 'patient', otherPatient: 'patient', provider: 'provider', admin: 'admin', service: 'service' } as const;
  for (const caller of Object.keys(subs) as (keyof typeof subs)[]) clients[caller] = await Client.as(tenant, subs[caller], roles[caller]);

  world.file = await ownFile('shared.txt');
  world.webhookId = await newWebhook(['file-request.created']);
  world.fileRequestId = created<{ id: string }>(
    await clients.provider.postJson('/v1/file-requests', { ownerId: OWNER, message: 'Please send a photo of the rash' }),
  ).id;
  world.deliveryId = await until('the file-request.created delivery', async () => {
    const res = await clients.admin.request(`/v1/webhooks/${world.webhookId}/deliveries`);
    expectStatus(res, 200);
    return res.json<{ deliveries: { id: string }[] }>().deliveries[0]?.id;
  });
});

async function tokenOf(caller: Caller): Promise<string> {
  if (caller !== 'otherTenant') return clients[caller].token;
  return mintToken({ tenant: newTenant('matrix-other'), sub: 'admin-1', role: 'admin' });
}

const ERROR_CODES: Record<number, string> = { 403: 'forbidden', 404: 'not_found' };

describe('role × route matrix', () => {
  it(`covers every route of the table: ${cases.length} cases × ${CALLERS.length} callers = ${cells} cells, ${excluded} excluded`, () => {
    expect(new Set(cases.map((c) => c.route.name))).toEqual(new Set(routes.map((r) => r.name)));
    expect(Object.keys(expected).sort()).toEqual(cases.map((c) => c.name).sort());
  });

  for (const { name, route, fixture } of cases) {
    describe(`${name} (${route.method} ${route.path})`, () => {
      for (const caller of CALLERS) {
        if (knownMismatches[name]?.[caller]) continue;
        const answer = expected[name][caller];
        it(`${caller} → ${typeof answer === 'number' ? answer : `200, ${answer}`}`, async () => {
          const request = await fixture(caller);
          const path = route.path.replace(/\{(\w+)\}/g, (_, param: string) => request.params![param]!);
          const res = await call(path, {
            method: route.method,
            token: await tokenOf(caller),
            query: request.query,
            headers: request.headers,
            body: request.body,
          });
          if (typeof answer === 'number') {
            if (ERROR_CODES[answer]) expectError(res, answer, ERROR_CODES[answer]);
            else expectStatus(res, answer);
            return;
          }
          expectStatus(res, 200);
          const ids = res.json<Record<string, { id: string }[]>>()[request.probe!.key]!.map((item) => item.id);
          if (answer === 'listed') expect(ids).toContain(request.probe!.id);
          if (answer === 'hidden') expect(ids).not.toContain(request.probe!.id);
          if (answer === 'empty') expect(ids).toEqual([]);
        });
      }
    });
  }
});
