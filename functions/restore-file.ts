import { etagOf, toFileResource } from '../shared/domain/file.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';

/** `POST /v1/files/{id}/restore` (provider, admin, service): archived → active. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const file = await app.files.restoreFile(caller, pathId(event));
  return json(200, toFileResource(file, caller), { etag: etagOf(file) });
});
