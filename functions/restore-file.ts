import { etagOf, toFileResource } from '../shared/domain/file.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileStates } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const states = fileStates();

/** `POST /v1/files/{id}/restore` (provider, admin, service): archived → active. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const file = await states.restoreFile(caller, pathId(event));
  return json(200, toFileResource(file, caller), { etag: etagOf(file) });
});
