import { AuditEventsQuery } from '../shared/http/formats/audit.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { apiHandler, json } from '../shared/http/api.ts';
import { queryParams } from '../shared/http/request.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { auditTrailReads } from '../shared/adapters/wiring/use-cases.ts';

const auth = authenticator();
const trail = await auditTrailReads();

/** `GET /v1/audit-events` (admin, service): `fileId`, `actorId`, `action` combine; newest first; one query a page. */
export const handler = apiHandler(auth, async ({ event, caller }) => {
  trail.assertMayRead(caller);
  const query = parseOrThrow(AuditEventsQuery, queryParams(event));
  return json(200, await trail.listEvents(caller, query));
});
