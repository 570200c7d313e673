/**
 * What the functions log and count, end to end: a runtime of its own (as `npm start`, with every log level and the
 * metrics on) serves every route of the route table through its real handler, once on a success path and once on
 * an error path, with file names, descriptions, messages, owner ids, query values and a webhook URL that are unique
 * markers. Then every line the process wrote is read:
 * - none holds a marker, a bearer token, a signed link's or a storage URL's signature, or a webhook secret;
 * - every line of a function is JSON with allow-listed keys only, and names its invocation (function, Lambda
 *   request id, cold start: one invocation of each function); the local runtime's own lines have their fixed
 *   shapes;
 * - every route answered with a success and (but health and the OpenAPI document) with an error;
 * - the metrics counted uploads and their bytes, thumbnails made and cached, and webhook attempts, retries, failures.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { consumers } from '../../shared/events.ts';
import { routes } from '../../shared/routes.ts';
import { call, mintToken, newTenant, type ApiResponse, type CallOptions, type Role } from '../support/e2e-client.ts';
import { pdf, png } from '../support/e2e-files.ts';
import { startRuntime, type Runtime } from '../support/e2e-runtime.ts';
import { until } from '../support/until.ts';

const SECRET = `observability-${randomUUID()}`;

/** The keys a function's log line may have: Powertools' standard ones kept, then the fields the code may log. */
const ALLOWED_KEYS = new Set([
  ...['level', 'message', 'timestamp', 'service', 'cold_start', 'function_name', 'function_request_id', 'xray_trace_id'],
  ...['function', 'requestId', 'method', 'status', 'code', 'durationMs', 'error'],
  ...['fileId', 'webhookId', 'deliveryId', 'eventId', 'eventType', 'types'],
  ...['attempted', 'succeeded', 'retrying', 'failed', 'created', 'deferred', 'errors'],
]);
const METRICS = ['Uploads', 'UploadedBytes', 'ThumbnailsMade', 'ThumbnailsCached', 'WebhookAttempts', 'WebhookRetries', 'WebhookFailures'];
/** The local runtime's own lines: API Gateway's access log stand-in, and notices of its bus, scheduler and sweeper. */
const RUNTIME_LINES = [/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/[\w/{}.-]*|unmatched) \d{3} \d+ms$/, /^(bus|schedule|expiry): /];

/** A metrics line (CloudWatch Embedded Metric Format). */
interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
}

/** Everything that must never reach a log line. */
const secrets: string[] = [];
const marker = (label: string): string => {
  const value = `zz-secret-${label}-${randomUUID()}`;
  secrets.push(value);
  return value;
};
const keep = (value: string | null | undefined): string => {
  expect(value, 'a secret to look for').toBeTruthy();
  secrets.push(value!);
  return value!;
};


function expectStatus(res: ApiResponse, status: number): ApiResponse {
  expect(res.status, `expected ${status}: ${res.text.slice(0, 300)}`).toBe(status);
  return res;
}

