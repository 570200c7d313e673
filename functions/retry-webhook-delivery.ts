import { requireUuid } from '../shared/domain/validation.ts';
import { toDeliveryResource } from '../shared/domain/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';

/**
 * `POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry` (admin, service): pending again, due now, with a fresh
 * attempt budget; the retry poller sends it. 202 with the delivery as it now stands.
 */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const webhookId = pathId(event);
  const deliveryId = requireUuid(event.pathParameters?.deliveryId, 'deliveryId');
  return json(202, toDeliveryResource(await app.webhooks.retryDelivery(caller, webhookId, deliveryId)));
});
