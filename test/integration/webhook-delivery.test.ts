/**
 * Webhook delivery end to end, minus the bus: the real DynamoDB store (local server), the real HTTP sender, a
 * JSON-lines dead-letter file, and receivers made with node:http on 127.0.0.1. Time is a controllable clock
 * handed to the dispatcher (starting at the real time, so signatures verify), so retries with delays of
 * [1, 1] seconds are driven by calling `retryDue` after moving the clock, with no waiting.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileDeadLetterQueue } from '../../shared/adapters/dead-letter-queue.ts';
import { DynamoWebhookStore } from '../../shared/adapters/dynamo-webhook-store.ts';
import { HttpWebhookSender, lookupAllowing, TARGET_NOT_ALLOWED } from '../../shared/adapters/http-webhook-sender.ts';
import type { Caller } from '../../shared/domain/file.ts';
import { Sealer } from '../../shared/domain/sealing.ts';
import type { BusEventDetail } from '../../shared/domain/bus-event.ts';
import { WebhookDispatcher } from '../../shared/domain/webhooks/dispatcher.ts';
import type { DeliveryRecord, WebhookRecord } from '../../shared/domain/webhooks/records.ts';
import { webhookUseCases, type WebhookUseCases } from '../support/webhook-use-cases.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';

const TIMEOUT_MS = 400;

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A receiver on 127.0.0.1 answering each request with the next scripted step (the last one repeats). */
interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

type Step = number | 'hang' | { redirect: string };

