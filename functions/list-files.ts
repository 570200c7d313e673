import { ListQuery } from '../shared/domain/schemas.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { queryParams } from '../shared/http/request.ts';

/** `GET /v1/files`: filters, sort, cursor pages; one index Query per partition. */
export const handler = apiHandler(async ({ event, app, caller }) => {
  const query = parseOrThrow(ListQuery, queryParams(event));
  const page = await app.files.listFiles(caller, query);
  return json(200, { files: page.files, count: page.files.length, nextCursor: page.nextCursor });
});
