/**
 * The webhook handler modules as Lambda runs them, against the local DynamoDB server: the seven API routes with
 * API Gateway (payload 2.0) events and real tokens, and the two consumers with the events EventBridge sends
 * (a `medfiles` bus event, a scheduled event). The environment is set before the modules are imported
 * (configuration is read once), as the local runtime sets it: loopback targets allowed, a dead-letter file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { mintToken } from '../../local/tokens.ts';
import { ErrorBody } from '../../shared/http/formats/errors.ts';
import type { RunSummary } from '../../shared/domain/webhooks/dispatcher.ts';
import { DeliveryList, WebhookCreated, WebhookList, WebhookResource } from '../../shared/http/formats/webhooks.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';
import { lambdaContext, type LambdaHandler } from '../support/integration-events.ts';

const JWT_SECRET = 'integration-jwt-secret-0123456789abcdef';
const tenant = `wh-handlers-${Date.now()}`;
const routes = {
  create: 'POST /v1/webhooks',
  list: 'GET /v1/webhooks',
  get: 'GET /v1/webhooks/{id}',
  update: 'PATCH /v1/webhooks/{id}',
  delete: 'DELETE /v1/webhooks/{id}',
  deliveries: 'GET /v1/webhooks/{id}/deliveries',
  retry: 'POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry',
} as const;
type RouteName = keyof typeof routes;

let clients: IntegrationClients;
let dir: string;
let handlers: Record<RouteName, LambdaHandler>;
let deliver: (event: unknown, context?: unknown) => Promise<RunSummary>;
let retry: (event: unknown, context?: unknown) => Promise<RunSummary>;
const tokens: Record<string, string> = {};
let server: http.Server;
let receiverUrl: string;
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
/** Statuses for the receiver's next answers; 200 when empty. */
const answers: number[] = [];

beforeAll(async () => {
  clients = makeIntegrationClients();
  dir = await mkdtemp(path.join(tmpdir(), 'medfiles-webhook-handlers-'));
  Object.assign(process.env, {
    MEDFILES_BUCKET: clients.bucket,
    MEDFILES_TABLE: clients.table,
    MEDFILES_JWT_SECRET: JWT_SECRET,
    MEDFILES_SIGNING_SECRET: 'integration-signing-secret-0123456789abcdef',
    MEDFILES_S3_FORCE_PATH_STYLE: 'true',
    MEDFILES_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    MEDFILES_WEBHOOK_DLQ_FILE: path.join(dir, 'dlq.jsonl'),
    MEDFILES_WEBHOOK_RETRY_DELAYS: '1',
    MEDFILES_WEBHOOK_TIMEOUT_SECONDS: '1',
  });
  const load = async (name: string) => ((await import(`../../functions/${name}.ts`)) as { handler: LambdaHandler }).handler;
  handlers = {
    create: await load('create-webhook'),
    list: await load('list-webhooks'),
    get: await load('get-webhook'),
    update: await load('update-webhook'),
    delete: await load('delete-webhook'),
    deliveries: await load('list-webhook-deliveries'),
    retry: await load('retry-webhook-delivery'),
  };
  deliver = ((await import('../../functions/deliver-webhooks.ts')) as { handler: typeof deliver }).handler;
  retry = ((await import('../../functions/retry-webhooks.ts')) as { handler: typeof retry }).handler;

  for (const role of ['admin', 'service', 'provider', 'patient']) tokens[role] = await mintToken(JWT_SECRET, { sub: `${role}-1`, tenant, role });
  tokens.otherAdmin = await mintToken(JWT_SECRET, { sub: 'admin-9', tenant: `${tenant}-other`, role: 'admin' });

  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  clients.destroy();
  await rm(dir, { recursive: true, force: true });
});

interface Call {
  token?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

let requestSeq = 0;

async function call(route: RouteName, options: Call = {}): Promise<{ status: number; body: unknown; result: APIGatewayProxyStructuredResultV2 }> {
  const [method, template] = routes[route].split(' ') as [string, string];
  const rawPath = template.replace(/\{(\w+)\}/g, (_m, name: string) => options.params?.[name] ?? '');
  const requestId = `wh-handlers-${++requestSeq}`;
  const event = {
    version: '2.0',
    routeKey: routes[route],
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: {
      host: 'api.example.com',
      'x-forwarded-proto': 'https',
      ...(options.token === undefined ? { authorization: `Bearer ${tokens.admin}` } : options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
    },
    queryStringParameters: options.query,
    pathParameters: options.params,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012', apiId: 'api', domainName: 'api.example.com', domainPrefix: 'api', requestId, routeKey: routes[route],
      stage: '$default', time: '', timeEpoch: Date.now(),
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'test' },
    },
  } as unknown as APIGatewayProxyEventV2;
  const result = await handlers[route](event, lambdaContext(`medfiles-${route}`));
  return { status: result.statusCode!, body: result.body ? JSON.parse(result.body) : undefined, result };
}

