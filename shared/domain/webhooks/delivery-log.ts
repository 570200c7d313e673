/** A webhook's delivery log (`GET /v1/webhooks/{id}/deliveries`): newest first, in sealed cursor pages. */
import { cursorFingerprint, openCursor, sealCursor } from '../cursors.ts';
import type { Caller } from '../file.ts';
import type { Sealer } from '../sealing.ts';
import type { WebhookStore } from './ports.ts';
import type { DeliveryRecord } from './records.ts';
import { assertManagesWebhooks, tenantWebhook } from './service.ts';

/** One page of a webhook's deliveries, as the route's query asks for it (already validated). */
export interface DeliveriesPageRequest {
  /** 1 to 100. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface DeliveryLogDeps {
  store: WebhookStore;
  /** Seals the list cursors. */
  sealer: Sealer;
}

export class DeliveryLog {
  constructor(private readonly d: DeliveryLogDeps) {}

  async listDeliveries(
    caller: Caller,
    webhookId: string,
    query: DeliveriesPageRequest,
  ): Promise<{ deliveries: DeliveryRecord[]; nextCursor: string | null }> {
    assertManagesWebhooks(caller);
    await tenantWebhook(this.d.store, caller, webhookId);
    const fingerprint = cursorFingerprint(['webhook-deliveries', caller.tenantId, webhookId]);
    const before = openCursor(this.d.sealer, query.cursor, fingerprint);
    const page = await this.d.store.listDeliveries(caller.tenantId, webhookId, { limit: query.limit, before });
    const last = page.deliveries.at(-1);
    const nextCursor = sealCursor(this.d.sealer, page.more && last ? last.id : null, fingerprint);
    return { deliveries: page.deliveries, nextCursor };
  }
}
