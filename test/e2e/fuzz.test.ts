/**
 * Hostile input, generated from the route table (issue 8, "Proof"): every route of `shared/routes.ts` gets the
 * same share of malformed requests (garbled and wrongly shaped bodies, odd strings, wrong content types, broken,
 * expired, foreign and unsigned tokens, non-UUID and unknown path ids, unknown and ill-typed query parameters),
 * so a new route is fuzzed without editing this file.
 *
 * Every answer must be below 500, every 4xx must be the contract's error shape, nothing may be stored (no S3
 * object or table item appears that was not there before) and the service must still answer its health check.
 * The seed is fixed, so a failure is reproduced by running this file again; each failure names its request.
 */
import { readFile } from 'node:fs/promises';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintToken } from '../../local/tokens.ts';
import { routes, type RouteDef } from '../../shared/routes.ts';
import { expectStatus, newTenant, rawRequest, unsignedToken, call, type RawResponse } from '../support/e2e-client.ts';

/** Changing it changes every generated request; keep it fixed so a failure is reproducible. */
const SEED = 20261108;
/** At least 2,000 requests over the whole table, the same number for each route. */
const TOTAL = 2_000;
const PER_ROUTE = Math.ceil(TOTAL / routes.length);
/** Requests in flight at once: enough to keep both cores busy, few enough not to time anything out. */
const CONCURRENCY = 4;
/** The names the local runtime gives its bucket and table (local/runtime.ts). */
const BUCKET = 'medfiles-local';
const TABLE = 'medfiles-local';
const REGION = 'us-east-1';

interface FuzzRequest {
  /** The route-table entry it was made for, named in failures. */
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

// ---------------------------------------------------------------------------------------------------------
// Values

const LONG = 'A'.repeat(100_000);
/**
 * Long, but not over what HTTP carries in a request line or header (Node refuses more than 16 KB in all, as API
 * Gateway refuses more than 10 KB: the transport's answer, not the API's).
 */
const LONGISH = 'A'.repeat(2_000);
/** Strings that have broken parsers, encoders and key builders elsewhere; `long` for bodies, `longish` for URLs. */
const strings = (long: string, graphemes: number) => fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', 'bad\ud800.txt', '\udfff\ud800', '\u202e', '\ufeff', '../../etc/passwd',
    '%00', '%', '%zz', '<script>', "' OR 1=1 --", '${x}', '__proto__', 'constructor', 'T#other#F#x', '#', 'null', 'NaN', long),
  fc.string({ unit: 'grapheme', minLength: graphemes / 10, maxLength: graphemes }),
);
const oddString = strings(LONG, 2_000);
const urlString = strings(LONGISH, 100);
const oddScalar = fc.oneof(oddString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constantFrom(-1, 0, 2 ** 53, 1e308, -0));
/** Values under the field names requests really use (`fields`), so the schemas are probed and not only the parser. */
const hostileObject = (fields: string[]) => fc.dictionary(fc.oneof(fc.constantFrom(...fields), oddString), fc.oneof(
  oddScalar,
  fc.array(oddScalar, { maxLength: 5 }),
  fc.array(fc.dictionary(fc.constantFrom(...fields), oddScalar, { maxKeys: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...fields), oddScalar, { maxKeys: 3 }),
), { maxKeys: 6 });

/** Lone surrogates survive JSON.stringify as `\ud800` escapes: the server sees them after parsing. */
const json = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'undefined');

