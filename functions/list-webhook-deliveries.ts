import { parseOrThrow } from '../shared/domain/validation.ts';
import { assertManagesWebhooks } from '../shared/domain/webhooks/service.ts';
import { DeliveriesQuery, toDeliveryResource } from '../shared/http/formats/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId, queryParams } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { deliveryLog } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const log = await deliveryLog();

/** `GET /v1/webhooks/{id}/deliveries?limit&cursor` (admin, service): newest first. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = pathId(event);
  assertManagesWebhooks(caller); // a role that may not list gets 403 whatever its query
  const page = await log.listDeliveries(caller, id, parseOrThrow(DeliveriesQuery, queryParams(event)));
  return json(200, { deliveries: page.deliveries.map(toDeliveryResource), nextCursor: page.nextCursor });
});
