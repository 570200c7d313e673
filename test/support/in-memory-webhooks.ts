/**
 * In-memory webhook ports and fixtures for unit tests of WebhookService and WebhookDispatcher: a store that keeps
 * the port's contract (versions checked on every write), a sender scripted per URL, a recording dead-letter queue.
 */
import type { BusEventDetail } from '../../shared/domain/bus-event.ts';
import type { Caller } from '../../shared/domain/file.ts';
import { AlreadyExistsError, VersionConflictError } from '../../shared/domain/ports.ts';
import type { AttemptResult } from '../../shared/domain/webhooks/delivery-rules.ts';
import type { DeadLetter, DeadLetterQueue, DeliveryRequest, HostResolver, WebhookSender, WebhookStore } from '../../shared/domain/webhooks/ports.ts';
import type { DeliveryKey, DeliveryRecord, DueDelivery, WebhookRecord } from '../../shared/domain/webhooks/records.ts';

/**
 * The store's contract in memory: versions checked on every write (a stale one throws VersionConflictError, a taken
 * id AlreadyExistsError), the schedule derived from pending records.
 */
export class InMemoryWebhookStore implements WebhookStore {
  readonly webhooks = new Map<string, WebhookRecord>();
  readonly deliveries = new Map<string, DeliveryRecord>();

  #wk = (tenantId: string, id: string) => `${tenantId}/${id}`;
  #dk = (k: DeliveryKey) => `${k.tenantId}/${k.webhookId}/${k.id}`;

  async createWebhook(webhook: WebhookRecord): Promise<void> {
    if (this.webhooks.has(this.#wk(webhook.tenantId, webhook.id))) throw new AlreadyExistsError();
    this.webhooks.set(this.#wk(webhook.tenantId, webhook.id), structuredClone(webhook));
  }
  async getWebhook(tenantId: string, id: string): Promise<WebhookRecord | null> {
    return structuredClone(this.webhooks.get(this.#wk(tenantId, id)) ?? null);
  }
  async listWebhooks(tenantId: string): Promise<WebhookRecord[]> {
    return [...this.webhooks.values()]
      .filter((w) => w.tenantId === tenantId)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1))
      .map((w) => structuredClone(w));
  }
  async replaceWebhook(webhook: WebhookRecord, expectedVersion: number): Promise<void> {
    const current = this.webhooks.get(this.#wk(webhook.tenantId, webhook.id));
    if (current?.version !== expectedVersion) throw new VersionConflictError();
    this.webhooks.set(this.#wk(webhook.tenantId, webhook.id), structuredClone(webhook));
  }
  async deleteWebhook(tenantId: string, id: string): Promise<boolean> {
    return this.webhooks.delete(this.#wk(tenantId, id));
  }
  async createDelivery(delivery: DeliveryRecord): Promise<void> {
    if (this.deliveries.has(this.#dk(delivery))) throw new AlreadyExistsError();
    this.deliveries.set(this.#dk(delivery), structuredClone(delivery));
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
  async saveDelivery(delivery: DeliveryRecord, expectedVersion: number): Promise<void> {
    if (this.deliveries.get(this.#dk(delivery))?.version !== expectedVersion) throw new VersionConflictError();
    this.deliveries.set(this.#dk(delivery), structuredClone(delivery));
  }
  async claimDelivery(key: DeliveryKey, expectedVersion: number, leaseUntil: string): Promise<DeliveryRecord> {
    await Promise.resolve();
    const current = this.deliveries.get(this.#dk(key));
    if (!current || current.status !== 'pending' || current.version !== expectedVersion) throw new VersionConflictError();
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
export class ScriptedSender implements WebhookSender {
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

export class RecordingDeadLetters implements DeadLetterQueue {
  readonly letters: DeadLetter[] = [];
  async send(letter: DeadLetter): Promise<void> {
    this.letters.push(letter);
  }
}

/** The result of an attempt that got an HTTP answer with this status. */
export const status = (code: number): AttemptResult =>
  code >= 200 && code < 300 ? { ok: true, statusCode: code } : { ok: false, statusCode: code, error: `receiver answered ${code}`, transport: false };

export const admin: Caller = { sub: 'admin-1', tenantId: 't1', role: 'admin', via: 'token' };
export const service: Caller = { sub: 'svc-1', tenantId: 't1', role: 'service', via: 'token' };
export const provider: Caller = { sub: 'provider-7', tenantId: 't1', role: 'provider', via: 'token' };
export const patient: Caller = { sub: 'patient-1', tenantId: 't1', role: 'patient', via: 'token' };
export const otherAdmin: Caller = { sub: 'admin-9', tenantId: 't2', role: 'admin', via: 'token' };

export const publicResolver: HostResolver = { resolve: async () => ['93.184.215.14'] };

let eventSeq = 0;
/** A bus event of tenant t1 with a fresh id, as deliver-webhooks receives it. */
export function busEvent(over: Partial<BusEventDetail> = {}): BusEventDetail {
  eventSeq += 1;
  return { id: `evt-${eventSeq}`, type: 'file.created', tenantId: 't1', timestamp: '2026-03-01T10:00:00.000Z', data: { fileId: `f-${eventSeq}` }, ...over };
}
