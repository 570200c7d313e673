/**
 * Webhooks and expiry end to end: a runtime started as `npm start` (fast retry delays and expiry sweeps), real
 * HTTP receivers on loopback, signatures checked with the `standardwebhooks` package.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, newTenant, type Role } from '../support/e2e-client.ts';
import { startRuntime, type Runtime } from '../support/e2e-runtime.ts';
import { until } from '../support/until.ts';

const SECRET = 'e2e-webhooks-secret-0123456789abcdefghijklmnop';
const DELAYS = [1, 1, 1];
const runtimeEnv = { MEDFILES_WEBHOOK_RETRY_DELAYS: DELAYS.join(','), MEDFILES_EXPIRY_SWEEP_SECONDS: '1' };

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that answers each request with the next status of `statuses` (the last repeats). */
async function receiver(statuses: number[] | ((n: number) => number | Promise<number>)): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
  server: Server;
}> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', async () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const n = received.length;
      const status = typeof statuses === 'function' ? await statuses(n) : statuses[Math.min(n - 1, statuses.length - 1)]!;
      if (status >= 300 && status < 400) res.writeHead(status, { location: `${url}/elsewhere` });
      else res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    server,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}


let runtime: Runtime;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'medfiles-e2e-webhooks-'));
  runtime = await startRuntime({ dataDir, jwtSecret: SECRET, env: runtimeEnv });
});
afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function as(tenant: string, role: Role, sub = `${role}-1`) {
  const token = await mintToken({ tenant, sub, role }, { secret: SECRET });
  const request = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
  };
  return { request };
}

async function setUp(label: string, target: string, events: string[] = ['*']) {
  const tenant = newTenant(label);
  const admin = await as(tenant, 'admin');
  const provider = await as(tenant, 'provider');
  const created = await admin.request('/v1/webhooks', { method: 'POST', body: { url: `${target}/hook`, events } });
  expect(created.status, created.text).toBe(201);
  const webhook = created.json as { id: string; secret: string };
  expect(webhook.secret).toMatch(/^whsec_/);
  return { tenant, admin, provider, webhook };
}

const upload = (client: Awaited<ReturnType<typeof as>>, extra: Record<string, unknown> = {}) =>
  client.request('/v1/files', {
    method: 'POST',
    body: {
      description: 'itchy rash on the left arm',
      ...extra,
      files: [{ name: 'Jane Doe rash.txt', contents: Buffer.from('rash photo notes').toString('base64') }],
    },
  });

function verify(secret: string, got: Received): { id: string; type: string; data: Record<string, unknown> } {
  const headers = {
    'webhook-id': String(got.headers['webhook-id']),
    'webhook-timestamp': String(got.headers['webhook-timestamp']),
    'webhook-signature': String(got.headers['webhook-signature']),
  };
  return new Webhook(secret).verify(got.body, headers) as { id: string; type: string; data: Record<string, unknown> };
}

async function deliveriesOf(admin: Awaited<ReturnType<typeof as>>, webhookId: string) {
  const res = await admin.request(`/v1/webhooks/${webhookId}/deliveries`);
  expect(res.status).toBe(200);
  return (res.json as { deliveries: { id: string; eventType: string; status: string; attempts: number; lastStatusCode: number | null }[] })
    .deliveries;
}

