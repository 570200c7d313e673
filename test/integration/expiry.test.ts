/**
 * Expiry against the real local servers: the sweeper does what TTL + the stream do (removes due items and
 * hands the removals, in the stream's shape, to the `ttl-removals` consumer), and the expiry service removes
 * the bytes, thumbnails and share markers and publishes `file.expired` with ids only.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFileIndex } from '../../shared/adapters/dynamo-file-index.ts';
import { S3FileStore } from '../../shared/adapters/s3-file-store.ts';
import { expiredFilesOf } from '../../shared/adapters/ttl-stream.ts';
import { ExpiryService, EXPIRY_TAG } from '../../shared/domain/expiry.ts';
import { contentKey, fileKeyPrefix } from '../../shared/domain/file.ts';
import { expiryTags } from '../../shared/domain/files/stored-object.ts';
import type { ConsumerDef } from '../../shared/events.ts';
import { sweepOnce } from '../../local/expiry-sweeper.ts';
import { RecordingPublisher } from '../support/in-memory-ports.ts';
import { makeIntegrationClients, REGION, type IntegrationClients } from '../support/integration-clients.ts';
import { fileRecord } from '../support/integration-records.ts';

let clients: IntegrationClients;
let index: DynamoFileIndex;
let store: S3FileStore;
let raw: DynamoDBClient;
const tenantId = `expiry-${Date.now()}`;
const consumerDef: ConsumerDef = { name: 'expire-files', trigger: { kind: 'ttl-removals' }, memoryMb: 512, timeoutSeconds: 60, grants: [] };

beforeAll(() => {
  clients = makeIntegrationClients();
  index = new DynamoFileIndex(clients.db, clients.table);
  store = new S3FileStore(clients.s3, clients.bucket);
  raw = new DynamoDBClient({ region: REGION });
});
afterAll(() => {
  clients.destroy();
  raw.destroy();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await clients.s3.send(new ListObjectsV2Command({ Bucket: clients.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

describe('expiry', () => {
  it('tags objects of expiring files for the lifecycle backstop', async () => {
    const createdAt = '2026-11-22T10:00:00.000Z';
    expect(expiryTags({ createdAt, expiresAt: '2026-11-22T11:00:00.000Z' })).toEqual({ [EXPIRY_TAG]: '1' });
    expect(expiryTags({ createdAt, expiresAt: '2026-12-10T10:00:00.000Z' })).toEqual({ [EXPIRY_TAG]: '30' });
    expect(expiryTags({ createdAt, expiresAt: null })).toBeUndefined();
  });

  it('sweeps exactly the due files, as TTL removals, and the consumer removes everything of them', async () => {
    const now = new Date();
    const past = new Date(now.getTime() - 60_000).toISOString();
    const future = new Date(now.getTime() + 3_600_000).toISOString();
    const due = fileRecord({ tenantId, ownerId: 'p1', expiresAt: past, sharedWith: ['p2'] });
    const notYet = fileRecord({ tenantId, ownerId: 'p1', expiresAt: future });
    const forever = fileRecord({ tenantId, ownerId: 'p1', expiresAt: null });
    for (const f of [due, notYet, forever]) {
      await index.create(f);
      await store.put(contentKey(tenantId, f.id), Buffer.from(`bytes of ${f.id}`), {
        contentType: 'text/plain',
        contentDisposition: 'attachment',
        sha256: 'aa'.repeat(32),
      });
    }
    await index.syncShares(due, []);
    await store.put(`${fileKeyPrefix(tenantId, due.id)}thumbnails/200x140.auto`, Buffer.from('thumb'), {
      contentType: 'image/png',
      contentDisposition: 'inline',
      sha256: 'bb'.repeat(32),
    });

    const batches: DynamoDBStreamEvent[] = [];
    const events = new RecordingPublisher();
    const expiry = new ExpiryService(store, index, events);
    const { removed } = await sweepOnce(
      {
        db: raw,
        table: clients.table,
        log: () => undefined,
        consumers: [
          {
            def: consumerDef,
            handler: async (event) => {
              batches.push(event as DynamoDBStreamEvent);
              for (const { file } of expiredFilesOf(event as DynamoDBStreamEvent)) await expiry.expire(file);
            },
          },
        ],
      },
      now,
    );

    expect(removed).toBeGreaterThanOrEqual(1);
    const expired = batches.flatMap((b) => expiredFilesOf(b)).map((e) => e.file).filter((f) => f.tenantId === tenantId);
    expect(expired).toContainEqual({ tenantId, id: due.id, ownerId: 'p1' });
    expect(expired.map((f) => f.id)).not.toContain(notYet.id);
    expect(expired.map((f) => f.id)).not.toContain(forever.id);

    expect(await index.get(tenantId, due.id)).toBeNull();
    expect(await keysUnder(fileKeyPrefix(tenantId, due.id))).toEqual([]);
    const partition = await clients.db.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: clients.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `T#${tenantId}#F#${due.id}` },
      }),
    );
    expect(partition.Items ?? [], 'share markers removed too').toEqual([]);
    // Other tests' expired files may be swept in the same run: only this tenant's events are this test's.
    expect(events.events.filter((e) => e.tenantId === tenantId)).toEqual([
      { type: 'file.expired', tenantId, data: { fileId: due.id, ownerId: 'p1' } },
    ]);
    expect(JSON.stringify(events.events)).not.toContain(due.originalName);

    expect(await index.get(tenantId, notYet.id)).not.toBeNull();
    await clients.s3.send(new HeadObjectCommand({ Bucket: clients.bucket, Key: contentKey(tenantId, notYet.id) }));
  });

  it('a second sweep finds nothing more of this tenant, and expiring again is harmless (idempotent)', async () => {
    const batches: DynamoDBStreamEvent[] = [];
    const capture = [{ def: consumerDef, handler: async (event: unknown) => void batches.push(event as DynamoDBStreamEvent) }];
    await sweepOnce({ db: raw, table: clients.table, log: () => undefined, consumers: capture }, new Date());
    expect(batches.flatMap((b) => expiredFilesOf(b)).filter((e) => e.file.tenantId === tenantId)).toEqual([]);
    const expiry = new ExpiryService(store, index, new RecordingPublisher());
    await expect(expiry.expire({ tenantId, id: '0193a5c2-7e4b-7000-8000-0000000000ee', ownerId: 'p1' })).resolves.toBeUndefined();
  });

  it('leaves a reused id alone: a new upload of the same id keeps its bytes when the old one expires late', async () => {
    const id = '0193a5c2-7e4b-7000-8000-0000000000d1';
    const fresh = fileRecord({ tenantId, id, ownerId: 'p1', expiresAt: null });
    await index.create(fresh);
    await store.put(contentKey(tenantId, id), Buffer.from('new bytes'), { contentType: 'text/plain', contentDisposition: 'attachment', sha256: 'cc'.repeat(32) });
    const events = new RecordingPublisher();
    // The stream handler for the id's previous, expired file runs only now.
    await new ExpiryService(store, index, events).expire({ tenantId, id, ownerId: 'p1' });
    expect(await index.get(tenantId, id)).not.toBeNull();
    await clients.s3.send(new HeadObjectCommand({ Bucket: clients.bucket, Key: contentKey(tenantId, id) }));
    expect(events.events).toEqual([{ type: 'file.expired', tenantId, data: { fileId: id, ownerId: 'p1' } }]);
  });

  it('hands a failed removal to the consumer again on the next sweep', async () => {
    const due = fileRecord({ tenantId, ownerId: 'p3', expiresAt: new Date(Date.now() - 1000).toISOString() });
    await index.create(due);
    let calls = 0;
    const flaky = [{
      def: consumerDef,
      handler: async (event: unknown) => {
        const mine = (event as DynamoDBStreamEvent).Records.filter((r) => JSON.stringify(r.dynamodb?.OldImage).includes(due.id));
        if (mine.length > 0) calls++;
        // The first time, this file's removal fails (storage down, say).
        return { batchItemFailures: calls === 1 ? mine.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) : [] };
      },
    }];
    const first = await sweepOnce({ db: raw, table: clients.table, log: () => undefined, consumers: flaky }, new Date());
    expect(first.failed.map((r) => JSON.stringify(r.dynamodb?.OldImage))).toEqual([expect.stringContaining(due.id)]);
    const second = await sweepOnce({ db: raw, table: clients.table, log: () => undefined, consumers: flaky }, new Date(), first.failed);
    expect(calls).toBe(2);
    expect(second.failed).toEqual([]);
  });

  it('sweeps claims whose upload died, so the id is free again', async () => {
    const id = '0193a5c2-7e4b-7000-8000-0000000000c1';
    await index.claim(tenantId, id, 1);
    await sweepOnce({ db: raw, table: clients.table, log: () => undefined, consumers: [] }, new Date(Date.now() + 5_000));
    await expect(index.claim(tenantId, id, 3600)).resolves.toBeUndefined();
  });
});
