import { toWebhookResource } from '../shared/http/formats/webhooks.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, pathId, unsupportedBody } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { webhooks } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const service = webhooks();

/** `PATCH /v1/webhooks/{id}` (admin, service): url, events, active, description. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = pathId(event);
  if (mediaType(event) !== 'application/json' && mediaType(event) !== 'application/merge-patch+json') {
    throw unsupportedBody('application/json');
  }
  return json(200, toWebhookResource(await service.updateWebhook(caller, id, jsonBody(event))));
});
