/**
 * The event table: every function that is triggered by something other than an HTTP request, and what
 * triggers it. The CDK stack makes an EventBridge rule, a schedule or a stream mapping per entry; the local
 * runtime's in-process bus, its scheduler and its expiry sweeper call the same handler modules with events of
 * the same shape (all but the audit archiver, which is deployed only).
 */
import type { FunctionDef } from './routes.ts';

export type Trigger =
  /** Every MedFiles event on the bus (EventBridge rule on source `medfiles`), delivered asynchronously. */
  | { kind: 'bus' }
  /** A fixed-rate schedule (EventBridge rule). Locally it runs every `localEverySeconds`. */
  | { kind: 'schedule'; everySeconds: number; localEverySeconds: number }
  /** Items removed from the table by TTL (DynamoDB stream); locally the expiry sweeper. */
  | { kind: 'ttl-removals' }
  /**
   * Records written to the audit table (its DynamoDB stream). Deployed only: the local runtime does not run
   * these consumers (dynalite has no streams, and there is no Object Lock archive locally).
   */
  | { kind: 'audit-records' };

export interface ConsumerDef extends FunctionDef {
  readonly trigger: Trigger;
}

/** The source of every MedFiles event on the bus. */
export const EVENT_SOURCE = 'medfiles';

export const consumers: readonly ConsumerDef[] = [
  {
    name: 'deliver-webhooks', trigger: { kind: 'bus' }, memoryMb: 512, timeoutSeconds: 60,
    grants: ['table:read', 'table:write', 'queue:send'],
  },
  {
    name: 'retry-webhooks', trigger: { kind: 'schedule', everySeconds: 60, localEverySeconds: 1 }, memoryMb: 512,
    timeoutSeconds: 120, grants: ['table:read', 'table:write', 'queue:send'],
  },
  {
    name: 'expire-files', trigger: { kind: 'ttl-removals' }, memoryMb: 512, timeoutSeconds: 60,
    grants: ['table:read', 'table:write', 'bucket:read', 'bucket:delete', 'bus:put'],
  },
  {
    name: 'archive-audit-events', trigger: { kind: 'audit-records' }, memoryMb: 512, timeoutSeconds: 60,
    grants: ['audit-archive:write'],
  },
];
