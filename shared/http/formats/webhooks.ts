/**
 * The webhook routes on the wire (API.md, "Webhooks"): resources and lists as they are answered, the deliveries
 * query string, and the body receivers get. The OpenAPI document is generated from these schemas.
 */
import * as z from 'zod/mini';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/event-types.ts';
import { DELIVERY_STATUSES, type DeliveryRecord, type WebhookRecord } from '../../domain/webhooks/records.ts';
import { PageCursor, PageLimit } from './pages.ts';

export const WebhookResource = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    description: z.nullable(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'Webhook' });
export type WebhookResource = z.infer<typeof WebhookResource>;

export const WebhookCreated = z
  .extend(WebhookResource, {
    secret: z.string().register(z.globalRegistry, {
      description: 'Signing secret (`whsec_` + base64 of 32 bytes) for the `standardwebhooks` libraries. Shown only in this response.',
    }),
  })
  .register(z.globalRegistry, { id: 'WebhookCreated' });

export const WebhookList = z.object({ webhooks: z.array(WebhookResource) }).register(z.globalRegistry, { id: 'WebhookList' });

export const DeliveryResource = z
  .object({
    id: z.uuid(),
    webhookId: z.uuid(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.int().check(z.minimum(0)),
    lastStatusCode: z.nullable(z.int()),
    lastError: z.nullable(z.string()),
    nextAttemptAt: z
      .nullable(z.string())
      .register(z.globalRegistry, { description: 'When the next attempt is due; null unless pending.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'WebhookDelivery' });
export type DeliveryResource = z.infer<typeof DeliveryResource>;

export const DeliveryList = z
  .object({ deliveries: z.array(DeliveryResource), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: 'WebhookDeliveryList' });

/** `GET /v1/webhooks/{id}/deliveries?limit&cursor`. */
export const DeliveriesQuery = z.strictObject({
  limit: PageLimit,
  cursor: PageCursor,
});
export type DeliveriesQuery = z.infer<typeof DeliveriesQuery>;

/** The body of every delivery POST. */
export const WebhookPayload = z
  .object({
    id: z
      .string()
      .register(z.globalRegistry, { description: 'The event id; also the `webhook-id` header, the same on every attempt.' }),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    timestamp: z.string(),
    tenantId: z.string(),
    data: z
      .record(z.string(), z.unknown())
      .register(z.globalRegistry, { description: 'Ids and non-personal fields of the event.' }),
  })
  .register(z.globalRegistry, { id: 'WebhookEvent' });

/** A webhook as answered: never its secret (only the 201 of its creation shows that). */
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

/** A delivery as answered: without its body, and with `nextAttemptAt` null unless pending. */
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