async function receiver(steps: Step[]): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const step = steps[Math.min(received.length - 1, steps.length - 1)]!;
      if (step === 'hang') return; // never answers
      if (typeof step === 'object') {
        res.writeHead(302, { location: step.redirect }).end();
        return;
      }
      res.writeHead(step, { 'content-type': 'text/plain' }).end(step >= 400 ? 'secret internal details of the receiver' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/medfiles`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let clients: IntegrationClients;
let store: DynamoWebhookStore;
let dir: string;
let dlqFile: string;
let clock: Date;
let tenant: string;
let admin: Caller;
let registry: WebhookUseCases;
let dispatcher: WebhookDispatcher;
const receivers: Receiver[] = [];

const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

async function listen(steps: Step[]): Promise<Receiver> {
  const r = await receiver(steps);
  receivers.push(r);
  return r;
}

async function register(url: string, events: string[] = ['*'], description?: string): Promise<WebhookRecord> {
  return (await registry.createWebhook(admin, { url, events, ...(description ? { description } : {}) })).webhook;
}

function event(over: Partial<BusEventDetail> = {}): BusEventDetail {
  return {
    id: uuidv7(),
    type: 'file.created',
    tenantId: tenant,
    timestamp: clock.toISOString(),
    data: { fileId: uuidv7(), ownerId: 'patient-1', state: 'active', mimeType: 'image/jpeg', size: 2904221, category: 'user_document', fileRequestId: null },
    ...over,
  };
}

async function deliveriesOf(webhook: WebhookRecord): Promise<DeliveryRecord[]> {
  return (await registry.listDeliveries(admin, webhook.id, { limit: 25 })).deliveries;
}

async function deadLetters(): Promise<Record<string, unknown>[]> {
  const text = await readFile(dlqFile, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function makeDispatcher(options: { allowPrivateTargets?: boolean } = {}): WebhookDispatcher {
  return new WebhookDispatcher({
    store,
    sender: new HttpWebhookSender({ timeoutMs: TIMEOUT_MS, allowPrivateTargets: options.allowPrivateTargets ?? true }),
    deadLetters: new FileDeadLetterQueue(dlqFile),
    retryDelaysSeconds: [1, 1],
    timeoutSeconds: 1,
    now: () => clock,
    log: () => undefined,
  });
}

beforeAll(async () => {
  clients = makeIntegrationClients();
  store = new DynamoWebhookStore(clients.db, clients.table);
  dir = await mkdtemp(path.join(tmpdir(), 'medfiles-webhooks-'));
});

beforeEach(() => {
  // A tenant per test: registrations and deliveries never mix between tests.
  tenant = `wh-delivery-${uuidv7()}`;
  admin = { sub: 'admin-1', tenantId: tenant, role: 'admin', via: 'token' };
  dlqFile = path.join(dir, `${tenant}.jsonl`);
  clock = new Date();
  registry = webhookUseCases({
    store,
    resolver: { resolve: async () => ['127.0.0.1'] },
    sealer: new Sealer('integration-signing-secret-0123456789abcdef'),
    allowPrivateTargets: true,
    now: () => clock,
  });
  dispatcher = makeDispatcher();
});

afterEach(async () => {
  // Nothing of this test stays due for the next one: fail whatever is still pending.
  for (const webhook of await store.listWebhooks(tenant)) {
    for (const d of (await store.listDeliveries(tenant, webhook.id, { limit: 100 })).deliveries) {
      if (d.status === 'pending') await store.saveDelivery({ ...d, status: 'failed', nextAttemptAt: null, version: d.version + 1 }, d.version);
    }
  }
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  clients.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('a flaky receiver (500, 500, 200)', () => {
  it('gets exactly 3 attempts, the retries after the configured delays, all with the same webhook-id', async () => {
    const r = await listen([500, 500, 200]);
    const webhook = await register(r.url);
    const e = event();

    await dispatcher.deliverEvent(e);
    expect(r.received).toHaveLength(1);
    let [d] = await deliveriesOf(webhook);
    expect(d).toMatchObject({ eventId: e.id, eventType: 'file.created', status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'receiver answered 500' });
    expect(Date.parse(d!.nextAttemptAt!)).toBe(clock.getTime() + 1000);

    await dispatcher.retryDue(); // not due yet
    expect(r.received).toHaveLength(1);

    advance(1);
    await dispatcher.retryDue();
    expect(r.received).toHaveLength(2);
    [d] = await deliveriesOf(webhook);
    expect(d).toMatchObject({ status: 'pending', attempts: 2 });

    advance(1);
    await dispatcher.retryDue();
    expect(r.received).toHaveLength(3);
    [d] = await deliveriesOf(webhook);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });

    advance(60);
    await dispatcher.retryDue();
    expect(r.received).toHaveLength(3);

    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([e.id, e.id, e.id]);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    for (const x of r.received) {
      expect(x.headers['content-type']).toBe('application/json');
      expect(new Webhook(webhook.secret).verify(x.body, x.headers as Record<string, string>)).toEqual(JSON.parse(x.body));
    }
    expect(await deadLetters()).toEqual([]);
  });
});

describe('a dead receiver (always 503)', () => {
  it('gets 1 + delays attempts, then the delivery is failed with one dead-letter line of ids', async () => {
    const r = await listen([503]);
    const webhook = await register(r.url);
    const e = event();
    await dispatcher.deliverEvent(e);
    for (let i = 0; i < 5; i++) {
      advance(1);
      await dispatcher.retryDue();
    }
    expect(r.received).toHaveLength(3);
    const [d] = await deliveriesOf(webhook);
    expect(d).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 503, lastError: 'receiver answered 503', nextAttemptAt: null });
    expect(d!.lastError).not.toContain('secret internal');
    expect(await deadLetters()).toEqual([
      { tenantId: tenant, webhookId: webhook.id, deliveryId: d!.id, eventId: e.id, eventType: 'file.created', attempts: 3, failedAt: d!.updatedAt },
    ]);
  });

  it('delivers again after a manual retry, with a fresh budget and the same webhook-id', async () => {
    const r = await listen([503, 503, 503, 200]);
    const webhook = await register(r.url);
    const e = event();
    await dispatcher.deliverEvent(e);
    for (let i = 0; i < 3; i++) {
      advance(1);
      await dispatcher.retryDue();
    }
    let [d] = await deliveriesOf(webhook);
    expect(d).toMatchObject({ status: 'failed', attempts: 3 });

    advance(30);
    const retried = await registry.retryDelivery(admin, webhook.id, d!.id);
    expect(retried).toMatchObject({ status: 'pending', nextAttemptAt: clock.toISOString() });
    await dispatcher.retryDue();
    expect(r.received).toHaveLength(4);
    [d] = await deliveriesOf(webhook);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 4, lastStatusCode: 200 });
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([e.id, e.id, e.id, e.id]);
    expect(await deadLetters()).toHaveLength(1);
  });
});

describe('failed attempts without a 2xx', () => {
  it('does not follow a redirect: the attempt fails and the redirect target is never called', async () => {
    const target = await listen([200]);
    const r = await listen([{ redirect: target.url }]);
    const webhook = await register(r.url);
    await dispatcher.deliverEvent(event());
    expect(r.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
    const [d] = await deliveriesOf(webhook);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 302, lastError: 'redirect not followed' });
  });

  it('fails an attempt whose receiver hangs past the timeout, without holding up the other receivers', async () => {
    const hanging = await listen(['hang']);
    const fine = await listen([204]);
    const slow = await register(hanging.url);
    const ok = await register(fine.url);
    const started = Date.now();
    await dispatcher.deliverEvent(event());
    const took = Date.now() - started;

    expect(hanging.received).toHaveLength(1);
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(took).toBeLessThan(TIMEOUT_MS + 2000);
    expect(fine.received[0]!.at - started).toBeLessThan(TIMEOUT_MS);
    expect((await deliveriesOf(slow))[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: 'timeout after 0.4 s' });
    expect((await deliveriesOf(ok))[0]).toMatchObject({ status: 'succeeded', lastStatusCode: 204 });
  });

  it('fails an attempt to a closed port as a refused connection', async () => {
    const r = await listen([200]);
    const url = r.url;
    await r.close();
    const webhook = await register(url);
    await dispatcher.deliverEvent(event());
    expect((await deliveriesOf(webhook))[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: 'connection refused' });
  });
});

describe('targets (deployed settings: private targets refused)', () => {
  it('refuses loopback at connection time, for an IP literal and for a name that resolves to it', async () => {
    const r = await listen([200]);
    const port = new URL(r.url).port;
    const strict = makeDispatcher({ allowPrivateTargets: false });
    // Registered while allowed (as DNS rebinding would have it: the name was public when checked).
    const literal = await register(r.url);
    const named = await register(`http://localhost:${port}/hooks`);
    const mapped = await register(`http://[::ffff:127.0.0.1]:${port}/hooks`);
    await strict.deliverEvent(event());
    expect(r.received).toHaveLength(0);
    for (const webhook of [literal, named, mapped]) {
      expect((await deliveriesOf(webhook))[0], webhook.url).toMatchObject({ status: 'pending', attempts: 1, lastError: TARGET_NOT_ALLOWED, lastStatusCode: null });
    }
  });

  it('connects through the filtering lookup to an address it allows (both lookup forms)', async () => {
    const r = await listen([200]);
    const port = new URL(r.url).port;
    const loopbackOnly = lookupAllowing((address) => address === '127.0.0.1');
    for (const autoSelectFamily of [true, false]) {
      // `autoSelectFamily` (a net.connect option) decides whether the socket asks the lookup for one address or all.
      const options: http.RequestOptions & { autoSelectFamily: boolean } = {
        host: 'localhost', port, path: '/hooks', method: 'POST', agent: false, lookup: loopbackOnly, autoSelectFamily,
      };
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(options, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{}');
      });
      expect(status, `autoSelectFamily: ${autoSelectFamily}`).toBe(200);
    }
    expect(r.received).toHaveLength(2);
    const nothingAllowed = lookupAllowing(() => false);
    const refused = await new Promise<string | undefined>((resolve) => {
      const req = http.request({ host: 'localhost', port, method: 'POST', agent: false, lookup: nothingAllowed }, () => resolve(undefined));
      req.on('error', (error) => resolve(error.message));
      req.end();
    });
    expect(refused).toBe(TARGET_NOT_ALLOWED);
    expect(r.received).toHaveLength(2);
  });

  it('refuses loopback and private targets at registration', async () => {
    const strictRegistry = webhookUseCases({
      store,
      resolver: { resolve: async (host) => (host === 'rebind.example' ? ['10.0.0.7'] : ['93.184.215.14']) },
      sealer: new Sealer('integration-signing-secret-0123456789abcdef'),
      allowPrivateTargets: false,
      now: () => clock,
    });
    for (const url of ['http://127.0.0.1:9/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'https://rebind.example/x', 'http://[::ffff:192.168.1.1]/']) {
      await expect(strictRegistry.createWebhook(admin, { url, events: ['*'] }), url).rejects.toMatchObject({ status: 422, details: [{ path: 'url', message: expect.any(String) }] });
    }
    await expect(strictRegistry.createWebhook(admin, { url: 'https://hooks.example.com/x', events: ['*'] })).resolves.toMatchObject({ secret: expect.stringMatching(/^whsec_/) });
  });
});

