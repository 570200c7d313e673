import { DeleteQuery } from '../shared/http/formats/files.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler } from '../shared/http/api.ts';
import { pathId, queryParams } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileRemoval, fileStates } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const states = fileStates();
const removal = fileRemoval();

/** `DELETE /v1/files/{id}`: archive; `?permanent=true` (admin) removes bytes, thumbnails and metadata. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = pathId(event);
  const { permanent } = parseOrThrow(DeleteQuery, queryParams(event));
  if (permanent === 'true') await removal.deleteFilePermanently(caller, id);
  else await states.archiveFile(caller, id);
  return { status: 204 };
});
