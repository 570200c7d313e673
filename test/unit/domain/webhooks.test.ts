/**
 * Webhooks without I/O: request validation, event matching, the retry schedule, Standard Webhooks signatures,
 * target address classification (SSRF), and WebhookService / WebhookDispatcher on an in-memory store with a
 * scripted sender and a controllable clock.
 */
import { Webhook } from 'standardwebhooks';
import { validate as isValidUuid, version as uuidVersion } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from '../../../shared/domain/errors.ts';
import type { Caller } from '../../../shared/domain/file.ts';
import { Sealer } from '../../../shared/domain/sealing.ts';
import {
  afterAttempt,
  afterFailure,
  classifyAddress,
  CreateWebhookBody,
  deliveryIdFor,
  maxAttempts,
  newWebhookSecret,
  payloadOf,
  PatchWebhookBody,
  signedHeaders,
  targetIssues,
  toWebhookResource,
  wantsEvent,
  WEBHOOK_EVENT_TYPES,
  WebhookDispatcher,
  WebhookService,
  type AttemptResult,
  type BusEventDetail,
  type DeadLetter,
  type DeliveryKey,
  type DeliveryRecord,
  type DeliveryRequest,
  type DueDelivery,
  type HostResolver,
  type WebhookRecord,
  type WebhookStore,
} from '../../../shared/domain/webhooks.ts';
import { zodIssues } from '../../../shared/domain/validation.ts';

// ---- In-memory ports ------------------------------------------------------------------------------------------

/** The store's contract in memory: versions checked on every write, the schedule derived from pending records. */
class InMemoryWebhookStore implements WebhookStore {
  readonly webhooks = new Map<string, WebhookRecord>();
  readonly deliveries = new Map<string, DeliveryRecord>();

  #wk = (tenantId: string, id: string) => `${tenantId}/${id}`;
  #dk = (k: DeliveryKey) => `${k.tenantId}/${k.webhookId}/${k.id}`;

