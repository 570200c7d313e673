import { etagOf, toFileResource } from '../shared/domain/file.ts';
import { PatchFileBody } from '../shared/domain/schemas.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { header, jsonBody, mediaType, pathId, unsupportedBody } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileChanges } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const changes = fileChanges();

/** `PATCH /v1/files/{id}`: metadata, rename and sharing; optional If-Match (412 on mismatch). */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = pathId(event);
  if (mediaType(event) !== 'application/json' && mediaType(event) !== 'application/merge-patch+json') {
    throw unsupportedBody('application/json');
  }
  const patch = parseOrThrow(PatchFileBody, jsonBody(event));
  const file = await changes.updateFile(caller, id, patch, header(event, 'if-match'));
  return json(200, toFileResource(file, caller), { etag: etagOf(file) });
});
