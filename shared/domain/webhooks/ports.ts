/** What webhooks need from the outside world; implemented in shared/adapters and injected. */
import type { AttemptResult } from './delivery-rules.ts';
import type { DeliveryKey, DeliveryRecord, DueDelivery, WebhookRecord } from './records.ts';

/**
 * Webhooks and their deliveries (DynamoDB). Every write is conditional, with the stores' one convention: a stale
 * version throws VersionConflictError, a taken id AlreadyExistsError (shared/domain/ports.ts).
 */
export interface WebhookStore {
  /** Stores a new webhook (its id is fresh); throws AlreadyExistsError when the id is taken. */
  createWebhook(webhook: WebhookRecord): Promise<void>;
  getWebhook(tenantId: string, id: string): Promise<WebhookRecord | null>;
  /** The tenant's webhooks, oldest first. */
  listWebhooks(tenantId: string): Promise<WebhookRecord[]>;
  /** Replaces a webhook if its stored version is `expectedVersion`; else (changed or gone) throws VersionConflictError. */
  replaceWebhook(webhook: WebhookRecord, expectedVersion: number): Promise<void>;
  /** Removes a webhook; false when there was none. Its deliveries stay (see WebhookDispatcher for pending ones). */
  deleteWebhook(tenantId: string, id: string): Promise<boolean>;
  /** Stores a new delivery; throws AlreadyExistsError when one with its id exists already. */
  createDelivery(delivery: DeliveryRecord): Promise<void>;
  getDelivery(key: DeliveryKey): Promise<DeliveryRecord | null>;
  /** A webhook's deliveries, newest first, strictly older than `before` (a delivery id) when given. */
  listDeliveries(tenantId: string, webhookId: string, page: { limit: number; before?: string }): Promise<{ deliveries: DeliveryRecord[]; more: boolean }>;
  /**
   * Replaces a delivery if its stored version is `expectedVersion`; else throws VersionConflictError. Pending ones
   * are scheduled.
   */
  saveDelivery(delivery: DeliveryRecord, expectedVersion: number): Promise<void>;
  /**
   * Takes a pending delivery for one attempt: only if it is still pending at `expectedVersion`, bumps the version
   * and moves `nextAttemptAt` to `leaseUntil`. The claimed record; VersionConflictError when someone else changed
   * it first (or it is gone).
   */
  claimDelivery(key: DeliveryKey, expectedVersion: number, leaseUntil: string): Promise<DeliveryRecord>;
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

/** Resolves a host name to its addresses (DNS), to check a target at registration. Throws when it cannot. */
export interface HostResolver {
  resolve(hostname: string): Promise<string[]>;
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
