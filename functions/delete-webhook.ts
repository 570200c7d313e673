import { apiHandler } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';

/** `DELETE /v1/webhooks/{id}` (admin, service): no more deliveries; pending ones are dropped by the retry poller. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  await app.webhooks.deleteWebhook(caller, pathId(event));
  return { status: 204 };
});
