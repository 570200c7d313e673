/**
 * The real adapters held to the ports' contracts on the local S3 and DynamoDB servers; the same contracts run
 * against the in-memory fakes in test/unit/adapters/port-contracts.test.ts, so the fakes cannot drift.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { DynamoAuditTrail } from '../../shared/adapters/dynamo-audit-trail.ts';
import { describeAuditTrailContract } from '../support/port-contracts/audit-trail.ts';
import { DynamoFileIndex } from '../../shared/adapters/dynamo-file-index.ts';
import { DynamoFileRequestStore } from '../../shared/adapters/dynamo-file-request-store.ts';
import { DynamoPendingUploads } from '../../shared/adapters/dynamo-pending-uploads.ts';
import { DynamoWebhookStore } from '../../shared/adapters/dynamo-webhook-store.ts';
import { S3FileStore } from '../../shared/adapters/s3-file-store.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';
import { describeFileIndexContract } from '../support/port-contracts/file-index.ts';
import { describeFileRequestStoreContract } from '../support/port-contracts/file-request-store.ts';
import { describeFileStoreContract } from '../support/port-contracts/file-store.ts';
import { describePendingUploadStoreContract } from '../support/port-contracts/pending-upload-store.ts';
import { describeWebhookStoreContract } from '../support/port-contracts/webhook-store.ts';

let clients: IntegrationClients;
beforeAll(() => {
  clients = makeIntegrationClients();
});
afterAll(() => clients.destroy());

describeFileStoreContract('S3FileStore', () => ({
  store: new S3FileStore(clients.s3, clients.bucket),
  clientPut: async (grant, bytes) => {
    const response = await fetch(grant.url, { method: 'PUT', headers: grant.headers, body: bytes });
    expect(response.status, await response.text()).toBe(200);
  },
  clientPutPart: async (url, _uploadId, _partNumber, bytes) => {
    const response = await fetch(url, { method: 'PUT', body: bytes });
    expect(response.status).toBe(200);
    return response.headers.get('etag')!;
  },
}), { checksParts: false });
describeFileIndexContract('DynamoFileIndex', () => new DynamoFileIndex(clients.db, clients.table));
describeFileRequestStoreContract('DynamoFileRequestStore', () => new DynamoFileRequestStore(clients.db, clients.table));
describeWebhookStoreContract('DynamoWebhookStore', () => new DynamoWebhookStore(clients.db, clients.table));
describePendingUploadStoreContract('DynamoPendingUploads', () => new DynamoPendingUploads(clients.db, clients.table));
describeAuditTrailContract('DynamoAuditTrail', () => new DynamoAuditTrail(clients.db, clients.auditTable));
