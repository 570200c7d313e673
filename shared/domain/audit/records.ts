/**
 * The audit trail's record (API.md, "Audit"): who did what to which file, when, how, and whether it was allowed.
 * Ids, roles, actions and outcomes only: never a file name, description, message or token.
 */
import type { Role } from '../schemas.ts';

export const AUDIT_ACTIONS = ['create', 'read', 'download', 'thumbnail', 'update', 'share', 'archive', 'restore', 'delete'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['success', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const AUDIT_VIAS = ['token', 'signed_link'] as const;
export type AuditVia = (typeof AUDIT_VIAS)[number];

export interface AuditRecord {
  /** UUIDv7: records sort by it. */
  id: string;
  at: string;
  tenantId: string;
  actor: { id: string; role: Role };
  action: AuditAction;
  fileId: string;
  outcome: AuditOutcome;
  via: AuditVia;
  requestId: string;
  sourceIp: string | null;
  userAgent: string | null;
  /** Set on the reads of a list page (`GET /v1/files`): the file's metadata was in the page. */
  listed?: true;
}

/** What the request adds to a record: where it came from. Set by the HTTP layer on the caller. */
export interface RequestOrigin {
  requestId: string;
  sourceIp: string | null;
  userAgent: string | null;
}
