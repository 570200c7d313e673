/** WebhookDispatcher on an in-memory store, with a scripted sender and a controllable clock. */
import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it } from 'vitest';
import { Sealer } from '../../../../shared/domain/sealing.ts';
import { WebhookDispatcher } from '../../../../shared/domain/webhooks/dispatcher.ts';
import type { DeliveryRecord } from '../../../../shared/domain/webhooks/records.ts';
import { webhookUseCases, type WebhookUseCases } from '../../../support/webhook-use-cases.ts';
import {
  admin,
  busEvent,
  InMemoryWebhookStore,
  otherAdmin,
  publicResolver,
  RecordingDeadLetters,
  ScriptedSender,
  status,
} from '../../../support/in-memory-webhooks.ts';

describe('WebhookDispatcher', () => {
  let store: InMemoryWebhookStore;
  let sender: ScriptedSender;
  let deadLetters: RecordingDeadLetters;
  let clock: Date;
  const sealer = new Sealer('unit-signing-secret-0123456789abcdef');
  let registry: WebhookUseCases;

  const dispatcher = (over: Partial<ConstructorParameters<typeof WebhookDispatcher>[0]> = {}) =>
    new WebhookDispatcher({ store, sender, deadLetters, retryDelaysSeconds: [1, 1], timeoutSeconds: 10, now: () => clock, log: () => undefined, ...over });
  const register = async (url: string, events: string[] = ['*'], caller = admin) => (await registry.createWebhook(caller, { url, events })).webhook;
  const advance = (seconds: number) => {
    clock = new Date(clock.getTime() + seconds * 1000);
  };

  beforeEach(() => {
    store = new InMemoryWebhookStore();
    sender = new ScriptedSender();
    deadLetters = new RecordingDeadLetters();
    clock = new Date('2026-03-01T10:00:00.000Z');
    registry = webhookUseCases({ store, sealer, resolver: publicResolver, allowPrivateTargets: false, now: () => clock });
  });

  it('delivers to every active webhook of the tenant that wants the type, and to no other', async () => {
    await register('https://all.example/');
    await register('https://created.example/', ['file.created']);
    await register('https://updated.example/', ['file.updated']);
    const paused = await register('https://paused.example/');
    await registry.updateWebhook(admin, paused.id, { active: false });
    await register('https://other-tenant.example/', ['*'], otherAdmin);

    const summary = await dispatcher().deliverEvent(busEvent({ type: 'file.created' }));
    expect(sender.requests.map((r) => r.url).sort()).toEqual(['https://all.example/', 'https://created.example/']);
    expect(summary).toMatchObject({ created: 2, attempted: 2, succeeded: 2, failed: 0, retrying: 0 });
  });

  it("does not let one receiver's backlog starve other tenants' retries", async () => {
    const dead = await register('https://dead.example/');
    const alive = await register('https://alive.example/', ['*'], otherAdmin);
    sender.on('https://dead.example/', () => ({ ok: false, statusCode: null, error: 'connection refused', transport: true }));
    // 60 overdue deliveries to the dead receiver ahead of one to the live one, with polls of 20.
    const record = (webhook: typeof dead, i: number, at: Date): DeliveryRecord => ({
      tenantId: webhook.tenantId, webhookId: webhook.id, id: `0193a5c2-7e4b-7000-8000-${String(i).padStart(12, '0')}`,
      eventId: `evt-${i}`, eventType: 'file.created', body: '{}', status: 'pending', attempts: 1, budgetStart: 0,
      lastStatusCode: null, lastError: null, nextAttemptAt: at.toISOString(), createdAt: at.toISOString(),
      updatedAt: at.toISOString(), version: 1,
    });
    for (let i = 0; i < 60; i++) await store.createDelivery(record(dead, i, new Date(clock.getTime() + i)));
    await store.createDelivery(record(alive, 999, new Date(clock.getTime() + 1000)));
    const run = dispatcher({ pollLimit: 20 });
    for (let minute = 0; minute < 5 && sender.to('https://alive.example/').length === 0; minute++) {
      advance(60);
      await run.retryDue();
    }
    expect(sender.to('https://alive.example/'), 'the live receiver is served within a few polls').toHaveLength(1);
    expect(sender.to('https://dead.example/').length, 'one attempt per poll at the dead one').toBeLessThanOrEqual(5);
  });

  it('ignores event types outside the contract', async () => {
    await register('https://all.example/');
    expect((await dispatcher().deliverEvent(busEvent({ type: 'file.exploded' }))).created).toBe(0);
    expect(sender.requests).toEqual([]);
  });

  it('sends the same webhook-id and body on every attempt, each signed for its own time', async () => {
    clock = new Date(); // receivers check the signed timestamp against their own clock
    const webhook = await register('https://flaky.example/');
    const answers = [500, 500, 200];
    sender.on('https://flaky.example/', () => status(answers.shift()!));
    const d = dispatcher();
    const event = busEvent();
    await d.deliverEvent(event);
    advance(1);
    await d.retryDue();
    advance(1);
    await d.retryDue();
    advance(60);
    await d.retryDue();

    const attempts = sender.to('https://flaky.example/');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.headers['webhook-id']))).toEqual(new Set([event.id]));
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    expect(new Set(attempts.map((a) => a.headers['webhook-timestamp'])).size).toBe(3);
    for (const a of attempts) expect(new Webhook(webhook.secret).verify(a.body, a.headers)).toEqual(JSON.parse(a.body));
    const [delivery] = (await registry.listDeliveries(admin, webhook.id, { limit: 25 })).deliveries;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
  });

  it('waits the configured delays: nothing is sent before a retry is due', async () => {
    const webhook = await register('https://down.example/');
    sender.on('https://down.example/', () => status(503));
    const d = dispatcher({ retryDelaysSeconds: [10, 20] });
    await d.deliverEvent(busEvent());
    const [first] = (await registry.listDeliveries(admin, webhook.id, { limit: 25 })).deliveries;
    expect(first).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: '2026-03-01T10:00:10.000Z' });

    advance(9.999);
    await d.retryDue();
    expect(sender.requests).toHaveLength(1);
    advance(0.001);
    await d.retryDue();
    expect(sender.requests).toHaveLength(2);
    const [second] = (await registry.listDeliveries(admin, webhook.id, { limit: 25 })).deliveries;
    expect(second!.nextAttemptAt).toBe('2026-03-01T10:00:30.000Z');
  });

  it('fails after 1 + delays attempts and dead-letters ids only', async () => {
    const webhook = await register('https://dead.example/');
    sender.on('https://dead.example/', () => status(500));
    const d = dispatcher();
    const event = busEvent();
    await d.deliverEvent(event);
    for (let i = 0; i < 5; i++) {
      advance(1);
      await d.retryDue();
    }
    expect(sender.requests).toHaveLength(3);
    const [delivery] = (await registry.listDeliveries(admin, webhook.id, { limit: 25 })).deliveries;
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null, lastStatusCode: 500 });
    expect(deadLetters.letters).toEqual([
      { tenantId: 't1', webhookId: webhook.id, deliveryId: delivery!.id, eventId: event.id, eventType: 'file.created', attempts: 3, failedAt: '2026-03-01T10:00:02.000Z' },
    ]);
  });

  it('creates each delivery once when the bus delivers an event twice', async () => {
    await register('https://a.example/');
    const event = busEvent();
    await dispatcher().deliverEvent(event);
    const again = await dispatcher().deliverEvent(event);
    expect(again.created).toBe(0);
    expect(sender.requests).toHaveLength(1);
    expect(store.deliveries.size).toBe(1);
  });

  it('runs attempts to different receivers concurrently, at most 8 at a time', async () => {
    for (let i = 0; i < 20; i++) await register(`https://r${i}.example/`);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let eighthSent!: () => void;
    const eightInFlight = new Promise<void>((resolve) => (eighthSent = resolve));
    for (let i = 0; i < 20; i++) sender.on(`https://r${i}.example/`, async () => (sender.inFlight === 8 && eighthSent(), await gate, status(200)));
    const run = dispatcher().deliverEvent(busEvent());
    await eightInFlight;
    expect(sender.inFlight).toBe(8);
    release();
    expect((await run).succeeded).toBe(20);
    expect(sender.maxInFlight).toBe(8);
  });

  it('keeps a hanging receiver from delaying the others', async () => {
    await register('https://hangs.example/');
    await register('https://fine.example/');
    let answerHanging!: (result: ReturnType<typeof status>) => void;
    let hangingInFlight = false;
    sender.on('https://hangs.example/', () => new Promise((resolve) => ((answerHanging = resolve), (hangingInFlight = true))));
    let fineSent!: (whileHanging: boolean) => void;
    const fineSentWhileHanging = new Promise<boolean>((resolve) => (fineSent = resolve));
    sender.on('https://fine.example/', () => (fineSent(hangingInFlight), status(200)));
    const run = dispatcher().deliverEvent(busEvent());
    expect(await fineSentWhileHanging).toBe(true);
    answerHanging(status(504));
    expect((await run).succeeded).toBe(1);
  });

  it('never sends one due attempt twice when two pollers run at once', async () => {
    for (let i = 0; i < 5; i++) {
      await register(`https://p${i}.example/`);
      sender.on(`https://p${i}.example/`, () => status(500));
    }
    await dispatcher().deliverEvent(busEvent());
    expect(sender.requests).toHaveLength(5);
    advance(1);
    const [a, b] = await Promise.all([dispatcher().retryDue(), dispatcher().retryDue()]);
    expect(sender.requests).toHaveLength(10);
    expect(a.attempted + b.attempted).toBe(5);
    expect(a.deferred + b.deferred).toBe(5);
  });

  it('leaves the rest of an unreachable receiver for a later run', async () => {
    const webhook = await register('https://gone.example/');
    sender.on('https://gone.example/', () => ({ ok: false, statusCode: null, error: 'connection refused', transport: true }));
    const d = dispatcher();
    for (let i = 0; i < 4; i++) await d.deliverEvent(busEvent());
    expect(sender.requests).toHaveLength(4);
    advance(1);
    const summary = await d.retryDue();
    expect(sender.requests).toHaveLength(5);
    expect(summary).toMatchObject({ attempted: 1, deferred: 3 });
    const pending = (await registry.listDeliveries(admin, webhook.id, { limit: 25 })).deliveries.filter((x) => x.status === 'pending');
    expect(pending).toHaveLength(4);
  });

  it('stops starting attempts when the function is out of time; the poller takes the rest after the claim', async () => {
    await register('https://a.example/');
    await register('https://b.example/');
    const summary = await dispatcher().deliverEvent(busEvent(), { remainingMs: () => 3000 });
    expect(summary).toMatchObject({ created: 2, attempted: 0, deferred: 2 });
    expect(sender.requests).toHaveLength(0);

    advance(69); // timeout 10 s + 60 s margin
    expect((await dispatcher().retryDue()).attempted).toBe(0);
    advance(1);
    expect((await dispatcher().retryDue()).succeeded).toBe(2);
  });

  it('fails pending deliveries of a deleted webhook without sending, and of an inactive one into the dead-letter queue', async () => {
    const deleted = await register('https://deleted.example/');
    const paused = await register('https://paused.example/');
    sender.on('https://deleted.example/', () => status(500));
    sender.on('https://paused.example/', () => status(500));
    const d = dispatcher();
    await d.deliverEvent(busEvent());
    await registry.deleteWebhook(admin, deleted.id);
    await registry.updateWebhook(admin, paused.id, { active: false });
    advance(1);
    const summary = await d.retryDue();
    expect(summary).toMatchObject({ attempted: 0, failed: 2 });
    expect(sender.requests).toHaveLength(2);
    const stored = [...store.deliveries.values()];
    expect(stored.map((x) => [x.webhookId, x.status, x.lastError]).sort()).toEqual(
      [[deleted.id, 'failed', 'webhook deleted'], [paused.id, 'failed', 'webhook inactive']].sort(),
    );
    expect(deadLetters.letters.map((l) => l.webhookId)).toEqual([paused.id]);
  });

  it('drops the outcome of an attempt that a manual retry overtook, and sends again', async () => {
    const webhook = await register('https://slow.example/');
    let release!: () => void;
    let attempted!: () => void;
    const inFlightNow = new Promise<void>((resolve) => (attempted = resolve));
    sender.on('https://slow.example/', () => new Promise((resolve) => ((release = () => resolve(status(500))), attempted())));
    const d = dispatcher();
    const run = d.deliverEvent(busEvent());
    await inFlightNow;
    const [inFlight] = (await registry.listDeliveries(admin, webhook.id, { limit: 25 })).deliveries;
    await registry.retryDelivery(admin, webhook.id, inFlight!.id);
    release();
    expect((await run).deferred).toBe(1);
    sender.on('https://slow.example/', () => status(200));
    expect((await d.retryDue()).succeeded).toBe(1);
  });
});
