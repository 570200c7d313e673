import { ListQuery } from '../shared/http/formats/files.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { queryParams } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileListing } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const listing = await fileListing();

/** `GET /v1/files`: filters, sort, cursor pages; one index Query per partition. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const query = parseOrThrow(ListQuery, queryParams(event));
  const page = await listing.listFiles(caller, query);
  return json(200, { files: page.files, count: page.files.length, nextCursor: page.nextCursor });
});