// The slow cases wait for retries and sweeps of one second each: they run at the same time (each has its own
// tenant, webhook and receiver), so the file takes as long as its slowest case, not their sum.
describe('webhook delivery against npm start', () => {
  it.concurrent('retries a flaky receiver (500, 500, 200): exactly 3 attempts, one webhook-id, each signature verifies', async () => {
    const hook = await receiver([500, 500, 200]);
    try {
      const { provider, admin, webhook } = await setUp('flaky', hook.url, ['file.created']);
      expect((await upload(provider)).status).toBe(201);
      const delivery = await until('a succeeded delivery', async () =>
        (await deliveriesOf(admin, webhook.id)).find((d) => d.status === 'succeeded'),
      );
      expect(delivery).toMatchObject({ eventType: 'file.created', attempts: 3, lastStatusCode: 200 });
      await new Promise((r) => setTimeout(r, 1500)); // nothing more may come
      expect(hook.received).toHaveLength(3);
      expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
      for (const got of hook.received) expect(verify(webhook.secret, got).type).toBe('file.created');
    } finally {
      await hook.close();
    }
  });

  it.concurrent('gives up on a dead receiver after 1 + delays attempts: failed, in the dead-letter file, then redelivered by hand', async () => {
    let healthy = false;
    const hook = await receiver(() => (healthy ? 204 : 500));
    try {
      const { provider, admin, webhook } = await setUp('dead', hook.url, ['file.created']);
      expect((await upload(provider)).status).toBe(201);
      const failed = await until('a failed delivery', async () =>
        (await deliveriesOf(admin, webhook.id)).find((d) => d.status === 'failed'),
      );
      expect(failed).toMatchObject({ attempts: 1 + DELAYS.length, lastStatusCode: 500 });
      expect(hook.received).toHaveLength(1 + DELAYS.length);
      const deadLetters = readFileSync(join(dataDir, 'webhook-dead-letters.jsonl'), 'utf8');
      expect(deadLetters).toContain(failed.id);
      expect(deadLetters).not.toContain('Jane Doe');

      healthy = true;
      const retried = await admin.request(`/v1/webhooks/${webhook.id}/deliveries/${failed.id}/retry`, { method: 'POST' });
      expect(retried.status).toBe(202);
      const redelivered = await until('the redelivery', async () =>
        (await deliveriesOf(admin, webhook.id)).find((d) => d.id === failed.id && d.status === 'succeeded'),
      );
      expect(redelivered.lastStatusCode).toBe(204);
      expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    } finally {
      await hook.close();
    }
  });

  it.concurrent('does not follow redirects: a 302 is a failed attempt and its target is never called', async () => {
    const hook = await receiver([302]);
    try {
      const { provider, admin, webhook } = await setUp('redirect', hook.url, ['file.created']);
      expect((await upload(provider)).status).toBe(201);
      await until('a failed delivery', async () => (await deliveriesOf(admin, webhook.id)).find((d) => d.status === 'failed'));
      expect(hook.received.map((r) => r.path)).toEqual(Array(1 + DELAYS.length).fill('/hook'));
    } finally {
      await hook.close();
    }
  });

  it('answers uploads while a receiver is still holding its delivery', async () => {
    let release!: () => void;
    const held = new Promise<number>((r) => (release = () => r(200)));
    const hook = await receiver(() => held);
    try {
      const { provider } = await setUp('slow', hook.url, ['file.created']);
      const first = await upload(provider);
      expect(first.status).toBe(201);
      await until('the held delivery to arrive', () => (hook.received.length > 0 ? true : undefined));
      const second = await upload(provider);
      expect(second.status, 'answered while the receiver still holds the first delivery').toBe(201);
    } finally {
      release();
      await hook.close();
    }
  });

  it('sends ids and non-personal fields only: no file name, description or request message', async () => {
    const hook = await receiver([200]);
    try {
      const { provider, webhook } = await setUp('privacy', hook.url, ['*']);
      const created = await upload(provider, { ownerId: 'patient-9' });
      expect(created.status).toBe(201);
      const fileId = created.json.files[0].id as string;
      const renamed = await provider.request(`/v1/files/${fileId}`, { method: 'PATCH', body: { originalName: 'John Roe scan.txt' } });
      expect(renamed.status).toBe(200);
      const request = await provider.request('/v1/file-requests', {
        method: 'POST',
        body: { ownerId: 'patient-9', message: 'Photos of the rash on Jane Doe, please' },
      });
      expect(request.status).toBe(201);
      await until('three events', () => (hook.received.length >= 3 ? true : undefined));
      const all = hook.received.map((r) => r.body).join('\n');
      for (const secretText of ['Jane Doe', 'John Roe', 'itchy rash', 'Photos of the rash']) expect(all).not.toContain(secretText);
      const types = hook.received.map((r) => verify(webhook.secret, r).type);
      expect(types).toEqual(expect.arrayContaining(['file.created', 'file.updated', 'file-request.created']));
      const createdEvent = hook.received.map((r) => verify(webhook.secret, r)).find((e) => e.type === 'file.created')!;
      expect(createdEvent.data).toMatchObject({ fileId, ownerId: 'patient-9' });
    } finally {
      await hook.close();
    }
  });

  it.concurrent('expires a file on time: 404 and unlisted from expiresAt, then removed and file.expired delivered', async () => {
    const hook = await receiver([200]);
    try {
      const { provider, webhook } = await setUp('expiry', hook.url, ['file.expired']);
      const created = await upload(provider, { expiryInterval: 2 });
      expect(created.status).toBe(201);
      const file = created.json.files[0] as { id: string; expiresAt: string; createdAt: string };
      expect(Date.parse(file.expiresAt) - Date.parse(file.createdAt)).toBe(2000);
      const expired = await until('file.expired', () => hook.received.find((r) => verify(webhook.secret, r).type === 'file.expired'));
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(file.expiresAt));
      expect(verify(webhook.secret, expired).data).toMatchObject({ fileId: file.id });
      expect((await provider.request(`/v1/files/${file.id}`)).status).toBe(404);
      expect((await provider.request(`/v1/files/${file.id}/content`)).status).toBe(404);
      const listed = await provider.request('/v1/files?state=all');
      expect(listed.json.files.map((f: { id: string }) => f.id)).not.toContain(file.id);
    } finally {
      await hook.close();
    }
  });
});

