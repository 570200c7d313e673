import { RenewUploadBody } from '../shared/domain/large-uploads/bodies.ts';
import { parseOrThrow, requireUuid } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, rawBody, unsupportedBody } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { uploadResumption } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const uploads = uploadResumption();

/** `POST /v1/uploads/{fileId}/renew`: fresh URLs for the parts asked, or for every part storage does not hold. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = requireUuid(event.pathParameters?.fileId, 'fileId');
  // The body is optional; when there is one it is JSON.
  const empty = rawBody(event).toString('utf8').trim() === '';
  if (!empty && mediaType(event) !== 'application/json') throw unsupportedBody('application/json');
  const body = parseOrThrow(RenewUploadBody, empty ? {} : jsonBody(event));
  return json(200, await uploads.renew(caller, id, body.partNumbers));
});
