import { readCreateUpload } from '../shared/domain/large-uploads.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { jsonBody, mediaType, unsupportedBody } from '../shared/http/request.ts';

/** `POST /v1/uploads`: reserves a file id and returns presigned storage URLs for the bytes (one PUT or parts). */
export const handler = apiHandler(async ({ event, app, caller }) => {
  if (mediaType(event) !== 'application/json') throw unsupportedBody('application/json');
  const input = readCreateUpload(jsonBody(event), app.config);
  return json(201, await app.uploads.createUpload(caller, input));
});
