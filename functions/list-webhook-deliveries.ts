import { toDeliveryResource } from '../shared/domain/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId, queryParams } from '../shared/http/request.ts';

/** `GET /v1/webhooks/{id}/deliveries?limit&cursor` (admin, service): newest first. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const page = await app.webhooks.listDeliveries(caller, pathId(event), queryParams(event));
  return json(200, { deliveries: page.deliveries.map(toDeliveryResource), nextCursor: page.nextCursor });
});