const bodies = (fields: string[]): fc.Arbitrary<Buffer | undefined> => fc.oneof(
  fc.constant(undefined),
  fc.constant(Buffer.alloc(0)),
  hostileObject(fields).map(json),
  fc.jsonValue({ maxDepth: 3 }).map(json),
  // Truncated or garbled JSON.
  fc.tuple(hostileObject(fields), fc.nat()).map(([o, n]) => { const s = json(o); return s.subarray(0, n % (s.length + 1)); }),
  fc.constantFrom('{', '{"files":', '[', '{"a":1,}', 'nul', '{"files":[{"name":"a","contents":"@@@"}]}', '\u0000',
    '{"__proto__":{"admin":true}}', '{"files":{"length":1e9}}', `${'['.repeat(5_000)}${']'.repeat(5_000)}`).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 2_048 }).map((b) => Buffer.from(b)),
  // A broken multipart body (it also goes out with JSON and other types).
  fc.string({ maxLength: 30 }).map((s) => Buffer.from(`--x\r\nContent-Disposition: form-data; name="file"; filename="${s}"\r\n\r\nabc\r\n--y--`)),
  // Larger than the inline limit, and one at 1 MB.
  fc.constantFrom(7 * 1024 * 1024, 1024 * 1024).map((n) => Buffer.alloc(n, 0x41)),
);

/** JSON half the time, so that most bodies get past the type check and reach the parsers and schemas. */
const contentType = fc.oneof(fc.constant('application/json'), fc.option(fc.constantFrom(
  'application/json', 'application/json; charset=utf-16', 'text/plain', 'application/octet-stream', 'image/png',
  'multipart/form-data', 'multipart/form-data; boundary=x', 'multipart/form-data; boundary=', 'application/x-www-form-urlencoded',
  'a/b;;;=', '', '*/*', 'application/json, text/plain', `application/${LONGISH}`,
), { nil: undefined }));

/** Extra headers that handlers read (conditions, ranges, forwarding); ASCII only, as HTTP carries them. */
const extraHeaders = fc.dictionary(
  fc.constantFrom('if-match', 'if-none-match', 'range', 'accept', 'x-forwarded-host', 'x-forwarded-proto', 'content-encoding', 'x-request-id', 'host'),
  fc.oneof(fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), fc.constantFrom('*', 'W/"x"', 'bytes=5-1', 'bytes=-0', 'gzip', 'evil.example')),
  { maxKeys: 3 },
);

/** A path id: not a UUID, or a UUID nothing has, percent-encoded the ways a client could send it. */
const pathId = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid().map((id) => `${id}x`),
  urlString.map((s) => encodeUtf8(s)),
  fc.constantFrom('%00', '%zz', '%ED%A0%80', '..', '.', '%2e%2e', '%2F', 'a%2Fb', '00000000-0000-0000-0000-000000000000', 'null', 'undefined'),
);

/** Unknown and known parameter names with ill-typed values; the constants go out as written (broken escapes too). */
const queryString = (names: string[]) => fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom(...names, 'token', 'u'), urlString).map(encodeUtf8),
    fc.oneof(urlString.map(encodeUtf8), fc.integer().map(String), fc.double().map((n) => encodeUtf8(String(n))),
      fc.constantFrom('-1', '0', '1e9', '4096x1', '0x0', 'true', 'yes', '%', '%E0%A4%A', '%ED%A0%80', '%00')),
  ),
  { maxLength: 4 },
).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

