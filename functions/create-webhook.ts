import { toWebhookResource } from '../shared/http/formats/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, unsupportedBody } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { webhooks } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const service = webhooks();

/** `POST /v1/webhooks` (admin, service): register a receiver; the signing secret is shown in this answer only. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  if (mediaType(event) !== 'application/json') throw unsupportedBody('application/json');
  const { webhook, secret } = await service.createWebhook(caller, jsonBody(event));
  return json(201, { ...toWebhookResource(webhook), secret });
});
