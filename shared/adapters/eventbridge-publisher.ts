/** EventPublisher on an EventBridge bus. Entries carry ids and non-personal fields only. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { v7 as uuidv7 } from 'uuid';
import { InternalError } from '../domain/errors.ts';
import type { DomainEvent, EventPublisher } from '../domain/ports.ts';

export const EVENT_SOURCE = 'medfiles';
const MAX_ENTRIES = 10;

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
        Detail: JSON.stringify({ id: uuidv7(), type: e.type, tenantId: e.tenantId, timestamp: new Date().toISOString(), data: e.data }),
      }));
      const out = await this.#client.send(new PutEventsCommand({ Entries: entries })).catch((error: unknown) => {
        throw new InternalError('event publish failed', { cause: error });
      });
      if (out.FailedEntryCount) throw new InternalError('event publish failed');
    }
  }
}
