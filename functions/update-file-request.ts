import { toFileRequestResource } from '../shared/domain/file-requests/record.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, pathId, unsupportedBody } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileRequestChanges } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const requests = fileRequestChanges();

/** `PATCH /v1/file-requests/{id}`: staff change message and status; the patient asked may mark it fulfilled. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = pathId(event);
  if (mediaType(event) !== 'application/json' && mediaType(event) !== 'application/merge-patch+json') {
    throw unsupportedBody('application/json');
  }
  const request = await requests.updateFileRequest(caller, id, jsonBody(event));
  return json(200, toFileRequestResource(request));
});
