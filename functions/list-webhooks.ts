import { toWebhookResource } from '../shared/http/formats/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { webhooks } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const service = webhooks();

/** `GET /v1/webhooks` (admin, service): the tenant's webhooks, oldest first, without secrets. */
export const handler = apiHandler(auth, async ({ caller }) => {
  const webhooks = await service.listWebhooks(caller);
  return json(200, { webhooks: webhooks.map(toWebhookResource) });
});
