import { apiHandler } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { webhooks } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const service = webhooks();

/** `DELETE /v1/webhooks/{id}` (admin, service): no more deliveries; pending ones are dropped by the retry poller. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  await service.deleteWebhook(caller, pathId(event));
  return { status: 204 };
});
