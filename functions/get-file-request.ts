import { toFileRequestResource } from '../shared/domain/file-requests.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';

/** `GET /v1/file-requests/{id}`: staff see their tenant's requests, a patient only those addressed to it. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const request = await app.fileRequests.getFileRequest(caller, pathId(event));
  return json(200, toFileRequestResource(request));
});
