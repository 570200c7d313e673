/** EventPublisher on an EventBridge bus. Entries carry ids and non-personal fields only. */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { toBusEventDetail } from '../domain/bus-event.ts';
import { InternalError } from '../domain/errors.ts';
import type { DomainEvent, EventPublisher } from '../domain/ports.ts';
import { EVENT_SOURCE } from '../events.ts';

const MAX_ENTRIES = 10;

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const entries = events.slice(i, i + MAX_ENTRIES).map((e) => ({
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: e.type,
        Detail: JSON.stringify(toBusEventDetail(e)),
      }));
      const out = await this.client.send(new PutEventsCommand({ Entries: entries })).catch((error: unknown) => {
        throw new InternalError('event publish failed', { cause: error });
      });
      if (out.FailedEntryCount) throw new InternalError('event publish failed');
    }
  }
}
