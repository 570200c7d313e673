/**
 * The `detail` of a MedFiles event on the bus: what the publishers (EventBridge, the local bus) send and what the
 * bus consumers (deliver-webhooks) accept. One schema for both sides, since the payload crosses a process
 * boundary; it holds ids and non-personal fields only.
 */
import { v7 as uuidv7 } from 'uuid';
import * as z from 'zod/mini';
import type { DomainEvent } from './ports.ts';
import { TenantId } from './tenant.ts';

export const BusEventDetail = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/)),
  type: z.string().check(z.minLength(1), z.maxLength(128)),
  tenantId: TenantId,
  timestamp: z.iso.datetime({ offset: false }),
  data: z.record(z.string(), z.unknown()),
});
export type BusEventDetail = z.infer<typeof BusEventDetail>;

/** A domain event as it goes on the bus, with a fresh id (UUIDv7) and the publish time. */
export function toBusEventDetail(event: DomainEvent, now = new Date()): BusEventDetail {
  return { id: uuidv7(), type: event.type, tenantId: event.tenantId, timestamp: now.toISOString(), data: event.data };
}
