import { etagOf, toFileResource } from '../shared/domain/file.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';
import { readRawUpload } from '../shared/http/uploads.ts';
import { countUploads } from '../shared/observability/metrics.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileUploads } from '../shared/adapters/wiring/use-cases.ts';
import { config } from '../shared/config.ts';

const auth = authenticator();
const uploads = fileUploads();
const limits = config();

/** `PUT /v1/files/{id}/content`: raw body under a client-chosen id; 201 new, 200 same bytes, 409 different. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = pathId(event);
  const { file, options } = await readRawUpload(event, limits);
  const result = await uploads.putFileContent(caller, id, file, options);
  if (result.created) countUploads([result.file]);
  return json(result.created ? 201 : 200, toFileResource(result.file, caller), { etag: etagOf(result.file) });
});
