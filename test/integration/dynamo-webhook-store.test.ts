/**
 * DynamoWebhookStore against the local DynamoDB server: webhooks per tenant, versioned writes, delivery pages
 * newest first, the `schedule` index (only pending deliveries are in it, and only while pending), and claims
 * that exactly one of several concurrent pollers wins.
 *
 * Schedule times here are in 2001, so the due-list queries see only this file's deliveries.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoWebhookStore } from '../../shared/adapters/dynamo-webhook-store.ts';
import { AlreadyExistsError, VersionConflictError } from '../../shared/domain/ports.ts';
import type { DeliveryRecord, WebhookRecord } from '../../shared/domain/webhooks/records.ts';
import { makeIntegrationClients, type IntegrationClients } from '../support/integration-clients.ts';

const run = Date.now();
const tenant = `wh-store-${run}`;
const otherTenant = `wh-store-other-${run}`;

let clients: IntegrationClients;
let store: DynamoWebhookStore;
const created: DeliveryRecord[] = [];

beforeAll(() => {
  clients = makeIntegrationClients();
  store = new DynamoWebhookStore(clients.db, clients.table);
});

afterAll(async () => {
  // Leave nothing pending for the delivery tests that share the table.
  for (const d of created) {
    const current = await store.getDelivery(d);
    if (current?.status === 'pending') await store.saveDelivery({ ...current, status: 'failed', nextAttemptAt: null, version: current.version + 1 }, current.version);
  }
  clients.destroy();
});

function webhook(over: Partial<WebhookRecord> = {}): WebhookRecord {
  const at = new Date().toISOString();
  return {
    id: uuidv7(), tenantId: tenant, url: 'https://hooks.example.com/', events: ['*'], active: true, description: null,
    secret: 'whsec_c2VjcmV0', createdAt: at, updatedAt: at, version: 1, ...over,
  };
}

function delivery(webhookId: string, over: Partial<DeliveryRecord> = {}): DeliveryRecord {
  const at = '2001-01-01T00:00:00.000Z';
  const record: DeliveryRecord = {
    tenantId: tenant, webhookId, id: uuidv7(), eventId: uuidv7(), eventType: 'file.created', body: '{"id":"x"}',
    status: 'pending', attempts: 0, budgetStart: 0, lastStatusCode: null, lastError: null, nextAttemptAt: at,
    createdAt: at, updatedAt: at, version: 1, ...over,
  };
  created.push(record);
  return record;
}

async function rawItem(d: DeliveryRecord): Promise<Record<string, unknown> | undefined> {
  const out = await clients.db.send(
    new GetCommand({ TableName: clients.table, Key: { pk: `T#${d.tenantId}#W#${d.webhookId}`, sk: `D#${d.id}` }, ConsistentRead: true }),
  );
  return out.Item;
}

const mine = (ids: { id: string }[], of: DeliveryRecord[]) => ids.filter((x) => of.some((d) => d.id === x.id)).map((x) => x.id);

describe('webhooks', () => {
  it('creates, reads and lists per tenant, oldest first', async () => {
    const a = webhook({ createdAt: '2026-01-01T00:00:00.000Z' });
    const b = webhook({ createdAt: '2026-01-02T00:00:00.000Z', events: ['file.created'], description: 'EHR' });
    const elsewhere = webhook({ tenantId: otherTenant });
    for (const w of [b, a, elsewhere]) await store.createWebhook(w);

    expect(await store.getWebhook(tenant, a.id)).toEqual(a);
    expect(await store.getWebhook(otherTenant, a.id)).toBeNull();
    expect((await store.listWebhooks(tenant)).map((w) => w.id)).toEqual([a.id, b.id]);
    expect(await store.listWebhooks(otherTenant)).toEqual([elsewhere]);
  });

  it('replaces only at the expected version (else VersionConflictError), and deletes once', async () => {
    const w = webhook();
    await store.createWebhook(w);
    await expect(store.createWebhook(w)).rejects.toBeInstanceOf(AlreadyExistsError);
    await store.replaceWebhook({ ...w, active: false, version: 2 }, 1);
    await expect(store.replaceWebhook({ ...w, url: 'https://late.example/', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.getWebhook(tenant, w.id)).toMatchObject({ active: false, url: w.url, version: 2 });

    expect(await store.deleteWebhook(tenant, w.id)).toBe(true);
    expect(await store.deleteWebhook(tenant, w.id)).toBe(false);
    expect(await store.getWebhook(tenant, w.id)).toBeNull();
    await expect(store.replaceWebhook({ ...w, version: 3 }, 2)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.getWebhook(tenant, w.id)).toBeNull();
  });
});

describe('deliveries', () => {
  it('creates a delivery once and reads it back whole', async () => {
    const d = delivery(uuidv7());
    await store.createDelivery(d);
    await expect(store.createDelivery({ ...d, attempts: 9 })).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await store.getDelivery(d)).toEqual(d);
    expect(await store.getDelivery({ ...d, tenantId: otherTenant })).toBeNull();
    expect(await store.getDelivery({ ...d, webhookId: uuidv7() })).toBeNull();
  });

  it('pages a webhook’s deliveries newest first, each exactly once', async () => {
    const webhookId = uuidv7();
    const all: DeliveryRecord[] = [];
    for (let i = 0; i < 7; i++) {
      const d = delivery(webhookId, { status: 'succeeded', nextAttemptAt: null });
      all.push(d);
      await store.createDelivery(d);
    }
    await store.createDelivery(delivery(uuidv7()));
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await store.listDeliveries(tenant, webhookId, { limit: 3, before });
      seen.push(...out.deliveries.map((d) => d.id));
      if (!out.more) break;
      before = out.deliveries.at(-1)!.id;
    }
    expect(seen).toEqual(all.map((d) => d.id).reverse());
    expect((await store.listDeliveries(tenant, webhookId, { limit: 7 })).more).toBe(false);
    expect((await store.listDeliveries(otherTenant, webhookId, { limit: 7 })).deliveries).toEqual([]);
  });

  it('keeps pending deliveries in the schedule index, and removes them when they stop being pending', async () => {
    const webhookId = uuidv7();
    const due = delivery(webhookId, { nextAttemptAt: '2001-01-01T00:00:01.000Z' });
    const later = delivery(webhookId, { nextAttemptAt: '2001-01-01T00:00:09.000Z' });
    const done = delivery(webhookId, { status: 'succeeded', nextAttemptAt: null });
    for (const d of [later, done, due]) await store.createDelivery(d);

    const raw = await rawItem(due);
    expect(raw).toMatchObject({ xpk: 'DUE', xsk: `2001-01-01T00:00:01.000Z\u0001${due.id}` });
    expect(await rawItem(done)).not.toHaveProperty('xpk');

    const at = (t: string) => store.dueDeliveries(t, 100).then((list) => mine(list, [due, later, done]));
    expect(await at('2001-01-01T00:00:00.999Z')).toEqual([]);
    expect(await at('2001-01-01T00:00:01.000Z')).toEqual([due.id]);
    expect(await at('2001-01-01T00:00:10.000Z')).toEqual([due.id, later.id]);
    const listed = (await store.dueDeliveries('2001-01-01T00:00:01.000Z', 100)).find((x) => x.id === due.id);
    expect(listed).toEqual({ tenantId: tenant, webhookId, id: due.id, version: 1 });

    await store.saveDelivery({ ...due, status: 'succeeded', nextAttemptAt: null, attempts: 1, version: 2 }, 1);
    const after = await rawItem(due);
    expect(after).not.toHaveProperty('xpk');
    expect(after).not.toHaveProperty('xsk');
    expect(await at('2001-01-01T00:00:10.000Z')).toEqual([later.id]);
    await expect(store.saveDelivery({ ...due, attempts: 5, version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('moves a delivery in the schedule when its next attempt changes', async () => {
    const d = delivery(uuidv7(), { nextAttemptAt: '2001-01-02T00:00:00.000Z' });
    await store.createDelivery(d);
    await store.saveDelivery({ ...d, attempts: 1, nextAttemptAt: '2001-01-03T00:00:00.000Z', version: 2 }, 1);
    expect(mine(await store.dueDeliveries('2001-01-02T12:00:00.000Z', 100), [d])).toEqual([]);
    expect(mine(await store.dueDeliveries('2001-01-03T00:00:00.000Z', 100), [d])).toEqual([d.id]);
  });

  it('lets exactly one of several concurrent claims win, and moves the claimed delivery past its lease', async () => {
    const d = delivery(uuidv7(), { nextAttemptAt: '2001-01-04T00:00:00.000Z' });
    await store.createDelivery(d);
    const lease = '2001-01-04T00:01:10.000Z';
    const claims = await Promise.allSettled(Array.from({ length: 5 }, () => store.claimDelivery(d, 1, lease)));
    const won = claims.filter((c) => c.status === 'fulfilled').map((c) => c.value);
    expect(won).toHaveLength(1);
    for (const lost of claims.filter((c) => c.status === 'rejected')) expect(lost.reason).toBeInstanceOf(VersionConflictError);
    expect(won[0]).toEqual({ ...d, version: 2, nextAttemptAt: lease });
    expect(await rawItem(d)).toMatchObject({ xpk: 'DUE', xsk: `${lease}\u0001${d.id}` });
    expect(mine(await store.dueDeliveries('2001-01-04T00:01:09.999Z', 100), [d])).toEqual([]);

    // A stale version or a delivery that is no longer pending cannot be claimed.
    await expect(store.claimDelivery(d, 1, lease)).rejects.toBeInstanceOf(VersionConflictError);
    await store.saveDelivery({ ...won[0]!, status: 'failed', nextAttemptAt: null, version: 3 }, 2);
    await expect(store.claimDelivery(d, 3, lease)).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store.claimDelivery({ ...d, id: uuidv7() }, 1, lease)).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('bounds the due list and returns it earliest first', async () => {
    const webhookId = uuidv7();
    const ds = ['2001-01-05T00:00:03.000Z', '2001-01-05T00:00:01.000Z', '2001-01-05T00:00:02.000Z'].map((t) =>
      delivery(webhookId, { nextAttemptAt: t }),
    );
    for (const d of ds) await store.createDelivery(d);
    const all = await store.dueDeliveries('2001-01-05T00:00:03.000Z', 1000);
    expect(mine(all, ds)).toEqual([ds[1]!.id, ds[2]!.id, ds[0]!.id]);
    expect(await store.dueDeliveries('2001-01-05T00:00:03.000Z', 2)).toHaveLength(2);
  });

  it('keeps a webhook’s deliveries in one partition of their own', async () => {
    const webhookId = uuidv7();
    const d = delivery(webhookId, { status: 'succeeded', nextAttemptAt: null });
    await store.createDelivery(d);
    const out = await clients.db.send(
      new QueryCommand({
        TableName: clients.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `T#${tenant}#W#${webhookId}` },
      }),
    );
    expect(out.Items?.map((i) => i.sk)).toEqual([`D#${d.id}`]);
  });
});
