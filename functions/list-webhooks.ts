import { toWebhookResource } from '../shared/domain/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';

/** `GET /v1/webhooks` (admin, service): the tenant's webhooks, oldest first, without secrets. */
export const handler = apiHandler(async ({ app, caller }) => {
  const webhooks = await app.webhooks.listWebhooks(caller);
  return json(200, { webhooks: webhooks.map(toWebhookResource) });
});
