import { requireUuid } from '../shared/domain/validation.ts';
import { apiHandler } from '../shared/http/api.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { uploadResumption } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const uploads = uploadResumption();

/** `DELETE /v1/uploads/{fileId}`: aborts a direct upload; its id is 404 from then on. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = requireUuid(event.pathParameters?.fileId, 'fileId');
  await uploads.abort(caller, id);
  return { status: 204 };
});
