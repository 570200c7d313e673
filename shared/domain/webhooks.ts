/**
 * Webhooks (API.md, "Webhooks"): registrations, signed deliveries with retries, and the rules both share.
 *
 * - `WebhookService` serves the API: registrations (admin and service only) and their deliveries.
 * - `WebhookDispatcher` serves the two consumers: `deliverEvent` (every bus event) and `retryDue` (a schedule).
 *
 * A delivery is one event for one webhook, kept in the table so a restart never loses one. Every change to a
 * delivery is a conditional write on its `version`; before an attempt the sender *claims* the delivery (version
 * bump plus a lease: `nextAttemptAt` moves past the attempt's timeout), so two pollers never send the same
 * attempt, and a sender that dies mid-attempt only delays the delivery until the lease runs out.
 *
 * Payloads leave the system: they hold the event's ids and non-personal fields only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from './errors.ts';
import type { Caller } from './file.ts';
import { Description, PageCursor, PageLimit } from './schemas.ts';
import type { Sealer } from './sealing.ts';
import { parseOrThrow, zodIssues } from './validation.ts';

// ---- Event types, requests and resources -------------------------------------------------------------------

export const WEBHOOK_EVENT_TYPES = [
  'file.created', 'file.updated', 'file.archived', 'file.restored', 'file.deleted', 'file.expired',
  'file-request.created', 'file-request.updated', 'file-request.files.updated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (type: string): type is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);

export const MAX_URL_LENGTH = 2048;
/** Bounds the fan-out of one event and keeps `GET /v1/webhooks` a single, unpaged answer. */
export const MAX_WEBHOOKS_PER_TENANT = 50;

/** What the URL parser would silently drop or rewrite (tabs, newlines, surrounding spaces), and other controls. */
const URL_UNSAFE = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;

function urlProblems(value: string): string[] {
  if (value.length > MAX_URL_LENGTH) return [`must be at most ${MAX_URL_LENGTH} characters`];
  if (URL_UNSAFE.test(value)) return ['must not contain spaces or control characters'];
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return ['must be an absolute http:// or https:// URL'];
  const url = new URL(value);
  const problems: string[] = [];
  if (url.username || url.password) problems.push('must not contain credentials');
  if (!url.hostname) problems.push('must name a host');
  return problems;
}

export const WebhookUrl = z
  .string({ message: 'must be a string' })
  .superRefine((value, ctx) => {
    for (const message of urlProblems(value)) ctx.addIssue({ code: 'custom', message });
  })
  .meta({ description: `Absolute http(s) URL, at most ${MAX_URL_LENGTH} characters, without credentials.`, format: 'uri' });

export const WebhookEvents = z
  .array(z.string({ message: 'must be an event type' }).meta({ enum: [...WEBHOOK_EVENT_TYPES, '*'] }), {
    message: 'must be a list of event types',
  })
  .min(1, 'must name at least one event type, or be ["*"]')
  .superRefine((events, ctx) => {
    events.forEach((event, i) => {
      if (event !== '*' && !isWebhookEventType(event)) {
        ctx.addIssue({ code: 'custom', path: [i], message: `unknown event type; use one of ${WEBHOOK_EVENT_TYPES.join(', ')}, or "*"` });
      }
    });
    if (events.includes('*') && new Set(events).size > 1) ctx.addIssue({ code: 'custom', message: '"*" must be the only entry' });
    if (new Set(events).size !== events.length) ctx.addIssue({ code: 'custom', message: 'must not repeat an event type' });
  })
  .meta({ description: 'Event types to receive, or `["*"]` for all of them.', examples: [['file-request.files.updated'], ['*']] });

export const CreateWebhookBody = z
  .object({ url: WebhookUrl, events: WebhookEvents, description: Description.optional() })
  .strict()
  .meta({ id: 'CreateWebhookBody' });
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const PatchWebhookBody = z
  .object({
    url: WebhookUrl.optional(),
    events: WebhookEvents.optional(),
    active: z.boolean({ message: 'must be true or false' }).optional(),
    description: Description.optional(),
  })
  .strict()
  .meta({ id: 'PatchWebhookBody' });
export type PatchWebhookBody = z.infer<typeof PatchWebhookBody>;

export const WebhookResource = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    description: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Webhook' });
export type WebhookResource = z.infer<typeof WebhookResource>;