function expectError(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  return error;
}

/** What EventBridge hands the deliver-webhooks function for an event the API published. */
function busEvent(detail: Record<string, unknown>) {
  return {
    version: '0',
    id: uuidv7(),
    'detail-type': detail.type,
    source: 'medfiles',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'eu-central-1',
    resources: [],
    detail,
  };
}

describe('registration routes', () => {
  let id: string;
  let secret: string;

  it('POST /v1/webhooks is 201 with the secret, for admins and services', async () => {
    const res = await call('create', { body: { url: receiverUrl, events: ['file.created'], description: 'EHR bridge' } });
    expect(res.status).toBe(201);
    const created = z.catchall(WebhookCreated, z.never()).parse(res.body);
    expect(created).toMatchObject({ url: receiverUrl, events: ['file.created'], active: true, description: 'EHR bridge' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    ({ id, secret } = created);

    const bySvc = await call('create', { token: tokens.service, body: { url: receiverUrl, events: ['*'] } });
    expect(bySvc.status).toBe(201);
    expect((await call('delete', { token: tokens.service, params: { id: (bySvc.body as { id: string }).id } })).status).toBe(204);
  });

  it('GET and list never show the secret', async () => {
    const one = await call('get', { params: { id } });
    expect(one.status).toBe(200);
    expect(z.catchall(WebhookResource, z.never()).parse(one.body).id).toBe(id);
    const list = await call('list');
    expect(list.status).toBe(200);
    expect(z.catchall(WebhookList, z.never()).parse(list.body).webhooks.map((w) => w.id)).toContain(id);
    for (const text of [one.result.body!, list.result.body!]) {
      expect(text).not.toContain(secret.slice(6));
      expect(text).not.toContain('secret');
    }
  });

  it('PATCH changes the webhook; DELETE is 204, then 404', async () => {
    const patched = await call('update', { params: { id }, body: { events: ['*'], description: null, active: false } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, events: ['*'], description: null, active: false });
    expect((await call('get', { params: { id } })).body).toMatchObject({ events: ['*'], active: false });

    const doomed = (await call('create', { body: { url: receiverUrl, events: ['*'] } })).body as { id: string };
    expect((await call('delete', { params: { id: doomed.id } })).status).toBe(204);
    expectError(await call('delete', { params: { id: doomed.id } }), 404, 'not_found');
    expectError(await call('get', { params: { id: doomed.id } }), 404, 'not_found');
  });

  it('is 403 for patients and providers', async () => {
    for (const role of ['patient', 'provider']) {
      expectError(await call('create', { token: tokens[role], body: { url: receiverUrl, events: ['*'] } }), 403, 'forbidden');
      expectError(await call('list', { token: tokens[role] }), 403, 'forbidden');
      expectError(await call('get', { token: tokens[role], params: { id } }), 403, 'forbidden');
      expectError(await call('update', { token: tokens[role], params: { id }, body: { active: false } }), 403, 'forbidden');
      expectError(await call('delete', { token: tokens[role], params: { id } }), 403, 'forbidden');
      expectError(await call('deliveries', { token: tokens[role], params: { id } }), 403, 'forbidden');
      expectError(await call('deliveries', { token: tokens[role], params: { id }, query: { limit: '0' } }), 403, 'forbidden');
      expectError(await call('retry', { token: tokens[role], params: { id, deliveryId: uuidv7() } }), 403, 'forbidden');
    }
  });

  it("is 404 for another tenant's webhook, and 401 without a token", async () => {
    expectError(await call('get', { token: tokens.otherAdmin, params: { id } }), 404, 'not_found');
    expectError(await call('update', { token: tokens.otherAdmin, params: { id }, body: { active: false } }), 404, 'not_found');
    expectError(await call('deliveries', { token: tokens.otherAdmin, params: { id } }), 404, 'not_found');
    expect(WebhookList.parse((await call('list', { token: tokens.otherAdmin })).body).webhooks).toEqual([]);
    expectError(await call('list', { token: '' }), 401, 'unauthorized');
  });

  it('is 422 with every offending field, 415 for other bodies, 400 for broken JSON', async () => {
    const error = expectError(await call('create', { body: { url: 'ftp://user:pw@x', events: ['file.created', 'file.nope'], extra: 1 } }), 422, 'validation_error');
    expect(error.details.map((d) => d.path).sort()).toEqual(['(body)', 'events.1', 'url']);
    expectError(await call('create', { body: 'url=x', contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    expectError(await call('create', { body: '{"url":' }), 400, 'bad_request');
    expectError(await call('get', { params: { id: 'not-a-uuid' } }), 422, 'validation_error');
    expectError(await call('retry', { params: { id, deliveryId: 'nope' } }), 422, 'validation_error');
    const query = expectError(await call('deliveries', { params: { id }, query: { limit: '101', extra: '1' } }), 422, 'validation_error');
    expect(query.details.map((d) => d.path).sort()).toEqual(['(body)', 'limit']);
  });
});

describe('consumers', () => {
  let webhookId: string;
  let secret: string;

  it('deliver-webhooks takes the EventBridge event and delivers a signed POST', async () => {
    const created = WebhookCreated.parse((await call('create', { body: { url: receiverUrl, events: ['file-request.files.updated'] } })).body);
    ({ id: webhookId, secret } = created);
    const detail = {
      id: uuidv7(), type: 'file-request.files.updated', tenantId: tenant, timestamp: new Date().toISOString(),
      data: { fileRequestId: uuidv7(), ownerId: 'patient-1', fileIds: [uuidv7()], fileCount: 1 },
    };
    const before = received.length;
    const summary = await deliver(busEvent(detail), lambdaContext('medfiles-deliver-webhooks'));
    expect(summary).toMatchObject({ created: 1, succeeded: 1 });
    const mine = received.slice(before);
    expect(mine).toHaveLength(1);
    expect(new Webhook(secret).verify(mine[0]!.body, mine[0]!.headers as Record<string, string>)).toEqual({
      id: detail.id, type: detail.type, timestamp: detail.timestamp, tenantId: tenant, data: detail.data,
    });
  });

  it('deliver-webhooks refuses events of another shape', async () => {
    const detail = { id: uuidv7(), type: 'file.created', tenantId: tenant, timestamp: new Date().toISOString(), data: {} };
    await expect(deliver({ ...busEvent(detail), source: 'aws.s3' })).rejects.toThrow();
    await expect(deliver(detail)).rejects.toThrow();
    await expect(deliver(busEvent({ ...detail, tenantId: '../x' }))).rejects.toThrow();
  });

  it('lists deliveries, retries one by the API route, and retry-webhooks sends it', async () => {
    const list = await call('deliveries', { params: { id: webhookId }, query: { limit: '10' } });
    expect(list.status).toBe(200);
    const { deliveries, nextCursor } = z.catchall(DeliveryList, z.never()).parse(list.body);
    expect(nextCursor).toBeNull();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ webhookId, status: 'succeeded', attempts: 1, lastStatusCode: 200 });

    const retried = await call('retry', { params: { id: webhookId, deliveryId: deliveries[0]!.id } });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: deliveries[0]!.id, status: 'pending' });
    expectError(await call('retry', { params: { id: webhookId, deliveryId: uuidv7() } }), 404, 'not_found');
    expectError(await call('retry', { token: tokens.otherAdmin, params: { id: webhookId, deliveryId: deliveries[0]!.id } }), 404, 'not_found');

    const before = received.length;
    answers.push(500);
    await retry({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, lambdaContext('medfiles-retry-webhooks'));
    expect(received.length).toBe(before + 1);
    const after = DeliveryList.parse((await call('deliveries', { params: { id: webhookId } })).body).deliveries[0]!;
    expect(after).toMatchObject({ status: 'pending', attempts: 2, lastStatusCode: 500 });
    expect(received.at(-1)!.headers['webhook-id']).toBe(received.at(-2)!.headers['webhook-id']);

    // One more after the 1 s delay: then it succeeds (the receiver answers 200 again).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await retry({});
    expect(DeliveryList.parse((await call('deliveries', { params: { id: webhookId } })).body).deliveries[0]).toMatchObject({
      status: 'succeeded',
      attempts: 3,
    });
    expect(await readFile(path.join(dir, 'dlq.jsonl'), 'utf8').catch(() => '')).toBe('');
  });
});
