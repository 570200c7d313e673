/** Webhooks (admin, service) and their deliveries. */
import { eachItem } from '../pages.ts';
import type { Transport } from '../transport.ts';
import type { DeliveryPage, NewWebhook, PageQuery, Webhook, WebhookCreated, WebhookDelivery, WebhookPatch } from '../types.ts';

const webhookPath = (id: string): string => `/v1/webhooks/${encodeURIComponent(id)}`;

export class Webhooks {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The answer is the only one that shows the signing `secret`: keep it for `verifyWebhook()`. */
  create(body: NewWebhook): Promise<WebhookCreated> {
    return this.#transport.json({ method: 'POST', path: '/v1/webhooks', json: body });
  }

  /** The tenant's webhooks (one answer, not paged), without secrets. */
  async list(): Promise<Webhook[]> {
    return (await this.#transport.json<{ webhooks: Webhook[] }>({ method: 'GET', path: '/v1/webhooks' })).webhooks;
  }

  get(id: string): Promise<Webhook> {
    return this.#transport.json({ method: 'GET', path: webhookPath(id) });
  }

  update(id: string, patch: WebhookPatch): Promise<Webhook> {
    return this.#transport.json({ method: 'PATCH', path: webhookPath(id), json: patch, idempotent: true });
  }

  delete(id: string): Promise<void> {
    return this.#transport.empty({ method: 'DELETE', path: webhookPath(id) });
  }

  /** Every delivery of the webhook, page after page. */
  deliveries(id: string, query: PageQuery = {}): AsyncGenerator<WebhookDelivery, void, undefined> {
    return eachItem((q) => this.deliveriesPage(id, q), query, (page) => page.deliveries);
  }

  deliveriesPage(id: string, query: PageQuery = {}): Promise<DeliveryPage> {
    return this.#transport.json({ method: 'GET', path: `${webhookPath(id)}/deliveries`, query });
  }

  /** Sends the delivery again now (202: accepted, it runs in the background). */
  retryDelivery(id: string, deliveryId: string): Promise<void> {
    return this.#transport.empty({
      method: 'POST',
      path: `${webhookPath(id)}/deliveries/${encodeURIComponent(deliveryId)}/retry`,
    });
  }
}
