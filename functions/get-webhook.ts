import { toWebhookResource } from '../shared/http/formats/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { webhooks } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const service = webhooks();

/** `GET /v1/webhooks/{id}` (admin, service): one webhook, without its secret. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  return json(200, toWebhookResource(await service.getWebhook(caller, pathId(event))));
});
