import { toFileRequestResource } from '../shared/domain/file-requests.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, pathId, unsupportedBody } from '../shared/http/request.ts';

/** `PATCH /v1/file-requests/{id}`: staff change message and status; the patient asked may mark it fulfilled. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const id = pathId(event);
  if (mediaType(event) !== 'application/json' && mediaType(event) !== 'application/merge-patch+json') {
    throw unsupportedBody('application/json');
  }
  const request = await app.fileRequests.updateFileRequest(caller, id, jsonBody(event));
  return json(200, toFileRequestResource(request));
});
