/**
 * The local stand-ins for EventBridge: an in-process bus that hands every published event to the `bus`
 * consumers of the event table (as EventBridge rules do, asynchronously, with retries), and a scheduler that
 * runs the `schedule` consumers. Same handler modules, same event shapes as in AWS.
 */
import { randomUUID } from 'node:crypto';
import type { Context, EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import { toBusEventDetail, type BusEventDetail } from '../shared/domain/bus-event.ts';
import type { DomainEvent, EventPublisher } from '../shared/domain/ports.ts';
import { EVENT_SOURCE, type ConsumerDef } from '../shared/events.ts';

export type ConsumerHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalConsumer {
  def: ConsumerDef;
  handler: ConsumerHandler;
}

/** EventBridge retries failed asynchronous invocations; so does this, a few times with growing waits. */
const ATTEMPTS = 4;
const REGION = 'local';

function context(def: ConsumerDef): Context {
  const deadline = Date.now() + def.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `medfiles-${def.name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:medfiles-${def.name}`,
    memoryLimitInMB: String(def.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/medfiles-${def.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export class LocalEventBus implements EventPublisher {
  #targets: LocalConsumer[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #log: (line: string) => void;
  #closed = false;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  /**
   * Connects the consumers. Separate from the constructor because the consumers' own wiring publishes through
   * this bus (expire-files publishes `file.expired`): the bus must exist before their modules are imported.
   */
  attach(consumers: LocalConsumer[]): void {
    this.#targets = consumers.filter((c) => c.def.trigger.kind === 'bus');
  }

  /** Returns at once: consumers run after the request that published has been answered. */
  async publish(events: DomainEvent[]): Promise<void> {
    for (const event of events) {
      const detail = toBusEventDetail(event);
      const busEvent: EventBridgeEvent<string, BusEventDetail> = {
        version: '0',
        id: randomUUID(),
        'detail-type': event.type,
        source: EVENT_SOURCE,
        account: '000000000000',
        time: detail.timestamp,
        region: REGION,
        resources: [],
        detail,
      };
      for (const target of this.#targets) this.#track(this.#deliver(target, busEvent));
    }
  }

  async #deliver(target: LocalConsumer, event: EventBridgeEvent<string, BusEventDetail>): Promise<void> {
    await new Promise((r) => setImmediate(r));
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        await target.handler(structuredClone(event), context(target.def));
        return;
      } catch (error) {
        if (attempt >= ATTEMPTS) {
          this.#log(`bus: ${target.def.name} failed ${attempt} times on ${event['detail-type']} (${(error as Error)?.name})`);
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  /** Stops retrying and waits for what is running. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
  }
}

/** Runs each `schedule` consumer every `localEverySeconds`, never two runs of one consumer at once. */
export function startSchedules(consumers: LocalConsumer[], log: (line: string) => void): () => Promise<void> {
  const running = new Map<string, Promise<unknown>>();
  const timers = consumers
    .filter((c) => c.def.trigger.kind === 'schedule')
    .map((c) => {
      const every = c.def.trigger.kind === 'schedule' ? c.def.trigger.localEverySeconds : 60;
      return setInterval(() => {
        if (running.has(c.def.name)) return;
        const event: ScheduledEvent = {
          version: '0',
          id: randomUUID(),
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: '000000000000',
          time: new Date().toISOString(),
          region: REGION,
          resources: [],
          detail: {},
        };
        const run = c.handler(event, context(c.def))
          .catch((error: unknown) => log(`schedule: ${c.def.name} failed (${(error as Error)?.name})`))
          .finally(() => running.delete(c.def.name));
        running.set(c.def.name, run);
      }, every * 1000);
    });
  return async () => {
    for (const t of timers) clearInterval(t);
    await Promise.allSettled([...running.values()]);
  };
}