/** Percent-encodes the UTF-8 of `s` (lone surrogates become U+FFFD), where encodeURIComponent would throw. */
function encodeUtf8(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

// ---------------------------------------------------------------------------------------------------------
// Tokens: valid ones in tenants that hold nothing (the "valid token, bad input" cases) and every broken kind.

interface Tokens {
  valid: string[];
  broken: string[];
}

async function makeTokens(secret: string): Promise<Tokens> {
  const tenant = newTenant('fuzz');
  const other = newTenant('fuzz-other');
  const roles = ['patient', 'provider', 'admin', 'service'];
  const valid = await Promise.all([
    ...roles.map((role) => mintToken(secret, { sub: `fuzz-${role}`, tenant, role })),
    mintToken(secret, { sub: 'fuzz-other', tenant: other, role: 'admin' }),
  ]);
  const broken = await Promise.all([
    mintToken(secret, { sub: 'fuzz-expired', tenant, role: 'admin' }, -60),
    mintToken('not-the-secret-not-the-secret-not-the-secret', { sub: 'fuzz-forged', tenant, role: 'admin' }),
    mintToken(secret, { sub: 'fuzz-odd-role', tenant, role: 'root' }),
    mintToken(secret, { sub: 'fuzz-no-tenant', tenant: '', role: 'admin' }),
    mintToken(secret, { sub: '', tenant, role: 'provider' }),
  ]);
  broken.push(
    unsignedToken({ tenant, sub: 'fuzz-unsigned', role: 'admin' }),
    `${valid[2]!.slice(0, -4)}AAAA`,
    'a.b.c', '...', 'null', LONGISH, 'eyJhbGciOiJIUzI1NiJ9.e30.',
  );
  return { valid, broken };
}

const authorization = (tokens: Tokens) => fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...tokens.valid).map((t) => `Bearer ${t}`) },
  { weight: 2, arbitrary: fc.constantFrom(...tokens.broken).map((t) => `Bearer ${t}`) },
  fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', 'Basic YTpi', `bearer ${tokens.valid[1]}`, `Bearer  ${tokens.valid[0]}`, 'Token x'),
);

// ---------------------------------------------------------------------------------------------------------
// Requests

/** The names the API knows, from its own OpenAPI document (made from the route table): body fields and query parameters. */
interface Vocabulary {
  fields: string[];
  queryNames: string[];
}

async function vocabulary(): Promise<Vocabulary> {
  const res = await call('/v1/openapi.json');
  expectStatus(res, 200);
  const fields = new Set<string>();
  const queryNames = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.properties && typeof record.properties === 'object') for (const name of Object.keys(record.properties)) fields.add(name);
    if (record.in === 'query' && typeof record.name === 'string') queryNames.add(record.name);
    Object.values(record).forEach(walk);
  };
  walk(res.json());
  expect(fields.size, 'the OpenAPI document names no body fields').toBeGreaterThan(10);
  expect(queryNames.size, 'the OpenAPI document names no query parameters').toBeGreaterThan(3);
  return { fields: [...fields].sort(), queryNames: [...queryNames].sort() };
}

function requestFor(route: RouteDef, tokens: Tokens, words: Vocabulary): fc.Arbitrary<FuzzRequest> {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return fc.record({
    ids: fc.tuple(...params.map(() => pathId)),
    query: queryString(words.queryNames),
    auth: authorization(tokens),
    type: contentType,
    extra: extraHeaders,
    body: route.method === 'GET' ? fc.option(bodies(words.fields), { nil: undefined, freq: 4 }) : bodies(words.fields),
  }).map(({ ids, query, auth, type, extra, body: payload }) => {
    let i = 0;
    const path = route.path.replace(/\{\w+\}/g, () => ids[i++]!);
    // Set here: Node's client sends a GET or DELETE body with neither length nor chunking, which garbles the stream.
    const headers: Record<string, string> = { ...extra, ...(payload !== undefined ? { 'content-length': String(payload.length) } : {}) };
    // Node's client sets Host itself; a forged one is sent as X-Forwarded-Host instead.
    if (headers.host !== undefined) {
      headers['x-forwarded-host'] = headers.host;
      delete headers.host;
    }
    if (auth !== undefined) headers.authorization = auth;
    if (type !== undefined) headers['content-type'] = type;
    return { route: route.name, method: route.method, path: query ? `${path}?${query}` : path, headers, body: payload };
  });
}

