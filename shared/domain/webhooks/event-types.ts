/** The event types a webhook may subscribe to (API.md, "Webhooks"), and which webhook wants which event. */
import type { WebhookRecord } from './records.ts';

export const WEBHOOK_EVENT_TYPES = [
  'file.created', 'file.updated', 'file.archived', 'file.restored', 'file.deleted', 'file.expired',
  'file-request.created', 'file-request.updated', 'file-request.files.updated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (type: string): type is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);

/** Whether an active webhook wants events of this type. */
export function wantsEvent(webhook: Pick<WebhookRecord, 'active' | 'events'>, type: string): boolean {
  return webhook.active && isWebhookEventType(type) && (webhook.events.includes('*') || webhook.events.includes(type));
}
