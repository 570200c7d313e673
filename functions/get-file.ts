import { etagOf, toFileResource } from '../shared/domain/file.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { origin, pathId } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileReads } from '../shared/adapters/wiring/use-cases.ts';
import { config } from '../shared/config.ts';

const auth = authenticator();
const reads = await fileReads();
const settings = config();

/** `GET /v1/files/{id}`: the file and a signed content link (none for archived files). */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const { file, link } = await reads.getFileWithLink(caller, pathId(event), origin(event, settings));
  return json(
    200,
    { ...toFileResource(file, caller), ...(link ? { downloadUrl: link.url, downloadUrlExpiresAt: link.expiresAt } : {}) },
    { etag: etagOf(file) },
  );
});
