import { requireUuid } from '../shared/domain/validation.ts';
import { toDeliveryResource } from '../shared/http/formats/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { webhooks } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const service = webhooks();

/**
 * `POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry` (admin, service): pending again, due now, with a fresh
 * attempt budget; the retry poller sends it. 202 with the delivery as it now stands.
 */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const webhookId = pathId(event);
  const deliveryId = requireUuid(event.pathParameters?.deliveryId, 'deliveryId');
  return json(202, toDeliveryResource(await service.retryDelivery(caller, webhookId, deliveryId)));
});