export const WebhookCreated = WebhookResource.extend({
  secret: z.string().meta({
    description: 'Signing secret (`whsec_` + base64 of 32 bytes) for the `standardwebhooks` libraries. Shown only in this response.',
  }),
}).meta({ id: 'WebhookCreated' });

export const WebhookList = z.object({ webhooks: z.array(WebhookResource) }).meta({ id: 'WebhookList' });

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DeliveryResource = z
  .object({
    id: z.uuid(),
    webhookId: z.uuid(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().min(0),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable().meta({ description: 'When the next attempt is due; null unless pending.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });
export type DeliveryResource = z.infer<typeof DeliveryResource>;

export const DeliveryList = z
  .object({ deliveries: z.array(DeliveryResource), nextCursor: z.string().nullable() })
  .meta({ id: 'WebhookDeliveryList' });

export const DeliveriesQuery = z
  .object({
    limit: PageLimit,
    cursor: PageCursor,
  })
  .strict();
export type DeliveriesQuery = z.infer<typeof DeliveriesQuery>;

/** The body of every delivery POST. */
export const WebhookPayload = z
  .object({
    id: z.string().meta({ description: 'The event id; also the `webhook-id` header, the same on every attempt.' }),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    timestamp: z.string(),
    tenantId: z.string(),
    data: z.record(z.string(), z.unknown()).meta({ description: 'Ids and non-personal fields of the event.' }),
  })
  .meta({ id: 'WebhookEvent' });

/** The bus event's `detail` (shared/adapters/eventbridge-publisher.ts). */
export const BusEventDetail = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/),
  type: z.string().min(1).max(128),
  tenantId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  timestamp: z.iso.datetime({ offset: false }),
  data: z.record(z.string(), z.unknown()),
});
export type BusEventDetail = z.infer<typeof BusEventDetail>;

// ---- Records ------------------------------------------------------------------------------------------------

export interface WebhookRecord {
  id: string;
  tenantId: string;
  url: string;
  /** Event types, or `['*']`. */
  events: string[];
  active: boolean;
  description: string | null;
  /** `whsec_` + base64; kept readable because every attempt is signed with it. Never in a response but the 201. */
  secret: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface DeliveryKey {
  tenantId: string;
  webhookId: string;
  id: string;
}

export interface DeliveryRecord extends DeliveryKey {
  eventId: string;
  eventType: string;
  /** The exact body every attempt sends (the signature covers these bytes). */
  body: string;
  status: DeliveryStatus;
  /** Every attempt ever made, manual retries included. */
  attempts: number;
  /** `attempts` when the current attempt budget began: 0, or the count at the last manual retry. */
  budgetStart: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** Set while pending: when the next attempt is due (or, while an attempt runs, when its claim lapses). */
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function toWebhookResource(w: WebhookRecord): WebhookResource {
  return {
    id: w.id,
    url: w.url,
    events: [...w.events],
    active: w.active,
    description: w.description,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

export function toDeliveryResource(d: DeliveryRecord): DeliveryResource {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

// ---- Rules --------------------------------------------------------------------------------------------------

/** Whether an active webhook wants events of this type. */
export function wantsEvent(webhook: Pick<WebhookRecord, 'active' | 'events'>, type: string): boolean {
  return webhook.active && isWebhookEventType(type) && (webhook.events.includes('*') || webhook.events.includes(type));
}

/** `whsec_` + base64 of 32 random bytes: the format the `standardwebhooks` libraries take. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Attempts in one budget: the first plus one per configured delay. */
export const maxAttempts = (delaysSeconds: readonly number[]) => 1 + delaysSeconds.length;

/**
 * What follows a failed attempt, the `attemptsInBudget`-th of the current budget: another attempt after
 * `delays[attemptsInBudget - 1]` seconds, or `failed` when the budget is spent.
 */
export function afterFailure(
  attemptsInBudget: number,
  delaysSeconds: readonly number[],
  at: Date,
): { status: 'pending'; nextAttemptAt: string } | { status: 'failed'; nextAttemptAt: null } {
  if (attemptsInBudget < maxAttempts(delaysSeconds)) {
    const delay = delaysSeconds[Math.max(0, attemptsInBudget - 1)]!;
    return { status: 'pending', nextAttemptAt: new Date(at.getTime() + delay * 1000).toISOString() };
  }
  return { status: 'failed', nextAttemptAt: null };
}

/** The outcome of one attempt. `transport` failures got no HTTP answer at all (timeout, refused, not allowed). */
export type AttemptResult =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string; transport: boolean };

/** The delivery after an attempt finished at `at` with `result`. */
export function afterAttempt(d: DeliveryRecord, result: AttemptResult, at: Date, delaysSeconds: readonly number[]): DeliveryRecord {
  const attempts = d.attempts + 1;
  const base = { ...d, attempts, lastStatusCode: result.statusCode, updatedAt: at.toISOString(), version: d.version + 1 };
  if (result.ok) return { ...base, status: 'succeeded', lastError: null, nextAttemptAt: null };
  return { ...base, lastError: result.error, ...afterFailure(attempts - d.budgetStart, delaysSeconds, at) };
}

/** Keys never sent to a receiver, whatever an event carries: names, descriptions and free text are personal data. */
const PERSONAL_KEYS = new Set(['originalName', 'name', 'fileName', 'filename', 'description', 'message', 'note', 'notes']);

function withoutPersonalFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonalFields);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !PERSONAL_KEYS.has(key))
        .map(([key, v]) => [key, withoutPersonalFields(v)]),
    );
  }
  return value;
}

/** The delivery body: `{ id, type, timestamp, tenantId, data }`, serialized once and sent as is on every attempt. */
export function payloadOf(event: BusEventDetail): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.timestamp,
    tenantId: event.tenantId,
    data: withoutPersonalFields(event.data),
  });
}

