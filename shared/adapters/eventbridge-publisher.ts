/** EventPublisher on an EventBridge bus. Entries carry ids and non-personal fields only. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { v7 as uuidv7 } from 'uuid';
import { InternalError } from '../domain/errors.ts';
import type { DomainEvent, EventPublisher } from '../domain/ports.ts';

import { EVENT_SOURCE } from '../events.ts';

const MAX_ENTRIES = 10;

/** The `detail` of a MedFiles event on the bus, and the body webhook receivers get. */
export interface BusDetail {
  id: string;
  type: string;
  tenantId: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export function toBusDetail(event: DomainEvent, now = new Date()): BusDetail {
  return { id: uuidv7(), type: event.type, tenantId: event.tenantId, timestamp: now.toISOString(), data: event.data };
}

export class EventBridgePublisher implements EventPublisher {
  readonly #client: EventBridgeClient | undefined;

  /** Without a bus name (e.g. a stack without events) publishing does nothing. */
  constructor(
    private readonly busName: string | undefined,
    region: string,
  ) {
    this.#client = busName ? new EventBridgeClient({ region }) : undefined;
  }

  async publish(events: DomainEvent[]): Promise<void> {
    if (!this.#client || events.length === 0) return;
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const entries = events.slice(i, i + MAX_ENTRIES).map((e) => ({
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: e.type,
        Detail: JSON.stringify(toBusDetail(e)),
      }));
      const out = await this.#client.send(new PutEventsCommand({ Entries: entries })).catch((error: unknown) => {
        throw new InternalError('event publish failed', { cause: error });
      });
      if (out.FailedEntryCount) throw new InternalError('event publish failed');
    }
  }
}
