import { toFileRequestResource } from '../shared/domain/file-requests/record.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, unsupportedBody } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileRequestChanges } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const requests = fileRequestChanges();

/** `POST /v1/file-requests` (provider, admin, service): ask a patient for files. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  if (mediaType(event) !== 'application/json') throw unsupportedBody('application/json');
  const request = await requests.createFileRequest(caller, jsonBody(event));
  return json(201, toFileRequestResource(request));
});