  async createWebhook(webhook: WebhookRecord): Promise<void> {
    this.webhooks.set(this.#wk(webhook.tenantId, webhook.id), structuredClone(webhook));
  }
  async getWebhook(tenantId: string, id: string): Promise<WebhookRecord | null> {
    return structuredClone(this.webhooks.get(this.#wk(tenantId, id)) ?? null);
  }
  async listWebhooks(tenantId: string): Promise<WebhookRecord[]> {
    return [...this.webhooks.values()].filter((w) => w.tenantId === tenantId).map((w) => structuredClone(w));
  }
  async replaceWebhook(webhook: WebhookRecord, expectedVersion: number): Promise<boolean> {
    const current = this.webhooks.get(this.#wk(webhook.tenantId, webhook.id));
    if (current?.version !== expectedVersion) return false;
    this.webhooks.set(this.#wk(webhook.tenantId, webhook.id), structuredClone(webhook));
    return true;
  }
  async deleteWebhook(tenantId: string, id: string): Promise<boolean> {
    return this.webhooks.delete(this.#wk(tenantId, id));
  }
  async createDelivery(delivery: DeliveryRecord): Promise<boolean> {
    if (this.deliveries.has(this.#dk(delivery))) return false;
    this.deliveries.set(this.#dk(delivery), structuredClone(delivery));
    return true;
  }
  async getDelivery(key: DeliveryKey): Promise<DeliveryRecord | null> {
    return structuredClone(this.deliveries.get(this.#dk(key)) ?? null);
  }
  async listDeliveries(tenantId: string, webhookId: string, page: { limit: number; before?: string }) {
    const all = [...this.deliveries.values()]
      .filter((d) => d.tenantId === tenantId && d.webhookId === webhookId && (page.before === undefined || d.id < page.before))
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    return { deliveries: all.slice(0, page.limit).map((d) => structuredClone(d)), more: all.length > page.limit };
  }
  async saveDelivery(delivery: DeliveryRecord, expectedVersion: number): Promise<boolean> {
    if (this.deliveries.get(this.#dk(delivery))?.version !== expectedVersion) return false;
    this.deliveries.set(this.#dk(delivery), structuredClone(delivery));
    return true;
  }
  async claimDelivery(key: DeliveryKey, expectedVersion: number, leaseUntil: string): Promise<DeliveryRecord | null> {
    await Promise.resolve();
    const current = this.deliveries.get(this.#dk(key));
    if (!current || current.status !== 'pending' || current.version !== expectedVersion) return null;
    const claimed = { ...current, version: expectedVersion + 1, nextAttemptAt: leaseUntil };
    this.deliveries.set(this.#dk(key), claimed);
    return structuredClone(claimed);
  }
  async dueDeliveries(now: string, limit: number): Promise<DueDelivery[]> {
    return [...this.deliveries.values()]
      .filter((d) => d.status === 'pending' && d.nextAttemptAt !== null && d.nextAttemptAt <= now)
      .sort((a, b) => (a.nextAttemptAt! < b.nextAttemptAt! ? -1 : 1))
      .slice(0, limit)
      .map(({ tenantId, webhookId, id, version }) => ({ tenantId, webhookId, id, version }));
  }
}

type Responder = (request: DeliveryRequest) => Promise<AttemptResult> | AttemptResult;

/** Records every request; answers per URL with a scripted responder (default: 200). */
class ScriptedSender {
  readonly requests: DeliveryRequest[] = [];
  readonly #responders = new Map<string, Responder>();
  inFlight = 0;
  maxInFlight = 0;

  on(url: string, responder: Responder): void {
    this.#responders.set(url, responder);
  }

  async send(request: DeliveryRequest): Promise<AttemptResult> {
    this.requests.push(request);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await (this.#responders.get(request.url) ?? (() => ({ ok: true, statusCode: 200 }) as const))(request);
    } finally {
      this.inFlight -= 1;
    }
  }

  to(url: string): DeliveryRequest[] {
    return this.requests.filter((r) => r.url === url);
  }
}

class RecordingDeadLetters {
  readonly letters: DeadLetter[] = [];
  async send(letter: DeadLetter): Promise<void> {
    this.letters.push(letter);
  }
}

const status = (code: number): AttemptResult =>
  code >= 200 && code < 300 ? { ok: true, statusCode: code } : { ok: false, statusCode: code, error: `receiver answered ${code}`, transport: false };

const admin: Caller = { sub: 'admin-1', tenantId: 't1', role: 'admin', via: 'token' };
const service: Caller = { sub: 'svc-1', tenantId: 't1', role: 'service', via: 'token' };
const provider: Caller = { sub: 'provider-7', tenantId: 't1', role: 'provider', via: 'token' };
const patient: Caller = { sub: 'patient-1', tenantId: 't1', role: 'patient', via: 'token' };
const otherAdmin: Caller = { sub: 'admin-9', tenantId: 't2', role: 'admin', via: 'token' };

const publicResolver: HostResolver = { resolve: async () => ['93.184.215.14'] };

async function issuesOfAsync(run: () => Promise<unknown>): Promise<FieldIssue[]> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ValidationError) return error.details;
    throw error;
  }
  return expect.fail('expected a ValidationError');
}

function parseIssues(schema: typeof CreateWebhookBody | typeof PatchWebhookBody, input: unknown): FieldIssue[] {
  const result = schema.safeParse(input);
  return result.success ? [] : zodIssues(result.error);
}

// ---- Validation -----------------------------------------------------------------------------------------------

describe('CreateWebhookBody', () => {
  it('takes a URL, event types and an optional description', () => {
    expect(parseIssues(CreateWebhookBody, { url: 'https://hooks.example.com/medfiles', events: ['file.created', 'file-request.files.updated'] })).toEqual([]);
    expect(parseIssues(CreateWebhookBody, { url: 'http://hooks.example.com:8080/x?y=1', events: ['*'], description: 'EHR sync' })).toEqual([]);
    for (const type of WEBHOOK_EVENT_TYPES) expect(parseIssues(CreateWebhookBody, { url: 'https://a.example/', events: [type] })).toEqual([]);
  });

  it.each([
    ['a relative URL', '/hooks'],
    ['no scheme', 'hooks.example.com/x'],
    ['ftp', 'ftp://hooks.example.com/x'],
    ['javascript', 'javascript:alert(1)'],
    ['a scheme without slashes', 'http:hooks.example.com'],
    ['credentials', 'https://user:pass@hooks.example.com/'],
    ['a user name alone', 'https://user@hooks.example.com/'],
    ['a newline the parser would drop', 'https://hooks.exa\nmple.com/'],
    ['surrounding spaces', ' https://hooks.example.com/'],
    ['over 2048 characters', `https://hooks.example.com/${'a'.repeat(2030)}`],
    ['not a string', 42],
  ])('refuses %s as url', (_what, url) => {
    const issues = parseIssues(CreateWebhookBody, { url, events: ['*'] });
    expect(issues.map((i) => i.path)).toEqual(['url']);
  });

  it('accepts exactly 2048 characters', () => {
    const url = `https://hooks.example.com/${'a'.repeat(2048 - 'https://hooks.example.com/'.length)}`;
    expect(url).toHaveLength(2048);
    expect(parseIssues(CreateWebhookBody, { url, events: ['*'] })).toEqual([]);
  });

  it('refuses unknown event types, each at its index', () => {
    const issues = parseIssues(CreateWebhookBody, { url: 'https://a.example/', events: ['file.created', 'file.exploded', 'FILE.CREATED'] });
    expect(issues.map((i) => i.path)).toEqual(['events.1', 'events.2']);
    expect(issues[0]!.message).toContain('unknown event type');
  });

  it.each([
    ['empty', []],
    ['"*" with others', ['*', 'file.created']],
    ['repeated types', ['file.created', 'file.created']],
    ['not a list', 'file.created'],
    ['"*" twice', ['*', '*']],
  ])('refuses events that are %s', (_what, events) => {
    expect(parseIssues(CreateWebhookBody, { url: 'https://a.example/', events }).map((i) => i.path)).toEqual(['events']);
  });

  it('lists every offending field at once, and unknown fields', () => {
    const issues = parseIssues(CreateWebhookBody, { url: 'ftp://x', events: [], description: 7, secret: 'mine' });
    expect(issues.map((i) => i.path).sort()).toEqual(['(body)', 'description', 'events', 'url']);
  });

  it('requires url and events; PATCH requires neither', () => {
    expect(parseIssues(CreateWebhookBody, {}).map((i) => i.path).sort()).toEqual(['events', 'url']);
    expect(parseIssues(PatchWebhookBody, {})).toEqual([]);
    expect(parseIssues(PatchWebhookBody, { active: 'no', events: ['nope'] }).map((i) => i.path).sort()).toEqual(['active', 'events.0']);
  });
});

// ---- Matching, schedule, signatures ------------------------------------------------------------------------------

describe('wantsEvent', () => {
  const webhook = (events: string[], active = true) => ({ events, active });

  it('"*" matches every contract event type', () => {
    for (const type of WEBHOOK_EVENT_TYPES) expect(wantsEvent(webhook(['*']), type)).toBe(true);
  });

  it('an explicit list matches exactly its types', () => {
    const w = webhook(['file.created', 'file-request.files.updated']);
    expect(wantsEvent(w, 'file.created')).toBe(true);
    expect(wantsEvent(w, 'file-request.files.updated')).toBe(true);
    expect(wantsEvent(w, 'file.updated')).toBe(false);
    expect(wantsEvent(w, 'file-request.updated')).toBe(false);
    expect(wantsEvent(w, 'file')).toBe(false);
  });

  it('matches nothing when inactive, and never a type outside the contract, even with "*"', () => {
    expect(wantsEvent(webhook(['*'], false), 'file.created')).toBe(false);
    expect(wantsEvent(webhook(['*']), 'file.exploded')).toBe(false);
    expect(wantsEvent(webhook(['*']), '*')).toBe(false);
  });
});

describe('retry schedule', () => {
  const at = new Date('2026-11-22T15:04:05.123Z');

  it('allows 1 + the number of delays attempts', () => {
    expect(maxAttempts([1, 2, 4])).toBe(4);
    expect(maxAttempts([60, 300, 1800, 7200, 21600, 64800])).toBe(7);
    expect(maxAttempts([5])).toBe(2);
  });

  it('waits delays[n-1] after the n-th failed attempt, then fails after the last', () => {
    const delays = [1, 2, 4];
    expect(afterFailure(1, delays, at)).toEqual({ status: 'pending', nextAttemptAt: '2026-11-22T15:04:06.123Z' });
    expect(afterFailure(2, delays, at)).toEqual({ status: 'pending', nextAttemptAt: '2026-11-22T15:04:07.123Z' });
    expect(afterFailure(3, delays, at)).toEqual({ status: 'pending', nextAttemptAt: '2026-11-22T15:04:09.123Z' });
    expect(afterFailure(4, delays, at)).toEqual({ status: 'failed', nextAttemptAt: null });
  });

  it('spans over 24 hours with the default delays', () => {
    const delays = [60, 300, 1800, 7200, 21600, 64800];
    let t = at;
    for (let n = 1; n < maxAttempts(delays); n++) {
      const next = afterFailure(n, delays, t);
      expect(next.status).toBe('pending');
      t = new Date(next.nextAttemptAt!);
    }
    expect(afterFailure(maxAttempts(delays), delays, t).status).toBe('failed');
    expect(t.getTime() - at.getTime()).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  const delivery = (over: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
    tenantId: 't1', webhookId: 'w', id: 'd', eventId: 'e', eventType: 'file.created', body: '{}', status: 'pending',
    attempts: 0, budgetStart: 0, lastStatusCode: null, lastError: null, nextAttemptAt: at.toISOString(),
    createdAt: at.toISOString(), updatedAt: at.toISOString(), version: 2, ...over,
  });

  it('afterAttempt counts the attempt, records status and error, and bumps the version', () => {
    const failed = afterAttempt(delivery(), status(500), at, [1, 1]);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'receiver answered 500', version: 3 });
    expect(failed.nextAttemptAt).toBe('2026-11-22T15:04:06.123Z');

    const ok = afterAttempt(failed, status(204), at, [1, 1]);
    expect(ok).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 204, lastError: null, nextAttemptAt: null });

    const timeout = afterAttempt(delivery(), { ok: false, statusCode: null, error: 'timeout after 10 s', transport: true }, at, [1]);
    expect(timeout).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: 'timeout after 10 s' });
  });

  it('fails after the last attempt of the budget; a manual retry starts a fresh budget', () => {
    let d = delivery();
    for (let i = 0; i < 3; i++) d = afterAttempt(d, status(503), at, [1, 1]);
    expect(d).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });

    // What a manual retry stores: the budget starts at the attempts made so far.
    d = { ...d, status: 'pending', budgetStart: d.attempts, nextAttemptAt: at.toISOString() };
    d = afterAttempt(d, status(503), at, [1, 1]);
    expect(d).toMatchObject({ status: 'pending', attempts: 4 });
    d = afterAttempt(d, status(503), at, [1, 1]);
    d = afterAttempt(d, status(503), at, [1, 1]);
    expect(d).toMatchObject({ status: 'failed', attempts: 6 });
  });
});

describe('signatures (Standard Webhooks)', () => {
  const body = payloadOf({ id: 'evt-1', type: 'file.created', tenantId: 't1', timestamp: '2026-01-01T00:00:00.000Z', data: { fileId: 'f1' } });

  it('makes secrets of the form whsec_ + base64 of 32 bytes, each new', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('verifies with the standardwebhooks package', () => {
    const secret = newWebhookSecret();
    const headers = signedHeaders(secret, 'evt-1', new Date(), body);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('does not verify with another secret, another body or another id', () => {
    const secret = newWebhookSecret();
    const headers = signedHeaders(secret, 'evt-1', new Date(), body);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('f1', 'f2'), headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt-2' })).toThrow();
  });

  it('signs "{id}.{timestamp}.{body}" with HMAC-SHA256 at the attempt time (seconds)', async () => {
    const { createHmac } = await import('node:crypto');
    const secret = newWebhookSecret();
    const at = new Date('2026-11-22T15:04:05.999Z');
    const headers = signedHeaders(secret, 'evt-1', at, body);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`evt-1.${headers['webhook-timestamp']}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });
});

describe('payloadOf', () => {
  it('is { id, type, timestamp, tenantId, data } and drops names, descriptions and messages at any depth', () => {
    const body = JSON.parse(
      payloadOf({
        id: 'evt-1', type: 'file.created', tenantId: 't1', timestamp: '2026-01-01T00:00:00.000Z',
        data: {
          fileId: 'f1', ownerId: 'patient-1', size: 3, originalName: 'rash.jpg', description: 'left arm',
          files: [{ fileId: 'f2', name: 'x.png', message: 'hi' }], nested: { note: 'n', mimeType: 'image/png' },
        },
      }),
    ) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['id', 'type', 'timestamp', 'tenantId', 'data']);
    expect(body.data).toEqual({ fileId: 'f1', ownerId: 'patient-1', size: 3, files: [{ fileId: 'f2' }], nested: { mimeType: 'image/png' } });
  });
});

describe('deliveryIdFor', () => {
  const event = { id: 'evt-1', timestamp: '2026-01-01T00:00:00.000Z' };

  it('is a UUIDv7 carrying the event time, the same for the same event and webhook', () => {
    const id = deliveryIdFor(event, 'w1');
    expect(isValidUuid(id)).toBe(true);
    expect(uuidVersion(id)).toBe(7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse(event.timestamp));
    expect(deliveryIdFor(event, 'w1')).toBe(id);
  });

  it('differs per webhook and per event', () => {
    const id = deliveryIdFor(event, 'w1');
    expect(deliveryIdFor(event, 'w2')).not.toBe(id);
    expect(deliveryIdFor({ ...event, id: 'evt-2' }, 'w1')).not.toBe(id);
  });
});

// ---- SSRF ------------------------------------------------------------------------------------------------------

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['192.169.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
  ])('IPv4 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['[2606:4700:4700::1111]', 'public'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'private'],
    ['fec0::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('IPv6 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:0a00:0001', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:7f00:0001::1', 'loopback'],
    ['2002:0808:0808::1', 'public'],
  ])('IPv4-mapped / embedded %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(['localhost', 'example.com', '', '1.2.3', '256.1.1.1', '::g', '1:2:3:4:5:6:7:8:9', '01.02.03.04x'])('%j is not an IP address', (text) => {
    expect(classifyAddress(text)).toBeNull();
  });
});

describe('targetIssues', () => {
  const resolverOf = (addresses: string[] | Error): HostResolver => ({
    resolve: async () => {
      if (addresses instanceof Error) throw addresses;
      return addresses;
    },
  });

  it('refuses IP literals that are not public, whatever DNS says', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://[::1]/', 'http://169.254.169.254/latest', 'http://[::ffff:10.0.0.1]/', 'http://0.0.0.0/', 'http://2130706433/', 'http://0x7f.1/']) {
      const issues = await targetIssues(url, publicResolver);
      expect(issues, url).toHaveLength(1);
      expect(issues[0]!.path).toBe('url');
    }
  });

  it('allows public IP literals and host names that resolve to public addresses only', async () => {
    expect(await targetIssues('https://93.184.215.14/hook', publicResolver)).toEqual([]);
    expect(await targetIssues('https://hooks.example.com/', resolverOf(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']))).toEqual([]);
  });

  it('refuses a host name with any non-public address, and one that does not resolve', async () => {
    expect(await targetIssues('https://intranet.example/', resolverOf(['93.184.215.14', '10.0.0.5']))).toEqual([
      { path: 'url', message: expect.stringContaining('private') },
    ]);
    expect(await targetIssues('https://sneaky.example/', resolverOf(['::ffff:127.0.0.1']))).toEqual([
      { path: 'url', message: expect.stringContaining('loopback') },
    ]);
    expect(await targetIssues('https://nowhere.invalid/', resolverOf(new Error('ENOTFOUND')))).toEqual([
      { path: 'url', message: 'host could not be resolved' },
    ]);
    expect(await targetIssues('https://empty.example/', resolverOf([]))).toHaveLength(1);
  });
});

// ---- WebhookService ---------------------------------------------------------------------------------------------

describe('WebhookService', () => {
  let store: InMemoryWebhookStore;
  let clock: Date;
  const sealer = new Sealer('unit-signing-secret-0123456789abcdef');
  const make = (options: { allowPrivateTargets?: boolean; resolver?: HostResolver } = {}) =>
    new WebhookService({
      store,
      sealer,
      resolver: options.resolver ?? publicResolver,
      allowPrivateTargets: options.allowPrivateTargets ?? false,
      now: () => clock,
    });

  beforeEach(() => {
    store = new InMemoryWebhookStore();
    clock = new Date('2026-03-01T10:00:00.000Z');
  });

  it('lets admins and services register; the secret comes back once and never in the resource', async () => {
    const svc = make();
    for (const caller of [admin, service]) {
      const { webhook, secret } = await svc.createWebhook(caller, { url: 'https://hooks.example.com/', events: ['*'], description: 'EHR' });
      expect(secret).toMatch(/^whsec_/);
      expect(webhook).toMatchObject({ tenantId: 't1', url: 'https://hooks.example.com/', events: ['*'], active: true, description: 'EHR' });
      const resource = toWebhookResource(await svc.getWebhook(caller, webhook.id));
      expect(resource).not.toHaveProperty('secret');
      expect(JSON.stringify(resource)).not.toContain(secret.slice(6));
    }
    expect((await svc.listWebhooks(admin)).map(toWebhookResource).every((w) => !('secret' in w))).toBe(true);
  });

  it('is 403 for patients and providers on every operation', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://hooks.example.com/', events: ['*'] });
    for (const caller of [patient, provider]) {
      await expect(svc.createWebhook(caller, { url: 'https://hooks.example.com/', events: ['*'] })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.listWebhooks(caller)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.getWebhook(caller, webhook.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.updateWebhook(caller, webhook.id, { active: false })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.deleteWebhook(caller, webhook.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.listDeliveries(caller, webhook.id, {})).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.retryDelivery(caller, webhook.id, webhook.id)).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it("is 404 for another tenant's webhook", async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://hooks.example.com/', events: ['*'] });
    await expect(svc.getWebhook(otherAdmin, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.updateWebhook(otherAdmin, webhook.id, { active: false })).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.deleteWebhook(otherAdmin, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.listDeliveries(otherAdmin, webhook.id, {})).rejects.toBeInstanceOf(NotFoundError);
    expect(await svc.listWebhooks(otherAdmin)).toEqual([]);
    expect((await svc.getWebhook(admin, webhook.id)).active).toBe(true);
  });

  it('refuses private targets when they are not allowed, together with the other issues', async () => {
    const svc = make();
    const issues = await issuesOfAsync(() => svc.createWebhook(admin, { url: 'http://127.0.0.1:9000/', events: ['file.nope'] }));
    expect(issues.map((i) => i.path).sort()).toEqual(['events.0', 'url']);
    const resolvingPrivate = make({ resolver: { resolve: async () => ['192.168.0.10'] } });
    expect((await issuesOfAsync(() => resolvingPrivate.createWebhook(admin, { url: 'https://printer.example/', events: ['*'] }))).map((i) => i.path)).toEqual(['url']);
    expect((await issuesOfAsync(() => resolvingPrivate.updateWebhook(admin, 'x', { url: 'https://printer.example/' }))).map((i) => i.path)).toEqual(['url']);
  });

  it('allows loopback targets when private targets are allowed (local runtime), without any lookup', async () => {
    const svc = make({ allowPrivateTargets: true, resolver: { resolve: async () => expect.fail('no lookup expected') } });
    const { webhook } = await svc.createWebhook(admin, { url: 'http://127.0.0.1:9000/hook', events: ['*'] });
    expect(webhook.url).toBe('http://127.0.0.1:9000/hook');
  });

  it('updates url, events, active and description; null clears the description', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://a.example/', events: ['*'], description: 'x' });
    clock = new Date('2026-03-01T11:00:00.000Z');
    const updated = await svc.updateWebhook(admin, webhook.id, { url: 'https://b.example/', events: ['file.created'], active: false, description: null });
    expect(updated).toMatchObject({ url: 'https://b.example/', events: ['file.created'], active: false, description: null, updatedAt: clock.toISOString(), createdAt: webhook.createdAt });
    expect(updated.secret).toBe(webhook.secret);
  });

  it('deletes, then 404', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://a.example/', events: ['*'] });
    await svc.deleteWebhook(admin, webhook.id);
    await expect(svc.deleteWebhook(admin, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.getWebhook(admin, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('caps the webhooks of a tenant', async () => {
    const svc = make();
    for (let i = 0; i < 50; i++) await svc.createWebhook(admin, { url: `https://a.example/${i}`, events: ['*'] });
    const issues = await issuesOfAsync(() => svc.createWebhook(admin, { url: 'https://a.example/51', events: ['*'] }));
    expect(issues[0]!.message).toContain('at most 50');
    await svc.createWebhook(otherAdmin, { url: 'https://a.example/other', events: ['*'] });
  });

  it('pages deliveries newest first with sealed cursors bound to the webhook', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://a.example/', events: ['*'] });
    const { webhook: second } = await svc.createWebhook(admin, { url: 'https://b.example/', events: ['*'] });
    const dispatcher = new WebhookDispatcher({
      store, sender: new ScriptedSender(), deadLetters: new RecordingDeadLetters(), retryDelaysSeconds: [1], timeoutSeconds: 1, now: () => clock,
    });
    for (let i = 0; i < 5; i++) {
      clock = new Date(clock.getTime() + 1000);
      await dispatcher.deliverEvent(busEvent({ id: `evt-${i}`, timestamp: clock.toISOString() }));
    }
    const first = await svc.listDeliveries(admin, webhook.id, { limit: '2' });
    expect(first.deliveries.map((d) => d.eventId)).toEqual(['evt-4', 'evt-3']);
    const next = await svc.listDeliveries(admin, webhook.id, { limit: '2', cursor: first.nextCursor! });
    expect(next.deliveries.map((d) => d.eventId)).toEqual(['evt-2', 'evt-1']);
    const last = await svc.listDeliveries(admin, webhook.id, { limit: '2', cursor: next.nextCursor! });
    expect(last.deliveries.map((d) => d.eventId)).toEqual(['evt-0']);
    expect(last.nextCursor).toBeNull();

    expect((await issuesOfAsync(() => svc.listDeliveries(admin, second.id, { cursor: first.nextCursor! }))).map((i) => i.path)).toEqual(['cursor']);
    expect((await issuesOfAsync(() => svc.listDeliveries(admin, webhook.id, { limit: '0' }))).map((i) => i.path)).toEqual(['limit']);
    expect((await issuesOfAsync(() => svc.listDeliveries(admin, webhook.id, { limit: '101', extra: '1' }))).map((i) => i.path).sort()).toEqual(['(body)', 'limit']);
  });

  it('retries a delivery: pending, due now, fresh budget; unknown delivery 404; inactive webhook 422', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://a.example/', events: ['*'] });
    const sender = new ScriptedSender();
    sender.on('https://a.example/', () => status(500));
    const dispatcher = new WebhookDispatcher({ store, sender, deadLetters: new RecordingDeadLetters(), retryDelaysSeconds: [], timeoutSeconds: 1, now: () => clock });
    await dispatcher.deliverEvent(busEvent({ id: 'evt-r' }));
    const [failed] = (await svc.listDeliveries(admin, webhook.id, {})).deliveries;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });

    clock = new Date(clock.getTime() + 60_000);
    const retried = await svc.retryDelivery(admin, webhook.id, failed!.id);
    expect(retried).toMatchObject({ status: 'pending', attempts: 1, budgetStart: 1, nextAttemptAt: clock.toISOString() });

    await expect(svc.retryDelivery(admin, webhook.id, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    const { webhook: sibling } = await svc.createWebhook(admin, { url: 'https://b.example/', events: ['*'] });
    await expect(svc.retryDelivery(admin, sibling.id, failed!.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.retryDelivery(otherAdmin, webhook.id, failed!.id)).rejects.toBeInstanceOf(NotFoundError);
    await svc.updateWebhook(admin, webhook.id, { active: false });
    expect((await issuesOfAsync(() => svc.retryDelivery(admin, webhook.id, failed!.id))).map((i) => i.path)).toEqual(['active']);
  });
});

// ---- WebhookDispatcher ------------------------------------------------------------------------------------------

let eventSeq = 0;
function busEvent(over: Partial<BusEventDetail> = {}): BusEventDetail {
  eventSeq += 1;
  return { id: `evt-${eventSeq}`, type: 'file.created', tenantId: 't1', timestamp: '2026-03-01T10:00:00.000Z', data: { fileId: `f-${eventSeq}` }, ...over };
}

describe('WebhookDispatcher', () => {
  let store: InMemoryWebhookStore;
  let sender: ScriptedSender;
  let deadLetters: RecordingDeadLetters;
  let clock: Date;
  const sealer = new Sealer('unit-signing-secret-0123456789abcdef');
  let registry: WebhookService;

  const dispatcher = (over: Partial<ConstructorParameters<typeof WebhookDispatcher>[0]> = {}) =>
    new WebhookDispatcher({ store, sender, deadLetters, retryDelaysSeconds: [1, 1], timeoutSeconds: 10, now: () => clock, log: () => undefined, ...over });
  const register = async (url: string, events: string[] = ['*'], caller = admin) => (await registry.createWebhook(caller, { url, events })).webhook;
  const advance = (seconds: number) => {
    clock = new Date(clock.getTime() + seconds * 1000);
  };

  beforeEach(() => {
    store = new InMemoryWebhookStore();
    sender = new ScriptedSender();
    deadLetters = new RecordingDeadLetters();
    clock = new Date('2026-03-01T10:00:00.000Z');
    registry = new WebhookService({ store, sealer, resolver: publicResolver, allowPrivateTargets: false, now: () => clock });
  });

  it('delivers to every active webhook of the tenant that wants the type, and to no other', async () => {
    await register('https://all.example/');
    await register('https://created.example/', ['file.created']);
    await register('https://updated.example/', ['file.updated']);
    const paused = await register('https://paused.example/');
    await registry.updateWebhook(admin, paused.id, { active: false });
    await register('https://other-tenant.example/', ['*'], otherAdmin);

    const summary = await dispatcher().deliverEvent(busEvent({ type: 'file.created' }));
    expect(sender.requests.map((r) => r.url).sort()).toEqual(['https://all.example/', 'https://created.example/']);
    expect(summary).toMatchObject({ created: 2, attempted: 2, succeeded: 2, failed: 0, retrying: 0 });
  });

  it("does not let one receiver's backlog starve other tenants' retries", async () => {
    const dead = await register('https://dead.example/');
    const alive = await register('https://alive.example/', ['*'], otherAdmin);
    sender.on('https://dead.example/', () => ({ ok: false, statusCode: null, error: 'connection refused', transport: true }));
    // 60 overdue deliveries to the dead receiver ahead of one to the live one, with polls of 20.
    const record = (webhook: typeof dead, i: number, at: Date): DeliveryRecord => ({
      tenantId: webhook.tenantId, webhookId: webhook.id, id: `0193a5c2-7e4b-7000-8000-${String(i).padStart(12, '0')}`,
      eventId: `evt-${i}`, eventType: 'file.created', body: '{}', status: 'pending', attempts: 1, budgetStart: 0,
      lastStatusCode: null, lastError: null, nextAttemptAt: at.toISOString(), createdAt: at.toISOString(),
      updatedAt: at.toISOString(), version: 1,
    });
    for (let i = 0; i < 60; i++) await store.createDelivery(record(dead, i, new Date(clock.getTime() + i)));
    await store.createDelivery(record(alive, 999, new Date(clock.getTime() + 1000)));
    const run = dispatcher({ pollLimit: 20 });
    for (let minute = 0; minute < 5 && sender.to('https://alive.example/').length === 0; minute++) {
      advance(60);
      await run.retryDue();
    }
    expect(sender.to('https://alive.example/'), 'the live receiver is served within a few polls').toHaveLength(1);
    expect(sender.to('https://dead.example/').length, 'one attempt per poll at the dead one').toBeLessThanOrEqual(5);
  });

  it('ignores event types outside the contract', async () => {
    await register('https://all.example/');
    expect((await dispatcher().deliverEvent(busEvent({ type: 'file.exploded' }))).created).toBe(0);
    expect(sender.requests).toEqual([]);
  });

  it('sends the same webhook-id and body on every attempt, each signed for its own time', async () => {
    clock = new Date(); // receivers check the signed timestamp against their own clock
    const webhook = await register('https://flaky.example/');
    const answers = [500, 500, 200];
    sender.on('https://flaky.example/', () => status(answers.shift()!));
    const d = dispatcher();
    const event = busEvent();
    await d.deliverEvent(event);
    advance(1);
    await d.retryDue();
    advance(1);
    await d.retryDue();
    advance(60);
    await d.retryDue();

    const attempts = sender.to('https://flaky.example/');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.headers['webhook-id']))).toEqual(new Set([event.id]));
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    expect(new Set(attempts.map((a) => a.headers['webhook-timestamp'])).size).toBe(3);
    for (const a of attempts) expect(new Webhook(webhook.secret).verify(a.body, a.headers)).toEqual(JSON.parse(a.body));
    const [delivery] = (await registry.listDeliveries(admin, webhook.id, {})).deliveries;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
  });

  it('waits the configured delays: nothing is sent before a retry is due', async () => {
    const webhook = await register('https://down.example/');
    sender.on('https://down.example/', () => status(503));
    const d = dispatcher({ retryDelaysSeconds: [10, 20] });
    await d.deliverEvent(busEvent());
    const [first] = (await registry.listDeliveries(admin, webhook.id, {})).deliveries;
    expect(first).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: '2026-03-01T10:00:10.000Z' });

    advance(9.999);
    await d.retryDue();
    expect(sender.requests).toHaveLength(1);
    advance(0.001);
    await d.retryDue();
    expect(sender.requests).toHaveLength(2);
    const [second] = (await registry.listDeliveries(admin, webhook.id, {})).deliveries;
    expect(second!.nextAttemptAt).toBe('2026-03-01T10:00:30.000Z');
  });

  it('fails after 1 + delays attempts and dead-letters ids only', async () => {
    const webhook = await register('https://dead.example/');
    sender.on('https://dead.example/', () => status(500));
    const d = dispatcher();
    const event = busEvent();
    await d.deliverEvent(event);
    for (let i = 0; i < 5; i++) {
      advance(1);
      await d.retryDue();
    }
    expect(sender.requests).toHaveLength(3);
    const [delivery] = (await registry.listDeliveries(admin, webhook.id, {})).deliveries;
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null, lastStatusCode: 500 });
    expect(deadLetters.letters).toEqual([
      { tenantId: 't1', webhookId: webhook.id, deliveryId: delivery!.id, eventId: event.id, eventType: 'file.created', attempts: 3, failedAt: '2026-03-01T10:00:02.000Z' },
    ]);
  });

  it('creates each delivery once when the bus delivers an event twice', async () => {
    await register('https://a.example/');
    const event = busEvent();
    await dispatcher().deliverEvent(event);
    const again = await dispatcher().deliverEvent(event);
    expect(again.created).toBe(0);
    expect(sender.requests).toHaveLength(1);
    expect(store.deliveries.size).toBe(1);
  });

  it('runs attempts to different receivers concurrently, at most 8 at a time', async () => {
    for (let i = 0; i < 20; i++) await register(`https://r${i}.example/`);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    for (let i = 0; i < 20; i++) sender.on(`https://r${i}.example/`, async () => (await gate, status(200)));
    const run = dispatcher().deliverEvent(busEvent());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sender.inFlight).toBe(8);
    release();
    expect((await run).succeeded).toBe(20);
    expect(sender.maxInFlight).toBe(8);
  });

  it('keeps a hanging receiver from delaying the others', async () => {
    await register('https://hangs.example/');
    await register('https://fine.example/');
    let fineAt = 0;
    sender.on('https://hangs.example/', () => new Promise((resolve) => setTimeout(() => resolve({ ok: false, statusCode: null, error: 'timeout after 0.2 s', transport: true }), 200)));
    sender.on('https://fine.example/', () => ((fineAt = Date.now()), status(200)));
    const started = Date.now();
    await dispatcher().deliverEvent(busEvent());
    expect(fineAt - started).toBeLessThan(100);
  });

  it('never sends one due attempt twice when two pollers run at once', async () => {
    for (let i = 0; i < 5; i++) {
      await register(`https://p${i}.example/`);
      sender.on(`https://p${i}.example/`, () => status(500));
    }
    await dispatcher().deliverEvent(busEvent());
    expect(sender.requests).toHaveLength(5);
    advance(1);
    const [a, b] = await Promise.all([dispatcher().retryDue(), dispatcher().retryDue()]);
    expect(sender.requests).toHaveLength(10);
    expect(a.attempted + b.attempted).toBe(5);
    expect(a.deferred + b.deferred).toBe(5);
  });

  it('leaves the rest of an unreachable receiver for a later run', async () => {
    const webhook = await register('https://gone.example/');
    sender.on('https://gone.example/', () => ({ ok: false, statusCode: null, error: 'connection refused', transport: true }));
    const d = dispatcher();
    for (let i = 0; i < 4; i++) await d.deliverEvent(busEvent());
    expect(sender.requests).toHaveLength(4);
    advance(1);
    const summary = await d.retryDue();
    expect(sender.requests).toHaveLength(5);
    expect(summary).toMatchObject({ attempted: 1, deferred: 3 });
    const pending = (await registry.listDeliveries(admin, webhook.id, {})).deliveries.filter((x) => x.status === 'pending');
    expect(pending).toHaveLength(4);
  });

  it('stops starting attempts when the function is out of time; the poller takes the rest after the claim', async () => {
    await register('https://a.example/');
    await register('https://b.example/');
    const summary = await dispatcher().deliverEvent(busEvent(), { remainingMs: () => 3000 });
    expect(summary).toMatchObject({ created: 2, attempted: 0, deferred: 2 });
    expect(sender.requests).toHaveLength(0);

    advance(69); // timeout 10 s + 60 s margin
    expect((await dispatcher().retryDue()).attempted).toBe(0);
    advance(1);
    expect((await dispatcher().retryDue()).succeeded).toBe(2);
  });

  it('fails pending deliveries of a deleted webhook without sending, and of an inactive one into the dead-letter queue', async () => {
    const deleted = await register('https://deleted.example/');
    const paused = await register('https://paused.example/');
    sender.on('https://deleted.example/', () => status(500));
    sender.on('https://paused.example/', () => status(500));
    const d = dispatcher();
    await d.deliverEvent(busEvent());
    await registry.deleteWebhook(admin, deleted.id);
    await registry.updateWebhook(admin, paused.id, { active: false });
    advance(1);
    const summary = await d.retryDue();
    expect(summary).toMatchObject({ attempted: 0, failed: 2 });
    expect(sender.requests).toHaveLength(2);
    const stored = [...store.deliveries.values()];
    expect(stored.map((x) => [x.webhookId, x.status, x.lastError]).sort()).toEqual(
      [[deleted.id, 'failed', 'webhook deleted'], [paused.id, 'failed', 'webhook inactive']].sort(),
    );
    expect(deadLetters.letters.map((l) => l.webhookId)).toEqual([paused.id]);
  });

  it('drops the outcome of an attempt that a manual retry overtook, and sends again', async () => {
    const webhook = await register('https://slow.example/');
    let release!: () => void;
    sender.on('https://slow.example/', () => new Promise((resolve) => (release = () => resolve(status(500)))));
    const d = dispatcher();
    const run = d.deliverEvent(busEvent());
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [inFlight] = (await registry.listDeliveries(admin, webhook.id, {})).deliveries;
    await registry.retryDelivery(admin, webhook.id, inFlight!.id);
    release();
    expect((await run).deferred).toBe(1);
    sender.on('https://slow.example/', () => status(200));
    expect((await d.retryDue()).succeeded).toBe(1);
  });
});
