import type { Context } from 'aws-lambda';
import { observed } from '../shared/observability/invocation.ts';
import { logger } from '../shared/observability/logger.ts';
import { countWebhookRun } from '../shared/observability/metrics.ts';
import { webhookDispatcher } from '../shared/adapters/wiring/use-cases.ts';
import type { RunSummary } from '../shared/domain/webhooks/dispatcher.ts';

const dispatcher = webhookDispatcher();

/**
 * Schedule (every 60 s deployed, every second locally) → every pending delivery that is due is claimed and
 * attempted. The event itself is ignored: "now" is the clock's.
 */
export const handler = observed('retry-webhooks', async (_event: unknown, context?: Context): Promise<RunSummary> => {
  const summary = await dispatcher.retryDue({
    remainingMs: typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis() : undefined,
  });
  countWebhookRun(summary);
  if (summary.attempted + summary.failed + summary.errors > 0) logger.info('webhook retries', { ...summary });
  return summary;
});
