/**
 * The in-memory fakes the unit tests use (test/support/in-memory-*.ts) held to the ports' contracts; the same
 * contracts run against the real adapters in test/integration/port-contracts.test.ts, so the fakes cannot drift.
 */
import { expect } from 'vitest';
import { InMemoryAuditTrail } from '../../support/in-memory-audit-trail.ts';
import { describeAuditTrailContract } from '../../support/port-contracts/audit-trail.ts';
import { InMemoryFileRequestStore } from '../../support/in-memory-file-request-store.ts';
import { InMemoryFileIndex, InMemoryFileStore, InMemoryPendingUploads } from '../../support/in-memory-ports.ts';
import { InMemoryWebhookStore } from '../../support/in-memory-webhooks.ts';
import { describeFileIndexContract } from '../../support/port-contracts/file-index.ts';
import { describeFileRequestStoreContract } from '../../support/port-contracts/file-request-store.ts';
import { describeFileStoreContract } from '../../support/port-contracts/file-store.ts';
import { describePendingUploadStoreContract } from '../../support/port-contracts/pending-upload-store.ts';
import { describeWebhookStoreContract } from '../../support/port-contracts/webhook-store.ts';

describeFileStoreContract('InMemoryFileStore', () => {
  const store = new InMemoryFileStore();
  return {
    store,
    clientPut: async (grant, bytes) => {
      expect(store.clientPut(grant.url, bytes, grant.headers)).toBe('ok');
    },
    clientPutPart: async (_url, uploadId, partNumber, bytes) => store.clientPutPart(uploadId, partNumber, bytes),
  };
}, { checksParts: true });
describeFileIndexContract('InMemoryFileIndex', () => new InMemoryFileIndex());
describeFileRequestStoreContract('InMemoryFileRequestStore', () => new InMemoryFileRequestStore());
describeWebhookStoreContract('InMemoryWebhookStore', () => new InMemoryWebhookStore());
describePendingUploadStoreContract('InMemoryPendingUploads', () => new InMemoryPendingUploads());
describeAuditTrailContract('InMemoryAuditTrail', () => new InMemoryAuditTrail());
