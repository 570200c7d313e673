import type { DynamoDBStreamEvent } from 'aws-lambda';
import { auditChangesOf, isTampering, type AuditChange } from '../shared/adapters/audit-stream.ts';
import { auditArchive } from '../shared/adapters/wiring/audit-archive.ts';
import { observed } from '../shared/observability/invocation.ts';
import { logger } from '../shared/observability/logger.ts';
import { countAuditTampering } from '../shared/observability/metrics.ts';

const archive = auditArchive();

/**
 * Audit table stream → the batch's changes as one object in the Object Lock archive. Deployed only: there are no
 * streams locally. A failure throws, and the stream mapping retries the batch, halving it, then names what still
 * fails in the dead-letter queue (infra/events.ts).
 */
export const handler = observed('archive-audit-events', async (event: DynamoDBStreamEvent): Promise<void> => {
  const changes = auditChangesOf(event);
  reportTampering(changes);
  await archive.store(changes);
});

/**
 * An ERROR line per record written over or removed in the table (ids and the stream's event name only), and the
 * `AuditTampering` metric infra/audit.ts alarms on. Before the archive write, so that the alarm does not depend on
 * it; a retried batch reports again, which an alarm on "at least one" does not mind.
 */
function reportTampering(changes: readonly AuditChange[]): void {
  const tampered = changes.filter(isTampering);
  for (const change of tampered) {
    logger.error('audit record changed in the table', { eventId: change.previous.id, fileId: change.previous.fileId, eventType: change.event });
  }
  countAuditTampering(tampered.length);
}
