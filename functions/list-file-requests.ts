import { toFileRequestResource } from '../shared/domain/file-requests/record.ts';
import { ListFileRequestsQuery } from '../shared/http/formats/file-requests.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { queryParams } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { fileRequestListing } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const requests = await fileRequestListing();

/** `GET /v1/file-requests`: newest first, by owner and status, cursor pages; one index Query per status. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const query = parseOrThrow(ListFileRequestsQuery, queryParams(event));
  const page = await requests.listFileRequests(caller, query);
  return json(200, { fileRequests: page.fileRequests.map(toFileRequestResource), nextCursor: page.nextCursor });
});
