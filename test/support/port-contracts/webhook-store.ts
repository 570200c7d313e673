/**
 * What every WebhookStore must do (shared/domain/webhooks/ports.ts), run against the in-memory fake and against
 * DynamoWebhookStore on the local DynamoDB server: the stores' one conflict convention (a taken id is
 * AlreadyExistsError, a stale version VersionConflictError), pages of deliveries, and the schedule of due ones.
 *
 * The schedule is one index for every tenant, so each test schedules in its own window of 1999 and earlier, each
 * earlier than the last (no other test's deliveries are due at this test's `now`), and what is left pending is
 * settled after the suite so other test files' pollers never see it.
 */
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, VersionConflictError } from '../../../shared/domain/ports.ts';
import type { WebhookStore } from '../../../shared/domain/webhooks/ports.ts';
import type { DeliveryRecord, WebhookRecord } from '../../../shared/domain/webhooks/records.ts';

let windows = 0;

export function describeWebhookStoreContract(name: string, make: () => WebhookStore): void {
  describe(`WebhookStore contract: ${name}`, () => {
    let store: WebhookStore;
    /** A fresh tenant per test: the real table is shared by every test. */
    let tenantId: string;
    /** This test's scheduling window: `at(s)` is `s` seconds into it. */
    let at: (seconds: number) => string;
    const scheduled: { store: WebhookStore; delivery: DeliveryRecord }[] = [];

    beforeEach(() => {
      store = make();
      tenantId = `contract-${randomUUID()}`;
      windows += 1;
      const start = Date.UTC(1999, 0, 1) - windows * 86_400_000;
      at = (seconds) => new Date(start + seconds * 1000).toISOString();
    });

    afterAll(async () => {
      for (const { store: owner, delivery } of scheduled) {
        const current = await owner.getDelivery(delivery);
        if (current?.status !== 'pending') continue;
        await owner.saveDelivery({ ...current, status: 'failed', nextAttemptAt: null, version: current.version + 1 }, current.version);
      }
    });

    const webhook = (over: Partial<WebhookRecord> = {}): WebhookRecord => {
      const created = over.createdAt ?? new Date().toISOString();
      return {
        id: uuidv7(), tenantId, url: 'https://hooks.example.com/medfiles', events: ['*'], active: true, description: null,
        secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', createdAt: created, updatedAt: created, version: 1, ...over,
      };
    };
    /** A pending delivery, due `dueIn` seconds into the window. */
    const delivery = (webhookId: string, over: Partial<DeliveryRecord> = {}, dueIn = 0): DeliveryRecord => {
      const record: DeliveryRecord = {
        tenantId, webhookId, id: uuidv7(), eventId: uuidv7(), eventType: 'file.created', body: '{"type":"file.created"}',
        status: 'pending', attempts: 0, budgetStart: 0, lastStatusCode: null, lastError: null, nextAttemptAt: at(dueIn),
        createdAt: at(0), updatedAt: at(0), version: 1, ...over,
      };
      scheduled.push({ store, delivery: record });
      return record;
    };
    const createDeliveries = async (records: DeliveryRecord[]) => {
      for (const r of records) await store.createDelivery(r);
      return records;
    };
    /** This test's due deliveries (other tests' windows are later, so never due here). */
    const due = async (seconds: number, limit = 100) => (await store.dueDeliveries(at(seconds), limit)).map((d) => d.id);

    describe('webhooks', () => {
      it('gets what was created, null for an absent id; a taken id is AlreadyExistsError', async () => {
        const w = webhook({ description: 'EHR sync', events: ['file.created', 'file.updated'] });
        await store.createWebhook(w);
        expect(await store.getWebhook(tenantId, w.id)).toEqual(w);
        expect(await store.getWebhook(tenantId, uuidv7())).toBeNull();
        expect(await store.getWebhook(`${tenantId}-b`, w.id)).toBeNull();
        await expect(store.createWebhook({ ...w, url: 'https://other.example/' })).rejects.toBeInstanceOf(AlreadyExistsError);
        expect((await store.getWebhook(tenantId, w.id))?.url).toBe(w.url);
      });

      it("lists the tenant's webhooks oldest first, whatever order they were created in", async () => {
        const newer = webhook({ createdAt: '2026-03-02T00:00:00.000Z' });
        const older = webhook({ createdAt: '2026-03-01T00:00:00.000Z' });
        await store.createWebhook(newer);
        await store.createWebhook(older);
        await store.createWebhook(webhook({ tenantId: `${tenantId}-b` }));
        expect((await store.listWebhooks(tenantId)).map((w) => w.id)).toEqual([older.id, newer.id]);
        expect(await store.listWebhooks(`${tenantId}-c`)).toEqual([]);
      });

      it('replaces at the stored version; a stale version or a deleted webhook is VersionConflictError', async () => {
        const w = webhook();
        await store.createWebhook(w);
        const paused = { ...w, active: false, version: 2 };
        await store.replaceWebhook(paused, 1);
        expect(await store.getWebhook(tenantId, w.id)).toEqual(paused);
        await expect(store.replaceWebhook({ ...w, url: 'https://late.example/', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
        expect((await store.getWebhook(tenantId, w.id))?.url).toBe(w.url);
        expect(await store.deleteWebhook(tenantId, w.id)).toBe(true);
        await expect(store.replaceWebhook({ ...paused, version: 3 }, 2)).rejects.toBeInstanceOf(VersionConflictError);
        expect(await store.getWebhook(tenantId, w.id)).toBeNull();
      });

      it('deletes a webhook (false when there is none) and keeps its deliveries', async () => {
        const w = webhook();
        await store.createWebhook(w);
        const [d] = await createDeliveries([delivery(w.id, { status: 'succeeded', nextAttemptAt: null })]);
        expect(await store.deleteWebhook(tenantId, w.id)).toBe(true);
        expect(await store.deleteWebhook(tenantId, w.id)).toBe(false);
        expect(await store.listWebhooks(tenantId)).toEqual([]);
        expect(await store.getDelivery(d!)).toEqual(d);
      });
    });

    describe('deliveries', () => {
      it('gets what was created; a delivery id created twice is AlreadyExistsError, keeping the first', async () => {
        const [d] = await createDeliveries([delivery(uuidv7())]);
        expect(await store.getDelivery(d!)).toEqual(d);
        await expect(store.createDelivery({ ...d!, body: '{"again":true}' })).rejects.toBeInstanceOf(AlreadyExistsError);
        expect((await store.getDelivery(d!))?.body).toBe(d!.body);
        expect(await store.getDelivery({ ...d!, id: uuidv7() })).toBeNull();
        expect(await store.getDelivery({ ...d!, tenantId: `${tenantId}-b` })).toBeNull();
      });

      it("lists a webhook's deliveries newest first, in pages before a delivery id", async () => {
        const webhookId = uuidv7();
        const done = { status: 'succeeded' as const, nextAttemptAt: null };
        const ds = await createDeliveries([delivery(webhookId, done), delivery(webhookId, done), delivery(webhookId, done)]);
        await createDeliveries([delivery(uuidv7(), done)]);
        const [d1, d2, d3] = ds.map((d) => d.id);
        const first = await store.listDeliveries(tenantId, webhookId, { limit: 2 });
        expect({ ids: first.deliveries.map((d) => d.id), more: first.more }).toEqual({ ids: [d3, d2], more: true });
        const second = await store.listDeliveries(tenantId, webhookId, { limit: 2, before: d2 });
        expect({ ids: second.deliveries.map((d) => d.id), more: second.more }).toEqual({ ids: [d1], more: false });
        expect((await store.listDeliveries(tenantId, webhookId, { limit: 3 })).more).toBe(false);
      });

      it('saves at the stored version; a stale version is VersionConflictError, changing nothing', async () => {
        const [d] = await createDeliveries([delivery(uuidv7())]);
        const failedOnce = { ...d!, attempts: 1, lastStatusCode: 500, lastError: 'receiver answered 500', nextAttemptAt: at(60), version: 2 };
        await store.saveDelivery(failedOnce, 1);
        expect(await store.getDelivery(d!)).toEqual(failedOnce);
        await expect(store.saveDelivery({ ...d!, status: 'succeeded', nextAttemptAt: null, version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
        expect(await store.getDelivery(d!)).toEqual(failedOnce);
        await expect(store.saveDelivery(delivery(uuidv7()), 1)).rejects.toBeInstanceOf(VersionConflictError);
      });

      it('claims a pending delivery at its version: version + 1 and due again at the lease', async () => {
        const [d] = await createDeliveries([delivery(uuidv7())]);
        const claimed = await store.claimDelivery(d!, 1, at(70));
        expect(claimed).toEqual({ ...d!, version: 2, nextAttemptAt: at(70) });
        expect(await store.getDelivery(d!)).toEqual(claimed);
      });

      it('refuses a claim on a stale version, of a delivery no longer pending, or of an absent one (VersionConflictError)', async () => {
        const [pending, succeeded] = await createDeliveries([delivery(uuidv7()), delivery(uuidv7(), { status: 'succeeded', nextAttemptAt: null })]);
        await store.claimDelivery(pending!, 1, at(70));
        await expect(store.claimDelivery(pending!, 1, at(80))).rejects.toBeInstanceOf(VersionConflictError);
        await expect(store.claimDelivery(succeeded!, 1, at(80))).rejects.toBeInstanceOf(VersionConflictError);
        await expect(store.claimDelivery({ ...pending!, id: uuidv7() }, 1, at(80))).rejects.toBeInstanceOf(VersionConflictError);
        expect(await store.getDelivery(pending!)).toMatchObject({ version: 2, nextAttemptAt: at(70) });
      });

      it('lets exactly one of several concurrent claims of one version win', async () => {
        const [d] = await createDeliveries([delivery(uuidv7())]);
        const outcomes = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => store.claimDelivery(d!, 1, at(60 + i))));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(VersionConflictError);
      });
    });

    describe('the schedule', () => {
      it('lists pending deliveries due at or before now, earliest first, at most `limit`', async () => {
        const webhookId = uuidv7();
        const [late, early, middle] = await createDeliveries([delivery(webhookId, {}, 30), delivery(webhookId, {}, 10), delivery(webhookId, {}, 20)]);
        await createDeliveries([delivery(webhookId, { status: 'succeeded', nextAttemptAt: null }), delivery(webhookId, { status: 'failed', nextAttemptAt: null })]);
        expect(await due(9)).toEqual([]);
        expect(await due(10)).toEqual([early!.id]);
        expect(await due(30)).toEqual([early!.id, middle!.id, late!.id]);
        expect(await due(30, 2)).toEqual([early!.id, middle!.id]);
        const [first] = await store.dueDeliveries(at(10), 1);
        expect(first).toEqual({ tenantId, webhookId, id: early!.id, version: 1 });
      });

      it('follows saves and claims: a new time moves it, a delivery that stops being pending leaves it', async () => {
        const [a, b] = await createDeliveries([delivery(uuidv7(), {}, 10), delivery(uuidv7(), {}, 10)]);
        await store.saveDelivery({ ...a!, attempts: 1, nextAttemptAt: at(50), version: 2 }, 1);
        await store.claimDelivery(b!, 1, at(40));
        expect(await due(39)).toEqual([]);
        expect(await due(50)).toEqual([b!.id, a!.id]);
        const [dueB] = await store.dueDeliveries(at(40), 1);
        expect(dueB).toMatchObject({ id: b!.id, version: 2 });
        await store.saveDelivery({ ...a!, status: 'succeeded', attempts: 2, nextAttemptAt: null, version: 3 }, 2);
        expect(await due(50)).toEqual([b!.id]);
      });
    });
  });
}