it('logs no patient data, token or signature on any route, only allow-listed fields, and counts what it should', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'medfiles-e2e-observability-'));
  const logFile = join(dir, 'runtime.log');
  let healthy = false;
  const hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(healthy ? 204 : 500).end());
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  let runtime: Runtime | undefined;
  try {
    runtime = await startRuntime({
      dataDir: join(dir, 'data'),
      jwtSecret: SECRET,
      logFile,
      env: { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false', MEDFILES_WEBHOOK_RETRY_DELAYS: '1' },
    });
    const base = runtime.url;
    const tenant = newTenant('observability');
    const tokenOf = async (role: Role) => keep(await mintToken({ tenant, sub: `${role}-1`, role }, { secret: SECRET }));
    const [provider, admin, patient] = await Promise.all([tokenOf('provider'), tokenOf('admin'), tokenOf('patient')]);
    const api = (token: string | undefined, method: string, path: string, options: Omit<CallOptions, 'method' | 'token'> & { json?: unknown } = {}) =>
      call(`${base}${path}`, {
        ...options,
        method,
        token,
        ...(options.json !== undefined
          ? { headers: { 'content-type': 'application/json', ...options.headers }, body: JSON.stringify(options.json) }
          : {}),
      });
    const missing = randomUUID();
    const owner = marker('owner');

    // Webhooks first, so that the uploads below are delivered (to a receiver that fails until told otherwise).
    const webhook = expectStatus(
      await api(admin, 'POST', '/v1/webhooks', {
        json: {
          url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/${marker('hook-path')}?token=${marker('hook-token')}`,
          events: ['file.created'],
          description: marker('webhook-description'),
        },
      }),
      201,
    ).json<{ id: string; secret: string }>();
    keep(webhook.secret);
    expectStatus(await api(admin, 'POST', '/v1/webhooks', { json: { url: `not a url ${marker('bad-url')}`, events: ['*'] } }), 422);
    expectStatus(await api(admin, 'GET', '/v1/webhooks'), 200);
    expectStatus(await api(patient, 'GET', '/v1/webhooks'), 403);
    expectStatus(await api(admin, 'GET', `/v1/webhooks/${webhook.id}`), 200);
    expectStatus(await api(admin, 'GET', `/v1/webhooks/${missing}`), 404);
    expectStatus(await api(admin, 'PATCH', `/v1/webhooks/${webhook.id}`, { json: { description: marker('webhook-renamed') } }), 200);
    expectStatus(await api(admin, 'PATCH', `/v1/webhooks/${webhook.id}`, { json: { url: `ftp://${marker('ftp')}` } }), 422);

    // Inline uploads: a document and an image.
    const uploaded = expectStatus(
      await api(provider, 'POST', '/v1/files', {
        json: {
          ownerId: owner,
          description: marker('description'),
          files: [
            { name: `${marker('name')}.pdf`, contents: pdf(marker('contents')).toString('base64') },
            { name: `${marker('image-name')}.png`, contents: (await png(64, 48)).toString('base64') },
          ],
        },
      }),
      201,
    ).json<{ files: { id: string }[] }>().files;
    const [document, image] = uploaded.map((f) => f.id) as [string, string];
    expectStatus(await api(provider, 'POST', '/v1/files', { json: { files: [{ name: `bad/${marker('bad-name')}.pdf`, contents: pdf().toString('base64') }] } }), 422);

    const putId = randomUUID();
    const put = { name: `${marker('put-name')}.pdf`, description: marker('put-description'), ownerId: owner };
    expectStatus(await api(provider, 'PUT', `/v1/files/${putId}/content`, { headers: { 'content-type': 'application/pdf' }, body: pdf(marker('put-contents')), query: put }), 201);
    expectStatus(await api(provider, 'PUT', `/v1/files/${putId}/content`, { headers: { 'content-type': 'application/pdf' }, body: pdf('other'), query: put }), 409);

    // A large upload: reserve, PUT to the presigned storage URL, complete.
    const bytes = pdf(marker('large-contents'));
    const target = expectStatus(
      await api(provider, 'POST', '/v1/uploads', { json: { name: `${marker('large-name')}.pdf`, mimeType: 'application/pdf', size: bytes.length, ownerId: owner } }),
      201,
    ).json<{ fileId: string; url: string; headers: Record<string, string> }>();
    keep(new URL(target.url).searchParams.get('X-Amz-Signature'));
    expect((await fetch(target.url, { method: 'PUT', headers: target.headers, body: bytes })).status).toBe(200);
    expectStatus(await api(provider, 'POST', '/v1/uploads', { json: { name: `${marker('huge-name')}.pdf`, mimeType: 'application/pdf', size: 2 ** 50 } }), 413);
    expectStatus(await api(provider, 'POST', `/v1/uploads/${target.fileId}/complete`), 200);
    expectStatus(await api(provider, 'POST', `/v1/uploads/${missing}/complete`), 404);

    // Resuming a direct upload: what storage holds (and an unknown id), fresh URLs (a bad part number first), abort,
    // abort again.
    const resumable = expectStatus(
      await api(provider, 'POST', '/v1/uploads', { json: { name: `${marker('resume-name')}.pdf`, mimeType: 'application/pdf', size: 1000, ownerId: owner } }),
      201,
    ).json<{ fileId: string }>();
    expectStatus(await api(provider, 'GET', `/v1/uploads/${resumable.fileId}`), 200);
    expectStatus(await api(provider, 'GET', `/v1/uploads/${missing}`), 404);
    expectStatus(await api(provider, 'POST', `/v1/uploads/${resumable.fileId}/renew`, { json: { partNumbers: [7] } }), 422);
    const renewed = expectStatus(await api(provider, 'POST', `/v1/uploads/${resumable.fileId}/renew`), 200).json<{ url: string }>();
    keep(new URL(renewed.url).searchParams.get('X-Amz-Signature'));
    expectStatus(await api(provider, 'DELETE', `/v1/uploads/${resumable.fileId}`), 204);
    expectStatus(await api(provider, 'DELETE', `/v1/uploads/${resumable.fileId}`), 404);

    // Reads: list, metadata with a signed link, content by link and by token, thumbnails.
    expectStatus(await api(provider, 'GET', '/v1/files', { query: { ownerId: owner } }), 200);
    expectStatus(await api(provider, 'GET', '/v1/files', { query: { limit: marker('limit') } }), 422);
    const link = new URL(expectStatus(await api(provider, 'GET', `/v1/files/${document}`), 200).json<{ downloadUrl: string }>().downloadUrl);
    keep(link.searchParams.get('signature'));
    expectStatus(await api(provider, 'GET', `/v1/files/${missing}`), 404);
    expectStatus(await call(`${base}${link.pathname}${link.search}`), 200);
    const signature = link.searchParams.get('signature')!;
    link.searchParams.set('signature', `${signature.startsWith('x') ? 'y' : 'x'}${signature.slice(1)}`);
    expectStatus(await call(`${base}${link.pathname}${link.search}`), 401);
    for (const cache of ['miss', 'hit']) {
      const thumbnail = expectStatus(await api(provider, 'GET', `/v1/files/${image}/content`, { query: { imageSize: '16x16' } }), 200);
      expect(thumbnail.headers.get('x-cache')).toBe(cache);
    }
    expectStatus(await api(provider, 'GET', `/v1/files/${image}/content`, { query: { imageSize: marker('image-size') } }), 422);

    // The audit trail and a file's access log: neither body may hold a marker.
    const trail = expectStatus(await api(admin, 'GET', '/v1/audit-events', { query: { fileId: document } }), 200).text;
    expectStatus(await api(admin, 'GET', '/v1/audit-events', { query: { actorId: marker('actor'), action: marker('action') } }), 422);
    const accessLog = expectStatus(await api(provider, 'GET', `/v1/files/${document}/access-log`), 200).text;
    expectStatus(await api(provider, 'GET', `/v1/files/${missing}/access-log`), 404);
    for (const body of [trail, accessLog]) expect(body).not.toContain('zz-secret-');

    // Changes: rename, archive, restore.
    expectStatus(await api(provider, 'PATCH', `/v1/files/${document}`, { json: { originalName: `${marker('renamed')}.pdf`, description: marker('redescribed') } }), 200);
    expectStatus(await api(provider, 'PATCH', `/v1/files/${document}`, { json: { description: marker('stale') }, headers: { 'if-match': '"stale"' } }), 412);
    expectStatus(await api(provider, 'DELETE', `/v1/files/${document}`), 204);
    expectStatus(await api(provider, 'DELETE', `/v1/files/${document}`, { query: { permanent: 'true' } }), 403);
    expectStatus(await api(provider, 'POST', `/v1/files/${document}/restore`), 200);
    expectStatus(await api(provider, 'POST', `/v1/files/${missing}/restore`), 404);

    // File requests.
    const request = expectStatus(await api(provider, 'POST', '/v1/file-requests', { json: { ownerId: owner, message: marker('message') } }), 201).json<{ id: string }>();
    expectStatus(await api(provider, 'POST', '/v1/file-requests', { json: { message: marker('orphan-message') } }), 422);
    expectStatus(await api(provider, 'GET', '/v1/file-requests', { query: { ownerId: owner } }), 200);
    expectStatus(await api(provider, 'GET', '/v1/file-requests', { query: { status: marker('status') } }), 422);
    expectStatus(await api(provider, 'GET', `/v1/file-requests/${request.id}`), 200);
    expectStatus(await api(provider, 'GET', `/v1/file-requests/${missing}`), 404);
    expectStatus(await api(provider, 'PATCH', `/v1/file-requests/${request.id}`, { json: { message: marker('new-message') } }), 200);
    expectStatus(await api(provider, 'PATCH', `/v1/file-requests/${request.id}`, { json: { status: marker('bad-status') } }), 422);

    // Deliveries: the receiver fails until a delivery is given up (2 attempts), then a retry by hand succeeds.
    const deliveries = async () =>
      expectStatus(await api(admin, 'GET', `/v1/webhooks/${webhook.id}/deliveries`), 200).json<{ deliveries: { id: string; status: string }[] }>().deliveries;
    const failed = await until('a failed delivery', async () => (await deliveries()).find((d) => d.status === 'failed'));
    expectStatus(await api(admin, 'GET', `/v1/webhooks/${webhook.id}/deliveries`, { query: { limit: marker('deliveries-limit') } }), 422);
    healthy = true;
    expectStatus(await api(admin, 'POST', `/v1/webhooks/${webhook.id}/deliveries/${failed.id}/retry`), 202);
    expectStatus(await api(admin, 'POST', `/v1/webhooks/${webhook.id}/deliveries/${missing}/retry`), 404);
    await until('the redelivery', async () => (await deliveries()).find((d) => d.id === failed.id && d.status === 'succeeded'));
    expectStatus(await api(admin, 'DELETE', `/v1/webhooks/${webhook.id}`), 204);
    expectStatus(await api(admin, 'DELETE', `/v1/webhooks/${webhook.id}`), 404);

    // Public routes: no error path reaches their functions; a query they ignore must not be logged either.
    expectStatus(await call(`${base}/v1/health`, { query: { probe: marker('health-query') } }), 200);
    expectStatus(await call(`${base}/v1/openapi.json`, { query: { probe: marker('openapi-query') } }), 200);

    await runtime.stop(); // every line is read once the process has exited
    expect(await runtime.exited).toBe(0);
  } finally {
    await runtime?.stop();
    await new Promise((r) => hook.close(r));
  }

  const output = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean).map((l) => l.replace(/^\[std(out|err)\] /, ''));
  await rm(dir, { recursive: true, force: true });

  const leaks = output.filter((line) => secrets.some((secret) => line.includes(secret)));
  expect(leaks, 'lines holding a marker, token, signature or secret').toEqual([]);

  // The startup banner (URL, storage endpoints, demo tokens) ends with the `try:` line; what follows is served.
  const served = output.slice(output.findIndex((l) => l.trimStart().startsWith('try: curl')) + 1);
  const functions = new Set([...routes, ...consumers].map((f) => f.name));
  const invocations = new Map<string, Set<string>>();
  const cold = new Map<string, string[]>();
  const outcomes = new Map<string, Set<'ok' | 'error'>>();
  const counted = new Map<string, number>();
  for (const line of served) {
    if (!line.startsWith('{')) {
      expect(RUNTIME_LINES.some((shape) => shape.test(line)), `an unexpected line: ${line}`).toBe(true);
      continue;
    }
    const entry = JSON.parse(line) as Record<string, unknown> & Partial<EmfLine>;
    if (entry._aws) {
      const [metrics, ...more] = entry._aws.CloudWatchMetrics;
      expect(more).toEqual([]);
      expect({ ...metrics, Metrics: undefined }).toEqual({ Namespace: 'MedFiles', Dimensions: [['service', 'function']], Metrics: undefined });
      const names = metrics!.Metrics.map((m) => m.Name);
      expect(Object.keys(entry).sort()).toEqual(['_aws', 'function', 'service', ...names].sort());
      for (const name of names) {
        expect(METRICS).toContain(name);
        const values = [entry[name]].flat() as number[];
        counted.set(name, (counted.get(name) ?? 0) + values.reduce((a, b) => a + b, 0));
      }
      continue;
    }
    expect(Object.keys(entry).filter((key) => !ALLOWED_KEYS.has(key)), line).toEqual([]);
    for (const value of Object.values(entry)) expect(['string', 'number', 'boolean'], line).toContain(typeof [value].flat()[0]);
    expect(entry, line).toMatchObject({ service: 'medfiles', cold_start: expect.any(Boolean), function_request_id: expect.any(String) });
    const name = entry.function as string;
    expect(functions, line).toContain(name);
    expect(entry.function_name, line).toBe(`medfiles-${name}`);
    const seen = invocations.get(name) ?? new Set();
    if (!seen.has(entry.function_request_id as string) && entry.cold_start) cold.set(name, [...(cold.get(name) ?? []), line]);
    invocations.set(name, seen.add(entry.function_request_id as string));
    if (entry.message === 'request' || entry.message === 'request failed') {
      expect(entry, line).toMatchObject({ requestId: entry.function_request_id, method: expect.any(String), status: expect.any(Number), durationMs: expect.any(Number) });
      const outcome = (entry.status as number) < 400 ? 'ok' : 'error';
      outcomes.set(name, (outcomes.get(name) ?? new Set()).add(outcome));
    }
  }

  // One cold start per function at most (a consumer's first run may log nothing); every route logs its own.
  for (const [name, lines] of cold) expect(lines, name).toHaveLength(1);
  for (const route of routes) expect(cold.has(route.name), route.name).toBe(true);

  for (const route of routes) {
    expect([...(outcomes.get(route.name) ?? [])].sort(), route.name).toEqual(route.public ? ['ok'] : ['error', 'ok']);
  }
  expect(Object.fromEntries(counted)).toMatchObject({
    Uploads: 4,
    UploadedBytes: expect.any(Number),
    ThumbnailsMade: 1,
    ThumbnailsCached: 1,
    WebhookAttempts: expect.any(Number),
    WebhookRetries: expect.any(Number),
    WebhookFailures: expect.any(Number),
  });
  expect(counted.get('WebhookAttempts')).toBeGreaterThanOrEqual(3);
}, 90_000);
