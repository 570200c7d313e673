import { toFileRequestResource } from '../shared/domain/file-requests/record.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileRequestReads } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const requests = fileRequestReads();

/** `GET /v1/file-requests/{id}`: staff see their tenant's requests, a patient only those addressed to it. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const request = await requests.getFileRequest(caller, pathId(event));
  return json(200, toFileRequestResource(request));
});
