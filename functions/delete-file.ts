import { DeleteQuery } from '../shared/domain/schemas.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler } from '../shared/http/api.ts';
import { pathId, queryParams } from '../shared/http/request.ts';

/** `DELETE /v1/files/{id}`: archive; `?permanent=true` (admin) removes bytes, thumbnails and metadata. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const id = pathId(event);
  const { permanent } = parseOrThrow(DeleteQuery, queryParams(event));
  if (permanent === 'true') await app.files.deleteFilePermanently(caller, id);
  else await app.files.archiveFile(caller, id);
  return { status: 204 };
});
