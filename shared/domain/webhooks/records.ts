/**
 * What the webhook table keeps (API.md, "Webhooks"): registrations and their deliveries. A delivery is one event
 * for one webhook, stored so that a restart never loses one; every change to either is a conditional write on
 * its `version`.
 */

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

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

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

/** A pending delivery that is due, as the schedule index lists it. */
export interface DueDelivery extends DeliveryKey {
  version: number;
}
