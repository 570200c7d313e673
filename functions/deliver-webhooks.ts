import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { observed } from '../shared/observability/invocation.ts';
import { logger } from '../shared/observability/logger.ts';
import { countWebhookRun } from '../shared/observability/metrics.ts';
import { webhookDispatcher } from '../shared/adapters/wiring/use-cases.ts';
import { BusEventDetail } from '../shared/domain/bus-event.ts';
import type { RunSummary } from '../shared/domain/webhooks/dispatcher.ts';
import { EVENT_SOURCE } from '../shared/events.ts';

const dispatcher = webhookDispatcher();

/**
 * The EventBridge event of the rule on source `medfiles` (the local bus sends the same shape). Only `source` and
 * `detail` are read; the envelope's other fields (`id`, `detail-type`, `time`, ...) may be present.
 */
const DeliverWebhooksEvent = z.object({ source: z.literal(EVENT_SOURCE), detail: BusEventDetail });

/**
 * Every bus event → a delivery per active webhook of the event's tenant that wants its type, each attempted at
 * once (8 receivers at a time). What fails or is left over is retried by retry-webhooks. Throws only when the
 * deliveries cannot be recorded, so the bus redelivers the event (which creates only the missing ones).
 */
export const handler = observed('deliver-webhooks', async (event: unknown, context?: Context): Promise<RunSummary> => {
  const { detail } = DeliverWebhooksEvent.parse(event);
  const summary = await dispatcher.deliverEvent(detail, {
    remainingMs: typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis() : undefined,
  });
  countWebhookRun(summary);
  if (summary.created > 0) logger.info('webhook deliveries', { eventId: detail.id, eventType: detail.type, ...summary });
  return summary;
});