describe('what is sent', () => {
  it('posts { id, type, timestamp, tenantId, data } with ids and non-personal fields only', async () => {
    const r = await listen([200]);
    await register(r.url, ['*'], 'Dr. Example’s EHR bridge');
    const e = event({ data: { fileId: uuidv7(), ownerId: 'patient-1', size: 12, originalName: 'rash-left-arm.jpg', description: 'itchy since Monday' } });
    await dispatcher.deliverEvent(e);
    const body = JSON.parse(r.received[0]!.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['id', 'type', 'timestamp', 'tenantId', 'data']);
    expect(body).toEqual({ id: e.id, type: e.type, timestamp: e.timestamp, tenantId: tenant, data: { fileId: e.data.fileId, ownerId: 'patient-1', size: 12 } });
    for (const text of ['rash', 'itchy', 'Example', 'originalName', 'description']) expect(r.received[0]!.body).not.toContain(text);
    expect(r.received[0]!.headers['user-agent']).toMatch(/^MedFiles-Webhooks\//);
  });

  it('sends only matching event types to active webhooks of the event’s tenant', async () => {
    const all = await listen([200]);
    const created = await listen([200]);
    const updated = await listen([200]);
    const paused = await listen([200]);
    await register(all.url);
    await register(created.url, ['file.created']);
    await register(updated.url, ['file.updated', 'file-request.files.updated']);
    const pausedHook = await register(paused.url);
    await registry.updateWebhook(admin, pausedHook.id, { active: false });

    await dispatcher.deliverEvent(event({ type: 'file.created' }));
    await dispatcher.deliverEvent(event({ type: 'file-request.files.updated', data: { fileRequestId: uuidv7(), ownerId: 'p', fileIds: [uuidv7()], fileCount: 1 } }));
    await dispatcher.deliverEvent(event({ type: 'file.created', tenantId: `${tenant}-other` }));

    expect(all.received.map((x) => (JSON.parse(x.body) as { type: string }).type)).toEqual(['file.created', 'file-request.files.updated']);
    expect(created.received.map((x) => (JSON.parse(x.body) as { type: string }).type)).toEqual(['file.created']);
    expect(updated.received.map((x) => (JSON.parse(x.body) as { type: string }).type)).toEqual(['file-request.files.updated']);
    expect(paused.received).toHaveLength(0);
  });

  it('delivers an event the bus sends twice only once', async () => {
    const r = await listen([200]);
    const webhook = await register(r.url);
    const e = event();
    await dispatcher.deliverEvent(e);
    await dispatcher.deliverEvent(e);
    expect(r.received).toHaveLength(1);
    expect(await deliveriesOf(webhook)).toHaveLength(1);
  });
});

describe('pollers', () => {
  it('never send the same attempt twice when several run at once', async () => {
    const r = await listen([500, 500, 500, 200]);
    const webhook = await register(r.url);
    for (let i = 0; i < 3; i++) await dispatcher.deliverEvent(event());
    expect(r.received).toHaveLength(3);
    advance(1);
    await Promise.all([makeDispatcher().retryDue(), makeDispatcher().retryDue(), makeDispatcher().retryDue()]);
    expect(r.received).toHaveLength(6);
    expect((await deliveriesOf(webhook)).map((d) => [d.status, d.attempts])).toEqual([
      ['succeeded', 2],
      ['succeeded', 2],
      ['succeeded', 2],
    ]);
  });

  it('pick up a delivery whose first attempt never happened (the function died) once its claim lapses', async () => {
    const r = await listen([200]);
    const webhook = await register(r.url);
    const summary = await dispatcher.deliverEvent(event(), { remainingMs: () => 0 });
    expect(summary).toMatchObject({ created: 1, attempted: 0 });
    expect(r.received).toHaveLength(0);
    advance(60);
    await dispatcher.retryDue();
    expect(r.received).toHaveLength(0);
    advance(1); // the 1 s timeout plus the 60 s claim margin have passed
    await dispatcher.retryDue();
    expect(r.received).toHaveLength(1);
    expect((await deliveriesOf(webhook))[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
