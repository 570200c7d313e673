import { etagOf, toFileResource } from '../shared/domain/file.ts';
import { PatchFileBody } from '../shared/domain/schemas.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { header, jsonBody, mediaType, pathId, unsupportedBody } from '../shared/http/request.ts';

/** `PATCH /v1/files/{id}`: metadata, rename and sharing; optional If-Match (412 on mismatch). */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const id = pathId(event);
  if (mediaType(event) !== 'application/json' && mediaType(event) !== 'application/merge-patch+json') {
    throw unsupportedBody('application/json');
  }
  const patch = parseOrThrow(PatchFileBody, jsonBody(event));
  const file = await app.files.updateFile(caller, id, patch, header(event, 'if-match'));
  return json(200, toFileResource(file, caller), { etag: etagOf(file) });
});
