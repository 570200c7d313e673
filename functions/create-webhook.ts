import { toWebhookResource } from '../shared/domain/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, unsupportedBody } from '../shared/http/request.ts';

/** `POST /v1/webhooks` (admin, service): register a receiver; the signing secret is shown in this answer only. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  if (mediaType(event) !== 'application/json') throw unsupportedBody('application/json');
  const { webhook, secret } = await app.webhooks.createWebhook(caller, jsonBody(event));
  return json(201, { ...toWebhookResource(webhook), secret });
});
