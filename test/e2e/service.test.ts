/**
 * The service routes and the API's outer shell: health, the OpenAPI document, path ids, unknown routes, and
 * hostile input that must never produce a 5xx, a stack trace or a dead server.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.ts';
import {
  call,
  Client,
  expectError,
  expectNoLeak,
  expectStatus,
  newTenant,
  randomId,
  rawRequest,
  type RawResponse,
} from '../support/e2e-client.ts';
import { png, text } from '../support/e2e-files.ts';

const tenant = newTenant('service');
let admin: Client;
let fileId: string;

beforeAll(async () => {
  admin = await Client.as(tenant, 'admin-1', 'admin');
  fileId = (await admin.createFile('note.txt', text())).id;
});

describe('GET /v1/health', () => {
  it('answers 200 {status: ok} without a token', async () => {
    const res = await call('/v1/health');
    expectStatus(res, 200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('ignores a broken token', async () => {
    const res = await call('/v1/health', { token: 'not.a.token' });
    expectStatus(res, 200);
  });
});

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document served without a token', async () => {
    const res = await call('/v1/openapi.json');
    expectStatus(res, 200);
    const doc = res.json<{ openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.info.version).toEqual(expect.any(String));
  });

  it('documents every route the runtime serves (the route table), and no other', async () => {
    const doc = (await call('/v1/openapi.json')).json<{ paths: Record<string, Record<string, unknown>> }>();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'put', 'post', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = routes.map((r) => `${r.method} ${r.path}`);
    expect(documented.sort()).toEqual(served.sort());
  });

  it('serves and documents every route the contract (API.md) names', async () => {
    // The contract's own list, kept here on purpose: the route table must hold these (it may hold more).
    const contract = [
      'GET /v1/health', 'GET /v1/openapi.json', 'POST /v1/files', 'GET /v1/files', 'GET /v1/files/{id}',
      'PATCH /v1/files/{id}', 'DELETE /v1/files/{id}', 'GET /v1/files/{id}/content', 'PUT /v1/files/{id}/content',
      'POST /v1/files/{id}/restore', 'POST /v1/uploads', 'POST /v1/uploads/{fileId}/complete', 'POST /v1/file-requests',
      'GET /v1/file-requests', 'GET /v1/file-requests/{id}', 'PATCH /v1/file-requests/{id}', 'POST /v1/webhooks',
      'GET /v1/webhooks', 'GET /v1/webhooks/{id}', 'PATCH /v1/webhooks/{id}', 'DELETE /v1/webhooks/{id}',
      'GET /v1/webhooks/{id}/deliveries', 'POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry',
    ];
    const doc = (await call('/v1/openapi.json')).json<{ paths: Record<string, Record<string, unknown>> }>();
    for (const route of contract) {
      const [method, path] = route.split(' ') as [string, string];
      expect(routes.some((r) => r.method === method && r.path === path), `${route} in the route table`).toBe(true);
      expect(doc.paths[path]?.[method.toLowerCase()], `${route} documented`).toBeDefined();
    }
  });

  it('documents the error shape and the File resource', async () => {
    const doc = (await call('/v1/openapi.json')).json<Record<string, unknown>>();
    const schemas = objectsIn(doc).filter((o) => isObject(o.properties)) as { properties: Record<string, unknown> }[];
    const file = schemas.find((s) => 'sha256' in s.properties && 'originalName' in s.properties && 'deletable' in s.properties);
    expect(file, 'no schema looks like the File resource').toBeDefined();
    for (const field of ['id', 'tenantId', 'ownerId', 'createdBy', 'mimeType', 'size', 'category', 'recordType', 'entity', 'state', 'imageWidth', 'imageHeight', 'sharedWith', 'deletable', 'expiresAt', 'createdAt', 'updatedAt']) {
      expect(Object.keys(file!.properties)).toContain(field);
    }
    expect(schemas.some((s) => 'error' in s.properties), 'no schema looks like the error body').toBe(true);
  });

  it('every $ref resolves within the document', async () => {
    const doc = (await call('/v1/openapi.json')).json<Record<string, unknown>>();
    const refs = objectsIn(doc).flatMap((o) => (typeof o.$ref === 'string' ? [o.$ref] : []));
    expect(refs.length).toBeGreaterThan(0);
    const broken = [...new Set(refs)].filter((ref) => !ref.startsWith('#/') || resolvePointer(doc, ref.slice(1)) === undefined);
    expect(broken, 'unresolvable $refs (a "#/..." ref is resolved from the document root)').toEqual([]);
  });
});

describe('path ids', () => {
  const BAD_IDS = ['not-a-uuid', '12345', `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(11)}`, `${randomId()}0`, 'g1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', '%20'];
  const withParams = routes.filter((r) => /\{\w+\}/.test(r.path));

  it('every route with a path parameter exists to be checked', () => {
    expect(withParams.length).toBeGreaterThanOrEqual(5);
  });

  for (const route of withParams) {
    it(`${route.method} ${route.path}: a non-UUID path parameter is 422`, async () => {
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const bad of BAD_IDS) {
        for (const param of params) {
          const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === param ? bad : randomId()));
          const res = await admin.request(path, {
            method: route.method,
            ...bodyFor(route.method),
          });
          const error = expectError(res, 422, 'validation_error');
          expect(error.details.length, `${route.method} ${path}`).toBeGreaterThan(0);
        }
      }
    });
  }
});

describe('errors', () => {
  it('every error carries its own requestId', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add(expectError(await call('/v1/files'), 401, 'unauthorized').requestId);
    ids.add(expectError(await admin.get(randomId()), 404, 'not_found').requestId);
    ids.add(expectError(await admin.list({ limit: '0' }), 422, 'validation_error').requestId);
    expect(ids.size).toBe(5);
  });
});

describe('unknown routes', () => {
  for (const [method, path] of [
    ['GET', '/v1/nothing-here'],
    ['GET', '/v2/files'],
    ['GET', '/'],
    ['GET', '/v1/files/x/y/z'],
    ['DELETE', '/v1/files'],
    ['POST', '/v1/health'],
  ] as const) {
    it(`${method} ${path} is 404 in the contract's error shape`, async () => {
      const res = await admin.request(path, { method });
      expectError(res, 404, 'not_found');
    });
  }
});

describe('hostile input never gives a 5xx', () => {
  const deepJson = (depth: number) => `{"files":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  const json = (body: string) => ({ method: 'POST', path: '/v1/files', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` }, body });
  const get = (path: string, headers: Record<string, string> = {}) => ({ path, headers: { authorization: `Bearer ${admin.token}`, ...headers } });
  const patch = (body: string) => ({ method: 'PATCH', path: `/v1/files/${fileId}`, headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` }, body });
  const put = (query: string, body = 'hello') => ({ method: 'PUT', path: `/v1/files/${randomId()}/content?${query}`, headers: { 'content-type': 'text/plain', authorization: `Bearer ${admin.token}` }, body });
  const multipart = (contentType: string, body: string) => ({ method: 'POST', path: '/v1/files', headers: { 'content-type': contentType, authorization: `Bearer ${admin.token}` }, body });

  /** [name, request, expected status (or undefined: any status below 500)] */
  const cases: [string, () => Parameters<typeof rawRequest>[0], number | undefined][] = [
    // Node answers 431 to headers over its limit and may reset the connection while the client still writes.
    ['a 64 KB header', () => get('/v1/files', { 'x-pad': 'a'.repeat(64 * 1024) }), 431],
    ['a 12 KB bearer token', () => get('/v1/files', { authorization: `Bearer ${'a'.repeat(12 * 1024)}` }), 401],
    ['a token of three empty parts', () => get('/v1/files', { authorization: 'Bearer ..' }), 401],
    ['Basic credentials', () => get('/v1/files', { authorization: 'Basic YWRtaW46YWRtaW4=' }), 401],
    ['300 headers', () => get('/v1/files', Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x-h${i}`, 'v']))), undefined],
    ['a repeated limit', () => get('/v1/files?limit=abc&limit=5'), 422],
    ['1000 unknown query parameters', () => get(`/v1/files?${Array.from({ length: 1000 }, (_, i) => `p${i}=1`).join('&')}`), undefined],
    ['sort=__proto__', () => get('/v1/files?sort=__proto__'), 422],
    ['a 5000-character cursor', () => get(`/v1/files?cursor=${'A'.repeat(5000)}`), 422],
    ['a NUL owner id', () => get('/v1/files?ownerId=%00'), 422],
    ['limit=1e2', () => get('/v1/files?limit=1e2'), 422],
    ['state[]=all', () => get('/v1/files?state[]=all'), 422],
    ['a broken percent-escape as the path id', () => get('/v1/files/%ZZ'), 422],
    ['a truncated UTF-8 escape as the path id', () => get('/v1/files/%E0%A4%A/content'), 422],
    ['a NUL path id', () => get('/v1/files/%00/content'), 422],
    ['an 8000-character path id', () => get(`/v1/files/${'a'.repeat(8000)}`), undefined],
    ['a NUL in a PUT name', () => put('name=a%00b.txt'), 422],
    ['a 10000-character PUT name', () => put(`name=${'n'.repeat(10_000)}.txt`), 422],
    ['invalid UTF-8 in a PUT name', () => put('name=%F0%28%8C%28.txt'), undefined],
    ['JSON nested 100000 deep', () => json(deepJson(100_000)), undefined],
    ['a JSON array body', () => json('[]'), 422],
    ['a JSON null body', () => json('null'), 422],
    ['a JSON string body', () => json('"files"'), 422],
    ['numbers instead of strings', () => json('{"files":[{"name":1,"contents":2,"mimeType":3}]}'), 422],
    ['an operator object as mimeType', () => json('{"files":[{"name":"a.txt","contents":"aGk=","mimeType":{"$ne":null}}]}'), undefined],
    ['an object instead of the files array', () => json('{"files":{"0":{"name":"a.txt","contents":"aGk="}}}'), 422],
    ['__proto__ in the body', () => json('{"__proto__":{"role":"admin"},"files":[{"name":"a.txt","contents":"aGk="}]}'), 422],
    ['an infinite expiryInterval', () => json('{"expiryInterval":1e400,"files":[{"name":"a.txt","contents":"aGk="}]}'), 422],
    ['500 files', () => json(JSON.stringify({ files: Array.from({ length: 500 }, (_, i) => ({ name: `f${i}.txt`, contents: 'aGk=' })) })), 422],
    ['a PATCH array body', () => patch('[]'), 422],
    ['a PATCH string body', () => patch('"x"'), 422],
    ['sharedWith as a string', () => patch('{"sharedWith":"p1"}'), 422],
    ['entity as an array', () => patch('{"entity":[]}'), 422],
    ['a 100000-character description', () => patch(JSON.stringify({ description: 'd'.repeat(100_000) })), 422],
    ['multipart without a boundary', () => multipart('multipart/form-data', '--x\r\n\r\n'), 400],
    ['multipart garbage', () => multipart('multipart/form-data; boundary=zzz', 'this is not multipart at all'), 400],
    ['a binary body declared as JSON', () => ({ ...json(''), body: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]) }), 400],
    ['an OPTIONS request', () => ({ method: 'OPTIONS', path: '/v1/files', headers: {} }), undefined],
  ];

  for (const [name, build, expected] of cases) {
    it(name, async () => {
      const res = await rawRequest(build()).catch((error: NodeJS.ErrnoException) => {
        // Only a refused oversized header may end in a reset connection instead of a 431.
        if (expected === 431 && error.code === 'ECONNRESET') return { status: 431, headers: {}, text: '' } satisfies RawResponse;
        throw error;
      });
      expect(res.status, `${name}: ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
      expect(res.status).toBeGreaterThanOrEqual(200);
      if (expected !== undefined) expect(res.status, `${name}: ${res.text.slice(0, 300)}`).toBe(expected);
      if (res.status >= 400 && isJson(res)) expectContractShape(res);
      expectNoLeak(res.text);
    });
  }

  it('a forged Host or X-Forwarded-Proto cannot inject into downloadUrl', async () => {
    const res = await rawRequest({
      path: `/v1/files/${fileId}`,
      headers: { authorization: `Bearer ${admin.token}`, host: 'evil.example/<script>', 'x-forwarded-proto': 'javascript' },
    });
    expect(res.status).toBe(200);
    const url = new URL((JSON.parse(res.text) as { downloadUrl: string }).downloadUrl);
    expect(['http:', 'https:']).toContain(url.protocol);
    expect(url.host).not.toContain('<');
    expect(url.pathname).toBe(`/v1/files/${fileId}/content`);
  });

  it('the server is still up and still serves the same data afterwards', async () => {
    const health = await call('/v1/health');
    expectStatus(health, 200);
    const res = await admin.get(fileId);
    expectStatus(res, 200);
    const upload = await admin.uploadJson([{ name: 'after.png', contents: await png() }]);
    expectStatus(upload, 201);
  });
});

function bodyFor(method: string): { headers?: Record<string, string>; body?: string; query?: Record<string, string> } {
  if (method === 'PUT') return { headers: { 'content-type': 'text/plain' }, body: 'hello', query: { name: 'a.txt' } };
  if (method === 'PATCH' || method === 'POST') return { headers: { 'content-type': 'application/json' }, body: '{}' };
  return {};
}

function isJson(res: RawResponse): boolean {
  return String(res.headers['content-type'] ?? '').startsWith('application/json');
}

function expectContractShape(res: RawResponse): void {
  const body = JSON.parse(res.text) as { error: { code: string; message: string; details: unknown[]; requestId: string } };
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(Array.isArray(body.error.details)).toBe(true);
  expect(body.error.requestId).toEqual(expect.any(String));
  expect(body.error.requestId.length).toBeGreaterThan(0);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object nested anywhere in `value`. */
function objectsIn(value: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      found.push(v);
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return found;
}

/** RFC 6901 JSON Pointer (`/a/b~1c`) from the document root. */
function resolvePointer(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
    if (node === undefined) return undefined;
  }
  return node;
}
