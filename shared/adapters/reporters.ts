/**
 * The domain's reporting ports, written to the log: the domain says what went wrong and with which ids; the
 * error goes in as its class name only (./log-fields.ts).
 */
import type { ErrorReporter } from '../domain/publishing.ts';
import type { DispatcherDeps } from '../domain/webhooks/dispatcher.ts';
import { errorName } from '../observability/log-fields.ts';
import { logger } from '../observability/logger.ts';

/** A step after a committed change that failed for good (an event not published, share markers not written). */
export const reportError: ErrorReporter = (what, error, context) => logger.error(what, { ...context, error: errorName(error) });

/** The webhook dispatcher's notable events: `{ level: 'WARN' | 'ERROR', message, ...ids }`. */
export const logDispatch: NonNullable<DispatcherDeps['log']> = ({ level, message, ...fields }) => {
  if (level === 'WARN') logger.warn(String(message), fields);
  else logger.error(String(message), fields);
};
