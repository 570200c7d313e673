import { toFileRequestResource } from '../shared/domain/file-requests.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, unsupportedBody } from '../shared/http/request.ts';

/** `POST /v1/file-requests` (provider, admin, service): ask a patient for files. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  if (mediaType(event) !== 'application/json') throw unsupportedBody('application/json');
  const request = await app.fileRequests.createFileRequest(caller, jsonBody(event));
  return json(201, toFileRequestResource(request));
});
