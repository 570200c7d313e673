/**
 * The audit routes on the wire (API.md, "Audit"): the trail's events, a file's access log, and their query strings.
 * Each resource schema describes the domain's shape (`satisfies`), so the two cannot drift.
 */
import * as z from 'zod/mini';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, AUDIT_VIAS, type AuditRecord } from '../../domain/audit/records.ts';
import type { AccessLogEntry } from '../../domain/audit/access-log.ts';
import { Role, UserId, Uuid } from '../../domain/schemas.ts';
import { PageCursor, pageLimit } from './pages.ts';

const Actor = z.object({ id: z.string(), role: Role });
const Action = z.enum(AUDIT_ACTIONS);
const Via = z.enum(AUDIT_VIAS);
const Listed = z.optional(z.literal(true)).register(z.globalRegistry, {
  description: 'Present on the reads of a list page (`GET /v1/files`): the file was in the page.',
});

export const AuditEventResource = z
  .object({
    id: Uuid,
    at: z.string(),
    tenantId: z.string(),
    actor: Actor,
    action: Action,
    fileId: Uuid,
    outcome: z.enum(AUDIT_OUTCOMES),
    via: Via,
    requestId: z.string(),
    sourceIp: z.nullable(z.string()),
    userAgent: z.nullable(z.string()),
    listed: Listed,
  })
  .register(z.globalRegistry, { id: 'AuditEvent' }) satisfies z.ZodMiniType<AuditRecord>;

export const AuditEventList = z
  .object({ events: z.array(AuditEventResource), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: 'AuditEventList' });

export const AccessLogEntryResource = z
  .object({ at: z.string(), actor: Actor, action: Action, via: Via, listed: Listed })
  .register(z.globalRegistry, { id: 'AccessLogEntry' }) satisfies z.ZodMiniType<AccessLogEntry>;

export const AccessLogPage = z
  .object({ events: z.array(AccessLogEntryResource), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: 'AccessLog' });

/** `GET /v1/audit-events?…`: filters that combine, and the page (50 by default). */
export const AuditEventsQuery = z.strictObject({
  // Ids are stored in lower case (paths and uploads make them so); compared as such.
  fileId: z.optional(z.pipe(Uuid, z.transform((v) => v.toLowerCase()))),
  actorId: z.optional(UserId),
  action: z.optional(Action),
  limit: pageLimit(50),
  cursor: PageCursor,
});

/** `GET /v1/files/{id}/access-log?…`: the page (50 by default). */
export const AccessLogQuery = z.strictObject({ limit: pageLimit(50), cursor: PageCursor });