/** The request in a line a person can replay (bodies cut to their first bytes). */
function describeRequest(r: FuzzRequest): string {
  const shown = r.body === undefined ? '(no body)' : `${r.body.length} bytes: ${JSON.stringify(r.body.subarray(0, 300).toString('utf8'))}`;
  const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${v.slice(0, 80)}`).join('; ');
  return `(${r.route}) ${r.method} ${r.path.slice(0, 300)} [${headers}] ${shown}`;
}

/** What is wrong with one answer, or nothing. */
function problemWith(res: RawResponse): string | undefined {
  if (res.status >= 500) return `status ${res.status}: ${res.text.slice(0, 300)}`;
  if (res.status < 400) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.text);
  } catch {
    return `status ${res.status} with a body that is not JSON: ${res.text.slice(0, 300)}`;
  }
  const root = parsed as { error?: Record<string, unknown> } | null;
  const error = root?.error;
  const shaped = root !== null && typeof root === 'object' && Object.keys(root).length === 1 && error !== undefined
    && typeof error.code === 'string' && typeof error.message === 'string' && Array.isArray(error.details)
    && typeof error.requestId === 'string' && error.requestId.length > 0;
  return shaped ? undefined : `status ${res.status} without the contract's error shape: ${res.text.slice(0, 300)}`;
}

// ---------------------------------------------------------------------------------------------------------
// What is stored

interface Storage {
  s3: S3Client;
  db: DynamoDBClient;
}

/** The embedded servers' endpoints, from the runtime's `storage:` line (the last one: it may have restarted). */
async function storageEndpoints(): Promise<{ s3: string; dynamodb: string }> {
  const line = (await readFile(inject('e2eRuntimeLog'), 'utf8')).split('\n').findLast((l) => l.includes('storage:'));
  const [s3, dynamodb] = [...(line ?? '').matchAll(/http:\/\/[\w.]+:\d+/g)].map((m) => m[0]);
  if (!s3 || !dynamodb) throw new Error(`no storage endpoints in the runtime's output: ${line}`);
  return { s3, dynamodb };
}

async function storedKeys({ s3, db }: Storage): Promise<{ objects: Set<string>; items: Set<string> }> {
  const objects = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
    for (const o of page.Contents ?? []) objects.add(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  const items = new Set<string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: TABLE, ProjectionExpression: 'pk, sk', ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.add(`${item.pk?.S} ${item.sk?.S}`);
    start = page.LastEvaluatedKey;
  } while (start);
  return { objects, items };
}

const added = (before: Set<string>, after: Set<string>) => [...after].filter((k) => !before.has(k));

// ---------------------------------------------------------------------------------------------------------

describe('hostile requests on every route of the table', () => {
  let storage: Storage;

  beforeAll(async () => {
    const endpoints = await storageEndpoints();
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    storage = {
      s3: new S3Client({ region: REGION, endpoint: endpoints.s3, forcePathStyle: true, credentials }),
      db: new DynamoDBClient({ region: REGION, endpoint: endpoints.dynamodb, credentials }),
    };
  });

  afterAll(() => {
    storage?.s3.destroy();
    storage?.db.destroy();
  });

  it(`answers ${PER_ROUTE * routes.length} malformed requests below 500 with the error shape, stores nothing and stays up`, async () => {
    const tokens = await makeTokens(inject('e2eJwtSecret'));
    const words = await vocabulary();
    // One seed per route (by its position), so adding a route does not change the others' requests.
    const requests = routes.flatMap((route, index) => fc.sample(requestFor(route, tokens, words), { seed: SEED + index, numRuns: PER_ROUTE }));

    const before = await storedKeys(storage);
    const problems: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const problem = await rawRequest({ method: request.method, path: request.path, headers: request.headers, body: request.body })
          .then(problemWith, (error: Error) => `no answer: ${error.message}`);
        if (problem) problems.push(`${describeRequest(request)}\n  → ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const after = await storedKeys(storage);

    expect(problems.slice(0, 20), `${problems.length} of ${requests.length} answers were wrong`).toEqual([]);
    // Files that earlier test files let expire may be swept meanwhile; nothing may appear.
    expect(added(before.objects, after.objects), 'objects stored by malformed requests').toEqual([]);
    expect(added(before.items, after.items), 'table items stored by malformed requests').toEqual([]);
    expectStatus(await call('/v1/health'), 200);
  }, 60_000);
});
