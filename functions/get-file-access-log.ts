import { AccessLogQuery } from '../shared/http/formats/audit.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { pathId, queryParams } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { accessLog } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const log = await accessLog();

/** `GET /v1/files/{id}/access-log` (the owner and staff): who accessed the file, newest first. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  const id = pathId(event);
  const query = parseOrThrow(AccessLogQuery, queryParams(event));
  return json(200, await log.accessLog(caller, id, query));
});
