import { toWebhookResource } from '../shared/domain/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, pathId, unsupportedBody } from '../shared/http/request.ts';

/** `PATCH /v1/webhooks/{id}` (admin, service): url, events, active, description. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const id = pathId(event);
  if (mediaType(event) !== 'application/json' && mediaType(event) !== 'application/merge-patch+json') {
    throw unsupportedBody('application/json');
  }
  return json(200, toWebhookResource(await app.webhooks.updateWebhook(caller, id, jsonBody(event))));
});
