import { requireUuid } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { uploadResumption } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const uploads = uploadResumption();

/** `GET /v1/uploads/{fileId}`: what storage already holds of a direct upload, so a client can continue it. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = requireUuid(event.pathParameters?.fileId, 'fileId');
  return json(200, await uploads.status(caller, id));
});
