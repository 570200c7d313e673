/** What follows a committed change: steps that are retried, then reported, but never fail the change. */
import type { DomainEvent, EventPublisher } from './ports.ts';

export type ErrorReporter = (what: string, error: unknown, context: Record<string, unknown>) => void;

/**
 * Reports nothing: the default of services built without a reporter (unit tests). Every function's wiring passes
 * the logger's (shared/adapters/reporters.ts), which logs the error's class and the given ids.
 */
export const reportNothing: ErrorReporter = () => undefined;

const ATTEMPTS = 3;

/**
 * A step after a change is committed (publishing its events, writing derived records). Its failure must not turn
 * the committed change into an error (the client would retry and do it twice), so it is retried with growing
 * waits, then reported as `what` with `context` (ids and types only).
 */
export async function afterCommit(
  step: () => Promise<unknown>,
  what: string,
  context: Record<string, unknown>,
  report: ErrorReporter = reportNothing,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return;
    } catch (error) {
      if (attempt >= ATTEMPTS) {
        report(what, error, context);
        return;
      }
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}

/** Events go out after the change is committed (see `afterCommit`). */
export function publishAfterCommit(publisher: EventPublisher, events: DomainEvent[], report?: ErrorReporter): Promise<void> {
  return afterCommit(() => publisher.publish(events), 'event publish failed', { types: events.map((e) => e.type) }, report);
}