describe('restarting npm start mid-retry', () => {
  it('loses no pending delivery: it is sent after the restart', async () => {
    let healthy = false;
    const hook = await receiver(() => (healthy ? 200 : 503));
    const dir = mkdtempSync(join(tmpdir(), 'medfiles-e2e-restart-'));
    // Long enough delays that the retries are still pending when the runtime stops.
    let first: Runtime | undefined = await startRuntime({ dataDir: dir, jwtSecret: SECRET, env: { MEDFILES_WEBHOOK_RETRY_DELAYS: '3,3' } });
    let second: Runtime | undefined;
    try {
      const tenant = newTenant('restart');
      const admin = await mintToken({ tenant, sub: 'admin-1', role: 'admin' }, { secret: SECRET });
      const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
      const webhook = (await (
        await fetch(`${first.url}/v1/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: `${hook.url}/hook`, events: ['file.created'] }) })
      ).json()) as { id: string };
      const created = await fetch(`${first.url}/v1/files`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ files: [{ name: 'a.txt', contents: Buffer.from('a').toString('base64') }] }),
      });
      expect(created.status).toBe(201);
      await until('the first, failed attempt', () => (hook.received.length >= 1 ? true : undefined));
      await first.stop();
      first = undefined;

      healthy = true;
      second = await startRuntime({ dataDir: dir, jwtSecret: SECRET, env: { MEDFILES_WEBHOOK_RETRY_DELAYS: '3,3' } });
      const url = second.url;
      const done = await until('the delivery to succeed after the restart', async () => {
        const res = await fetch(`${url}/v1/webhooks/${webhook.id}/deliveries`, { headers });
        const { deliveries } = (await res.json()) as { deliveries: { status: string; attempts: number }[] };
        return deliveries.find((d) => d.status === 'succeeded');
      });
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      expect(hook.received.at(-1)!.headers['webhook-id']).toBe(hook.received[0]!.headers['webhook-id']);
    } finally {
      await first?.stop();
      await second?.stop();
      await hook.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
