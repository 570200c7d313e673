/**
 * Sending deliveries, for the two consumers: `deliverEvent` (every bus event) and `retryDue` (a schedule).
 *
 * Every change to a delivery is a conditional write on its `version`; before an attempt the sender *claims* the
 * delivery (version bump plus a lease: `nextAttemptAt` moves past the attempt's timeout), so two pollers never
 * send the same attempt, and a sender that dies mid-attempt only delays the delivery until the lease runs out.
 */
import type { BusEventDetail } from '../bus-event.ts';
import { mapLimit } from '../map-limit.ts';
import { unlessRaced } from '../optimistic-writes.ts';
import { afterAttempt } from './delivery-rules.ts';
import { isWebhookEventType, wantsEvent } from './event-types.ts';
import type { DeadLetterQueue, WebhookSender, WebhookStore } from './ports.ts';
import type { DeliveryKey, DeliveryRecord, DueDelivery, WebhookRecord } from './records.ts';
import { deliveryIdFor, payloadOf, signedHeaders } from './signing.ts';

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
  /** Notable events, ids and counts only; the wiring logs them. Default: nowhere. */
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
    this.#log = deps.log ?? (() => undefined);
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
      // A redelivered event finds its records made already (AlreadyExistsError): only the missing ones are new.
      return unlessRaced(async () => {
        await this.#d.store.createDelivery(delivery);
        return { webhook, delivery };
      });
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

  /** The delivery, leased to this run; null when someone else changed it first. */
  #claim(due: DueDelivery): Promise<DeliveryRecord | null> {
    return unlessRaced(() => this.#d.store.claimDelivery(due, due.version, this.#leaseFrom(this.#now())));
  }

  /** Whether the outcome was saved; false when the delivery changed since it was claimed. */
  async #save(next: DeliveryRecord, claimedVersion: number): Promise<boolean> {
    return (await unlessRaced(() => this.#d.store.saveDelivery(next, claimedVersion).then(() => true))) ?? false;
  }

  async #claimAndAttempt(webhook: WebhookRecord, due: DueDelivery): Promise<Handled> {
    const claimed = await this.#claim(due);
    if (!claimed) return DEFERRED;

    const startedAt = this.#now();
    const result = await this.#d.sender.send({
      url: webhook.url,
      body: claimed.body,
      headers: signedHeaders(webhook.secret, claimed.eventId, startedAt, claimed.body),
    });
    const next = afterAttempt(claimed, result, this.#now(), this.#d.retryDelaysSeconds);
    const unreachable = !result.ok && result.transport;
    if (!(await this.#save(next, claimed.version))) {
      // Changed during the attempt (a manual retry): that change wins and the poller sends it again.
      this.#log({ level: 'WARN', message: 'webhook delivery changed during its attempt', deliveryId: next.id, webhookId: next.webhookId });
      return { outcome: 'deferred', attempted: true, unreachable };
    }
    if (next.status === 'failed') await this.#deadLetter(next);
    return { outcome: next.status === 'pending' ? 'retrying' : next.status, attempted: true, unreachable };
  }

  /** A pending delivery whose webhook is gone or inactive: failed without an attempt (dead-lettered if inactive). */
  async #abandon(due: DueDelivery, reason: string, deadLetter: boolean): Promise<Handled> {
    const claimed = await this.#claim(due);
    if (!claimed) return DEFERRED;
    const next: DeliveryRecord = {
      ...claimed,
      status: 'failed',
      lastError: reason,
      nextAttemptAt: null,
      updatedAt: this.#now().toISOString(),
      version: claimed.version + 1,
    };
    if (!(await this.#save(next, claimed.version))) return DEFERRED;
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
