import { etagOf, toFileResource } from '../shared/domain/file.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { origin, pathId } from '../shared/http/request.ts';

/** `GET /v1/files/{id}`: the file and a signed content link (none for archived files). */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const { file, link } = await app.files.getFileWithLink(caller, pathId(event), origin(event, app.config));
  return json(
    200,
    { ...toFileResource(file, caller), ...(link ? { downloadUrl: link.url, downloadUrlExpiresAt: link.expiresAt } : {}) },
    { etag: etagOf(file) },
  );
});
