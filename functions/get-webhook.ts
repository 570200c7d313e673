import { toWebhookResource } from '../shared/domain/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';

/** `GET /v1/webhooks/{id}` (admin, service): one webhook, without its secret. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  return json(200, toWebhookResource(await app.webhooks.getWebhook(caller, pathId(event))));
});
