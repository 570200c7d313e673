import type { DynamoDBStreamEvent } from 'aws-lambda';
import { auditRecordsOf } from '../shared/adapters/audit-stream.ts';
import { auditArchive } from '../shared/adapters/wiring/audit-archive.ts';
import { observed } from '../shared/observability/invocation.ts';

const archive = auditArchive();

/**
 * Audit table stream → the batch's records as one object in the Object Lock archive. Deployed only: there are no
 * streams locally. A failure throws, and the stream mapping retries the batch, halving it, then names what still
 * fails in the dead-letter queue (infra/events.ts).
 */
export const handler = observed('archive-audit-events', async (event: DynamoDBStreamEvent): Promise<void> => {
  await archive.store(auditRecordsOf(event));
});
