/** Publishing events after a change is committed. */
import type { DomainEvent, EventPublisher } from './ports.ts';

export type ErrorReporter = (what: string, error: unknown, context: Record<string, unknown>) => void;

/** Only the error's class and the given context (ids, types): SDK messages can echo request data. */
export const reportToStderr: ErrorReporter = (what, error, context) => {
  console.error(JSON.stringify({ level: 'ERROR', what, error: (error as Error)?.name ?? 'unknown', ...context }));
};

const ATTEMPTS = 3;

/**
 * Events go out after the change is committed. A failed publish must not turn a committed change into an error
 * (the client would retry and do it twice), so it is retried with growing waits, then reported without data.
 */
export async function publishAfterCommit(
  publisher: EventPublisher,
  events: DomainEvent[],
  report: ErrorReporter = reportToStderr,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await publisher.publish(events);
      return;
    } catch (error) {
      if (attempt >= ATTEMPTS) {
        report('event publish failed', error, { types: events.map((e) => e.type) });
        return;
      }
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}
