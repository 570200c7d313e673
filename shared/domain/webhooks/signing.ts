/**
 * What a receiver gets for one event: the body (ids and non-personal fields only, since it leaves the system),
 * its Standard Webhooks signature, and the delivery id derived from the event. Only the dispatcher needs this
 * (and the `standardwebhooks` library); the secret's format is ./secret.ts.
 */
import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import type { BusEventDetail } from '../bus-event.ts';

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
