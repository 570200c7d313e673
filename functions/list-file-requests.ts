import { ListFileRequestsQuery, toFileRequestResource } from '../shared/domain/file-requests.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { queryParams } from '../shared/http/request.ts';

/** `GET /v1/file-requests`: newest first, by owner and status, cursor pages; one index Query per status. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const query = parseOrThrow(ListFileRequestsQuery, queryParams(event));
  const page = await app.fileRequests.listFileRequests(caller, query);
  return json(200, { fileRequests: page.fileRequests.map(toFileRequestResource), nextCursor: page.nextCursor });
});