/** Standard Webhooks headers for one attempt (HMAC-SHA256 over `{id}.{timestamp}.{body}`, via `standardwebhooks`). */
export function signedHeaders(secret: string, messageId: string, at: Date, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}

/**
 * The delivery id of an event for a webhook: a UUIDv7 with the event's time and bits derived from both ids, so a
 * bus that delivers the same event twice finds the delivery already there instead of sending it twice.
 */
export function deliveryIdFor(event: Pick<BusEventDetail, 'id' | 'timestamp'>, webhookId: string): string {
  const random = createHash('sha256').update(`${event.id}\u0000${webhookId}`).digest().subarray(0, 16);
  return uuidv7({ msecs: Date.parse(event.timestamp), random: Uint8Array.from(random) });
}

// ---- Target addresses (SSRF) -----------------------------------------------------------------------------------

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

function ipv4Number(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** The eight 16-bit groups of an IPv6 address (zone id ignored), or null. */
function ipv6Groups(address: string): number[] | null {
  let text = address.split('%')[0]!.toLowerCase();
  const tail: number[] = [];
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const v4 = ipv4Number(dotted[1]!);
    if (v4 === null) return null;
    tail.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    text = text.slice(0, -dotted[1]!.length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const zeros = new Array<number>(8 - explicit).fill(0);
  return [...head.map((g) => parseInt(g, 16)), ...zeros, ...rest.map((g) => parseInt(g, 16)), ...tail];
}

function classifyIpv4(n: number): AddressClass {
  const inRange = (base: string, bits: number) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(ipv4Number(base)! / 2 ** (32 - bits));
  if (inRange('0.0.0.0', 8)) return 'unspecified'; // "this network": 0.0.0.0 reaches the local host on Linux
  if (inRange('127.0.0.0', 8)) return 'loopback';
  if (inRange('10.0.0.0', 8) || inRange('172.16.0.0', 12) || inRange('192.168.0.0', 16) || inRange('100.64.0.0', 10)) {
    return 'private';
  }
  if (inRange('169.254.0.0', 16)) return 'link-local';
  if (inRange('224.0.0.0', 4)) return 'multicast';
  if (
    inRange('240.0.0.0', 4) || // reserved, and 255.255.255.255
    inRange('192.0.0.0', 24) || // IETF protocol assignments
    inRange('192.0.2.0', 24) || inRange('198.51.100.0', 24) || inRange('203.0.113.0', 24) || // documentation
    inRange('198.18.0.0', 15) || // benchmarking
    inRange('192.88.99.0', 24) // 6to4 relay anycast
  ) {
    return 'reserved';
  }
  return 'public';
}

function classifyIpv6(g: number[]): AddressClass {
  const v4 = (hi: number, lo: number) => classifyIpv4(hi * 0x10000 + lo);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  if (zeroUpTo(5) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // IPv4-mapped ::ffff:a.b.c.d
  if (zeroUpTo(6)) return v4(g[6]!, g[7]!); // IPv4-compatible ::a.b.c.d (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6]!, g[7]!); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private'; // local-use NAT64
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 6to4 embeds an IPv4 address
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && (g[1] === 0 || g[1] === 0xdb8)) return 'reserved'; // Teredo (hides an IPv4 address), documentation
  if (g[0] === 0x2001 && g[1]! < 0x200) return 'reserved'; // IETF protocol assignments (benchmarking, ORCHID, ...)
  if ((g[0]! & 0xfff0) === 0x3ff0) return 'reserved'; // documentation 3fff::/20
  if ((g[0]! & 0xe000) !== 0x2000) return 'reserved'; // outside global unicast 2000::/3 (incl. discard 100::/64)
  return 'public';
}

/** What kind of address `address` is (IPv4 or IPv6 text, brackets allowed); null when it is not an IP address. */
export function classifyAddress(address: string): AddressClass | null {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(text.split('%')[0]!);
  if (family === 4) return classifyIpv4(ipv4Number(text)!);
  if (family === 6) {
    const groups = ipv6Groups(text);
    return groups ? classifyIpv6(groups) : null;
  }
  return null;
}

/** Only public unicast addresses may receive deliveries when private targets are not allowed. */
export const isAllowedTarget = (address: string) => classifyAddress(address) === 'public';

/** The host of a webhook URL without IPv6 brackets. */
export function targetHost(url: string): string {
  const host = new URL(url).hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Resolves a host name to its addresses (DNS). Throws when it cannot. */
export interface HostResolver {
  resolve(hostname: string): Promise<string[]>;
}

/** Why a target is refused (deployed stacks): an IP literal or any resolved address that is not public. */
export async function targetIssues(url: string, resolver: HostResolver, path = 'url'): Promise<FieldIssue[]> {
  const host = targetHost(url);
  const literal = classifyAddress(host);
  if (literal !== null) {
    return literal === 'public' ? [] : [{ path, message: `must not point to a ${literal} address` }];
  }
  let addresses: string[];
  try {
    addresses = await resolver.resolve(host);
  } catch {
    return [{ path, message: 'host could not be resolved' }];
  }
  if (addresses.length === 0) return [{ path, message: 'host could not be resolved' }];
  const refused = addresses.map((a) => classifyAddress(a) ?? 'reserved').find((c) => c !== 'public');
  return refused ? [{ path, message: `host resolves to a ${refused} address, which may not receive webhooks` }] : [];
}

// ---- Ports --------------------------------------------------------------------------------------------------

/** A pending delivery that is due, as the schedule index lists it. */
export interface DueDelivery extends DeliveryKey {
  version: number;
}

/** Webhooks and their deliveries (DynamoDB). Every write of a delivery is conditional on its version. */
export interface WebhookStore {
  /** Stores a new webhook (its id is fresh). */
  createWebhook(webhook: WebhookRecord): Promise<void>;
  getWebhook(tenantId: string, id: string): Promise<WebhookRecord | null>;
  /** The tenant's webhooks, oldest first. */
  listWebhooks(tenantId: string): Promise<WebhookRecord[]>;
  /** Replaces a webhook if its stored version is `expectedVersion`; false otherwise (changed or gone). */
  replaceWebhook(webhook: WebhookRecord, expectedVersion: number): Promise<boolean>;
  /** Removes a webhook; false when there was none. Its deliveries stay (see WebhookDispatcher for pending ones). */
  deleteWebhook(tenantId: string, id: string): Promise<boolean>;
  /** Stores a new delivery; false when one with its id exists already. */
  createDelivery(delivery: DeliveryRecord): Promise<boolean>;
  getDelivery(key: DeliveryKey): Promise<DeliveryRecord | null>;
  /** A webhook's deliveries, newest first, strictly older than `before` (a delivery id) when given. */
  listDeliveries(tenantId: string, webhookId: string, page: { limit: number; before?: string }): Promise<{ deliveries: DeliveryRecord[]; more: boolean }>;
  /** Replaces a delivery if its stored version is `expectedVersion`; false otherwise. Pending ones are scheduled. */
  saveDelivery(delivery: DeliveryRecord, expectedVersion: number): Promise<boolean>;
  /**
   * Takes a pending delivery for one attempt: only if it is still pending at `expectedVersion`, bumps the version
   * and moves `nextAttemptAt` to `leaseUntil`. The claimed record, or null when someone else changed it first.
   */
  claimDelivery(key: DeliveryKey, expectedVersion: number, leaseUntil: string): Promise<DeliveryRecord | null>;
  /** Pending deliveries due at or before `now`, earliest first, at most `limit`. */
  dueDeliveries(now: string, limit: number): Promise<DueDelivery[]>;
}

export interface DeliveryRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Sends one attempt. Never throws: every failure is an AttemptResult with a short error (no body echoed). */
export interface WebhookSender {
  send(request: DeliveryRequest): Promise<AttemptResult>;
}

/** What the dead-letter queue keeps of a delivery that failed its last attempt: ids and counts only. */
export interface DeadLetter {
  tenantId: string;
  webhookId: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempts: number;
  failedAt: string;
}

export interface DeadLetterQueue {
  send(letter: DeadLetter): Promise<void>;
}

// ---- The API service ----------------------------------------------------------------------------------------

export interface WebhookServiceDeps {
  store: WebhookStore;
  resolver: HostResolver;
  /** Seals delivery list cursors. */
  sealer: Sealer;
  /** Local runtime: loopback and private targets allowed. Deployed: refused at registration and on connect. */
  allowPrivateTargets: boolean;
  now?: () => Date;
}

const MAX_WRITE_ATTEMPTS = 3;

/** Registrations and their deliveries, for admins and services of the caller's tenant. */
export class WebhookService {
  readonly #d: WebhookServiceDeps;
  readonly #now: () => Date;

  constructor(deps: WebhookServiceDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** The new webhook and its secret (the only time the secret is shown). */
  async createWebhook(caller: Caller, input: unknown): Promise<{ webhook: WebhookRecord; secret: string }> {
    assertManagesWebhooks(caller);
    const body = await this.#parse(CreateWebhookBody, input);
    const existing = await this.#d.store.listWebhooks(caller.tenantId);
    if (existing.length >= MAX_WEBHOOKS_PER_TENANT) {
      throw new ValidationError([{ path: '(body)', message: `a tenant may register at most ${MAX_WEBHOOKS_PER_TENANT} webhooks` }]);
    }
    const now = this.#now().toISOString();
    const webhook: WebhookRecord = {
      id: uuidv7(),
      tenantId: caller.tenantId,
      url: body.url,
      events: [...body.events],
      active: true,
      description: body.description ?? null,
      secret: newWebhookSecret(),
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await this.#d.store.createWebhook(webhook);
    return { webhook, secret: webhook.secret };
  }

  async listWebhooks(caller: Caller): Promise<WebhookRecord[]> {
    assertManagesWebhooks(caller);
    return this.#d.store.listWebhooks(caller.tenantId);
  }

  async getWebhook(caller: Caller, id: string): Promise<WebhookRecord> {
    assertManagesWebhooks(caller);
    return this.#webhook(caller, id);
  }

  async updateWebhook(caller: Caller, id: string, input: unknown): Promise<WebhookRecord> {
    assertManagesWebhooks(caller);
    const patch = await this.#parse(PatchWebhookBody, input);
    for (let i = 0; i < MAX_WRITE_ATTEMPTS; i++) {
      const current = await this.#webhook(caller, id);
      const next: WebhookRecord = {
        ...current,
        url: patch.url ?? current.url,
        events: patch.events ? [...patch.events] : current.events,
        active: patch.active ?? current.active,
        description: patch.description === undefined ? current.description : patch.description,
        updatedAt: this.#now().toISOString(),
        version: current.version + 1,
      };
      if (await this.#d.store.replaceWebhook(next, current.version)) return next;
    }
    throw new ConflictError('The webhook changed while it was being updated; try again');
  }

  async deleteWebhook(caller: Caller, id: string): Promise<void> {
    assertManagesWebhooks(caller);
    if (!(await this.#d.store.deleteWebhook(caller.tenantId, id))) throw new NotFoundError('Webhook not found');
  }

  /** A webhook's deliveries, newest first, in cursor pages. */
  async listDeliveries(caller: Caller, webhookId: string, input: unknown): Promise<{ deliveries: DeliveryRecord[]; nextCursor: string | null }> {
    assertManagesWebhooks(caller);
    const query = parseOrThrow(DeliveriesQuery, input);
    await this.#webhook(caller, webhookId);
    const context = `webhook-deliveries:${caller.tenantId}:${webhookId}`;
    let before: string | undefined;
    if (query.cursor !== undefined) {
      const opened = this.#d.sealer.open('list-cursor', query.cursor, context) as { b?: unknown } | undefined;
      if (typeof opened?.b !== 'string') throw new ValidationError([{ path: 'cursor', message: 'is not a cursor of this list' }]);
      before = opened.b;
    }
    const page = await this.#d.store.listDeliveries(caller.tenantId, webhookId, { limit: query.limit, before });
    const last = page.deliveries.at(-1);
    return {
      deliveries: page.deliveries,
      nextCursor: page.more && last ? this.#d.sealer.seal('list-cursor', { b: last.id }, context) : null,
    };
  }

  /**
   * Makes a delivery pending again, due now, with a fresh attempt budget; the retry poller sends it. Any status
   * may be retried (a receiver that lost a delivery it acknowledged can ask for it again).
   */
  async retryDelivery(caller: Caller, webhookId: string, deliveryId: string): Promise<DeliveryRecord> {
    assertManagesWebhooks(caller);
    const webhook = await this.#webhook(caller, webhookId);
    if (!webhook.active) {
      throw new ValidationError([{ path: 'active', message: 'the webhook is inactive; activate it before retrying deliveries' }]);
    }
    for (let i = 0; i < MAX_WRITE_ATTEMPTS; i++) {
      const current = await this.#d.store.getDelivery({ tenantId: caller.tenantId, webhookId, id: deliveryId });
      if (!current) throw new NotFoundError('Delivery not found');
      const now = this.#now().toISOString();
      const next: DeliveryRecord = {
        ...current,
        status: 'pending',
        budgetStart: current.attempts,
        nextAttemptAt: now,
        updatedAt: now,
        version: current.version + 1,
      };
      if (await this.#d.store.saveDelivery(next, current.version)) return next;
    }
    throw new ConflictError('The delivery changed while it was being retried; try again');
  }

  async #webhook(caller: Caller, id: string): Promise<WebhookRecord> {
    const webhook = await this.#d.store.getWebhook(caller.tenantId, id);
    if (!webhook) throw new NotFoundError('Webhook not found');
    return webhook;
  }

  /** Schema issues and (deployed) target issues together: one 422 lists every offending field. */
  async #parse<S extends z.ZodType>(schema: S, input: unknown): Promise<z.infer<S>> {
    const result = schema.safeParse(input);
    const issues = result.success ? [] : zodIssues(result.error);
    const url = (input as { url?: unknown } | null)?.url;
    if (!this.#d.allowPrivateTargets && typeof url === 'string' && !issues.some((i) => i.path === 'url')) {
      issues.push(...(await targetIssues(url, this.#d.resolver)));
    }
    if (issues.length > 0 || !result.success) throw new ValidationError(issues);
    return result.data as z.infer<S>;
  }
}

/** Webhooks belong to admins and services; patients and providers get 403. */
export function assertManagesWebhooks(caller: Caller): void {
  if (caller.role !== 'admin' && caller.role !== 'service') throw new ForbiddenError('Only admins and services manage webhooks');
}

// ---- Delivery -----------------------------------------------------------------------------------------------

export interface DispatcherDeps {
  store: WebhookStore;
  sender: WebhookSender;
  deadLetters: DeadLetterQueue;
  /** Waits before each retry; attempts per budget = 1 + their number. */
  retryDelaysSeconds: readonly number[];
  /** Per-attempt timeout; a claim lasts this long plus a margin. */
  timeoutSeconds: number;
  /** Attempts in flight at once. @default 8 */
  concurrency?: number;
  /** Due deliveries one poll reads at most. @default 500 */
  pollLimit?: number;
  now?: () => Date;
  /** One JSON line per notable event; ids and counts only. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunOptions {
  /** Milliseconds left before the function must return (Lambda `context.getRemainingTimeInMillis`). */
  remainingMs?: () => number;
}

export interface RunSummary {
  /** Deliveries attempted in this run. */
  attempted: number;
  succeeded: number;
  /** Failed attempts that will be retried. */
  retrying: number;
  /** Deliveries that failed their last attempt (dead-lettered), or whose webhook is gone or inactive. */
  failed: number;
  /** New delivery records (deliverEvent only). */
  created: number;
  /** Due deliveries left for a later run: claimed by someone else, out of time, or behind an unreachable receiver. */
  deferred: number;
  /** Items whose processing threw (store errors); they are retried once their claim lapses. */
  errors: number;
}

/** Beyond the attempt's timeout, how long a claim holds a delivery (saving the outcome, clock skew). */
const CLAIM_MARGIN_SECONDS = 60;

type AttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'deferred';

interface Handled {
  outcome: AttemptOutcome;
  /** Whether a request was sent. */
  attempted: boolean;
  /** No HTTP answer at all: the receiver is down, slow or refused. */
  unreachable: boolean;
}

const DEFERRED: Handled = { outcome: 'deferred', attempted: false, unreachable: false };

/** Sends deliveries: right after an event, and again when retries fall due. */
export class WebhookDispatcher {
  readonly #d: DispatcherDeps;
  readonly #now: () => Date;
  readonly #log: (entry: Record<string, unknown>) => void;

  constructor(deps: DispatcherDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
    this.#log = deps.log ?? ((entry) => console.error(JSON.stringify(entry)));
  }

  /**
   * One bus event: a delivery for every active webhook of the tenant that wants its type, each attempted at once.
   * All records are written before any attempt, so a function that dies or runs out of time leaves them for the
   * retry poller. Throws when records cannot be written (the bus then redelivers the event; ids are derived from
   * the event, so a redelivery creates only the missing ones).
   */
  async deliverEvent(event: BusEventDetail, options: RunOptions = {}): Promise<RunSummary> {
    const summary = emptySummary();
    if (!isWebhookEventType(event.type)) return summary;
    const webhooks = (await this.#d.store.listWebhooks(event.tenantId)).filter((w) => wantsEvent(w, event.type));
    if (webhooks.length === 0) return summary;

    const body = payloadOf(event);
    const created = await mapLimit(webhooks, 10, async (webhook) => {
      const now = this.#now();
      const delivery: DeliveryRecord = {
        tenantId: event.tenantId,
        webhookId: webhook.id,
        id: deliveryIdFor(event, webhook.id),
        eventId: event.id,
        eventType: event.type,
        body,
        status: 'pending',
        attempts: 0,
        budgetStart: 0,
        lastStatusCode: null,
        lastError: null,
        // Not due for the poller while this run attempts it (or until then, should this run die first).
        nextAttemptAt: this.#leaseFrom(now),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        version: 1,
      };
      return (await this.#d.store.createDelivery(delivery)) ? { webhook, delivery } : null;
    });
    const fresh = created.filter((c) => c !== null);
    summary.created = fresh.length;

    await mapLimit(fresh, this.#concurrency, async ({ webhook, delivery }) => {
      if (!this.#timeLeft(options)) return count(summary, DEFERRED);
      try {
        count(summary, await this.#claimAndAttempt(webhook, delivery));
      } catch (error) {
        this.#error('webhook attempt failed', delivery, error, summary);
      }
    });
    return summary;
  }

  /**
   * Due deliveries: claimed one at a time and attempted, receivers in parallel (bounded) and each receiver's
   * deliveries in order. A receiver that gives no answer (timeout, refused) is left alone for the rest of the run,
   * so a dead one costs one timeout per run, not one per delivery.
   */
  async retryDue(options: RunOptions = {}): Promise<RunSummary> {
    const summary = emptySummary();
    const due = await this.#d.store.dueDeliveries(this.#now().toISOString(), this.#d.pollLimit ?? 500);
    const byWebhook = new Map<string, DueDelivery[]>();
    for (const item of due) {
      const key = `${item.tenantId}\u0000${item.webhookId}`;
      byWebhook.set(key, [...(byWebhook.get(key) ?? []), item]);
    }

    await mapLimit([...byWebhook.values()], this.#concurrency, async (items) => {
      const first = items[0]!;
      let webhook: WebhookRecord | null;
      try {
        webhook = await this.#d.store.getWebhook(first.tenantId, first.webhookId);
      } catch (error) {
        this.#error('webhook read failed', first, error, summary);
        return;
      }
      for (const [i, item] of items.entries()) {
        if (!this.#timeLeft(options)) {
          summary.deferred += items.length - i;
          return;
        }
        try {
          const handled = webhook?.active
            ? await this.#claimAndAttempt(webhook, item)
            : await this.#abandon(item, webhook ? 'webhook inactive' : 'webhook deleted', webhook !== null);
          count(summary, handled);
          if (handled.unreachable) {
            // The rest of this receiver's due deliveries step aside (a lease, as if claimed, with no attempt
            // counted), so a dead receiver's backlog cannot fill every poll and starve other tenants' retries.
            const rest = items.slice(i + 1);
            summary.deferred += rest.length;
            const until = this.#leaseFrom(this.#now());
            await mapLimit(rest, this.#concurrency, (r) => this.#d.store.claimDelivery(r, r.version, until).catch(() => null));
            return;
          }
        } catch (error) {
          this.#error('webhook attempt failed', item, error, summary);
        }
      }
    });
    return summary;
  }

  get #concurrency(): number {
    return this.#d.concurrency ?? 8;
  }

  #leaseFrom(now: Date): string {
    return new Date(now.getTime() + (this.#d.timeoutSeconds + CLAIM_MARGIN_SECONDS) * 1000).toISOString();
  }

  /** Enough time left for one more attempt (its timeout plus a few seconds to record it). */
  #timeLeft(options: RunOptions): boolean {
    return options.remainingMs === undefined || options.remainingMs() > (this.#d.timeoutSeconds + 5) * 1000;
  }

  async #claimAndAttempt(webhook: WebhookRecord, due: DueDelivery): Promise<Handled> {
    const claimed = await this.#d.store.claimDelivery(due, due.version, this.#leaseFrom(this.#now()));
    if (!claimed) return DEFERRED;

    const startedAt = this.#now();
    const result = await this.#d.sender.send({
      url: webhook.url,
      body: claimed.body,
      headers: signedHeaders(webhook.secret, claimed.eventId, startedAt, claimed.body),
    });
    const next = afterAttempt(claimed, result, this.#now(), this.#d.retryDelaysSeconds);
    const unreachable = !result.ok && result.transport;
    if (!(await this.#d.store.saveDelivery(next, claimed.version))) {
      // Changed during the attempt (a manual retry): that change wins and the poller sends it again.
      this.#log({ level: 'WARN', message: 'webhook delivery changed during its attempt', deliveryId: next.id, webhookId: next.webhookId });
      return { outcome: 'deferred', attempted: true, unreachable };
    }
    if (next.status === 'failed') await this.#deadLetter(next);
    return { outcome: next.status === 'pending' ? 'retrying' : next.status, attempted: true, unreachable };
  }

  /** A pending delivery whose webhook is gone or inactive: failed without an attempt (dead-lettered if inactive). */
  async #abandon(due: DueDelivery, reason: string, deadLetter: boolean): Promise<Handled> {
    const claimed = await this.#d.store.claimDelivery(due, due.version, this.#leaseFrom(this.#now()));
    if (!claimed) return DEFERRED;
    const next: DeliveryRecord = {
      ...claimed,
      status: 'failed',
      lastError: reason,
      nextAttemptAt: null,
      updatedAt: this.#now().toISOString(),
      version: claimed.version + 1,
    };
    if (!(await this.#d.store.saveDelivery(next, claimed.version))) return DEFERRED;
    if (deadLetter) await this.#deadLetter(next);
    return { outcome: 'failed', attempted: false, unreachable: false };
  }

  /** The failed delivery stays in the table either way; a queue outage is logged, not retried. */
  async #deadLetter(d: DeliveryRecord): Promise<void> {
    try {
      await this.#d.deadLetters.send({
        tenantId: d.tenantId,
        webhookId: d.webhookId,
        deliveryId: d.id,
        eventId: d.eventId,
        eventType: d.eventType,
        attempts: d.attempts,
        failedAt: d.updatedAt,
      });
    } catch (error) {
      this.#log({ level: 'ERROR', message: 'dead-letter send failed', deliveryId: d.id, webhookId: d.webhookId, error: (error as Error)?.name });
    }
  }

  #error(message: string, key: Partial<DeliveryKey>, error: unknown, summary: RunSummary): void {
    summary.errors += 1;
    this.#log({ level: 'ERROR', message, deliveryId: key.id, webhookId: key.webhookId, error: (error as Error)?.name ?? 'unknown' });
  }
}

function emptySummary(): RunSummary {
  return { attempted: 0, succeeded: 0, retrying: 0, failed: 0, created: 0, deferred: 0, errors: 0 };
}

function count(summary: RunSummary, handled: Handled): void {
  summary[handled.outcome] += 1;
  if (handled.attempted) summary.attempted += 1;
}

/** `fn` over `items`, at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
