/** WebhookService on an in-memory store: who may manage webhooks, target checks, paging and manual retries. */
import { beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from '../../../../shared/domain/errors.ts';
import { Sealer } from '../../../../shared/domain/sealing.ts';
import { WebhookDispatcher } from '../../../../shared/domain/webhooks/dispatcher.ts';
import type { HostResolver } from '../../../../shared/domain/webhooks/ports.ts';
import { webhookUseCases } from '../../../support/webhook-use-cases.ts';
import {
  admin,
  busEvent,
  InMemoryWebhookStore,
  otherAdmin,
  patient,
  provider,
  publicResolver,
  RecordingDeadLetters,
  ScriptedSender,
  service,
  status,
} from '../../../support/in-memory-webhooks.ts';

async function issuesOfAsync(run: () => Promise<unknown>): Promise<FieldIssue[]> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ValidationError) return error.details;
    throw error;
  }
  return expect.fail('expected a ValidationError');
}

describe('WebhookService', () => {
  let store: InMemoryWebhookStore;
  let clock: Date;
  const sealer = new Sealer('unit-signing-secret-0123456789abcdef');
  const make = (options: { allowPrivateTargets?: boolean; resolver?: HostResolver } = {}) =>
    webhookUseCases({
      store,
      sealer,
      resolver: options.resolver ?? publicResolver,
      allowPrivateTargets: options.allowPrivateTargets ?? false,
      now: () => clock,
    });

  beforeEach(() => {
    store = new InMemoryWebhookStore();
    clock = new Date('2026-03-01T10:00:00.000Z');
  });

  it('lets admins and services register, each webhook with its own secret', async () => {
    const svc = make();
    const secrets = new Set<string>();
    for (const caller of [admin, service]) {
      const { webhook, secret } = await svc.createWebhook(caller, { url: 'https://hooks.example.com/', events: ['*'], description: 'EHR' });
      expect(secret).toMatch(/^whsec_/);
      secrets.add(secret);
      expect(webhook).toMatchObject({ tenantId: 't1', url: 'https://hooks.example.com/', events: ['*'], active: true, description: 'EHR', secret });
      expect(await svc.getWebhook(caller, webhook.id)).toEqual(webhook);
    }
    expect(secrets.size).toBe(2);
    expect(await svc.listWebhooks(admin)).toHaveLength(2);
  });

  it('is 403 for patients and providers on every operation', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://hooks.example.com/', events: ['*'] });
    for (const caller of [patient, provider]) {
      await expect(svc.createWebhook(caller, { url: 'https://hooks.example.com/', events: ['*'] })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.listWebhooks(caller)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.getWebhook(caller, webhook.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.updateWebhook(caller, webhook.id, { active: false })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.deleteWebhook(caller, webhook.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.listDeliveries(caller, webhook.id, { limit: 25 })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(svc.retryDelivery(caller, webhook.id, webhook.id)).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it("is 404 for another tenant's webhook", async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://hooks.example.com/', events: ['*'] });
    await expect(svc.getWebhook(otherAdmin, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.updateWebhook(otherAdmin, webhook.id, { active: false })).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.deleteWebhook(otherAdmin, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.listDeliveries(otherAdmin, webhook.id, { limit: 25 })).rejects.toBeInstanceOf(NotFoundError);
    expect(await svc.listWebhooks(otherAdmin)).toEqual([]);
    expect((await svc.getWebhook(admin, webhook.id)).active).toBe(true);
  });

  it('refuses private targets when they are not allowed, together with the other issues', async () => {
    const svc = make();
    const issues = await issuesOfAsync(() => svc.createWebhook(admin, { url: 'http://127.0.0.1:9000/', events: ['file.nope'] }));
    expect(issues.map((i) => i.path).sort()).toEqual(['events.0', 'url']);
    const resolvingPrivate = make({ resolver: { resolve: async () => ['192.168.0.10'] } });
    expect((await issuesOfAsync(() => resolvingPrivate.createWebhook(admin, { url: 'https://printer.example/', events: ['*'] }))).map((i) => i.path)).toEqual(['url']);
    expect((await issuesOfAsync(() => resolvingPrivate.updateWebhook(admin, 'x', { url: 'https://printer.example/' }))).map((i) => i.path)).toEqual(['url']);
  });

  it('allows loopback targets when private targets are allowed (local runtime), without any lookup', async () => {
    const svc = make({ allowPrivateTargets: true, resolver: { resolve: async () => expect.fail('no lookup expected') } });
    const { webhook } = await svc.createWebhook(admin, { url: 'http://127.0.0.1:9000/hook', events: ['*'] });
    expect(webhook.url).toBe('http://127.0.0.1:9000/hook');
  });

  it('updates url, events, active and description; null clears the description', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://a.example/', events: ['*'], description: 'x' });
    clock = new Date('2026-03-01T11:00:00.000Z');
    const updated = await svc.updateWebhook(admin, webhook.id, { url: 'https://b.example/', events: ['file.created'], active: false, description: null });
    expect(updated).toMatchObject({ url: 'https://b.example/', events: ['file.created'], active: false, description: null, updatedAt: clock.toISOString(), createdAt: webhook.createdAt });
    expect(updated.secret).toBe(webhook.secret);
  });

  it('deletes, then 404', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://a.example/', events: ['*'] });
    await svc.deleteWebhook(admin, webhook.id);
    await expect(svc.deleteWebhook(admin, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.getWebhook(admin, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('caps the webhooks of a tenant', async () => {
    const svc = make();
    for (let i = 0; i < 50; i++) await svc.createWebhook(admin, { url: `https://a.example/${i}`, events: ['*'] });
    const issues = await issuesOfAsync(() => svc.createWebhook(admin, { url: 'https://a.example/51', events: ['*'] }));
    expect(issues[0]!.message).toContain('at most 50');
    await svc.createWebhook(otherAdmin, { url: 'https://a.example/other', events: ['*'] });
  });

  it('pages deliveries newest first with sealed cursors bound to the webhook', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://a.example/', events: ['*'] });
    const { webhook: second } = await svc.createWebhook(admin, { url: 'https://b.example/', events: ['*'] });
    const dispatcher = new WebhookDispatcher({
      store, sender: new ScriptedSender(), deadLetters: new RecordingDeadLetters(), retryDelaysSeconds: [1], timeoutSeconds: 1, now: () => clock,
    });
    for (let i = 0; i < 5; i++) {
      clock = new Date(clock.getTime() + 1000);
      await dispatcher.deliverEvent(busEvent({ id: `evt-${i}`, timestamp: clock.toISOString() }));
    }
    const first = await svc.listDeliveries(admin, webhook.id, { limit: 2 });
    expect(first.deliveries.map((d) => d.eventId)).toEqual(['evt-4', 'evt-3']);
    const next = await svc.listDeliveries(admin, webhook.id, { limit: 2, cursor: first.nextCursor! });
    expect(next.deliveries.map((d) => d.eventId)).toEqual(['evt-2', 'evt-1']);
    const last = await svc.listDeliveries(admin, webhook.id, { limit: 2, cursor: next.nextCursor! });
    expect(last.deliveries.map((d) => d.eventId)).toEqual(['evt-0']);
    expect(last.nextCursor).toBeNull();

    expect((await issuesOfAsync(() => svc.listDeliveries(admin, second.id, { limit: 2, cursor: first.nextCursor! }))).map((i) => i.path)).toEqual(['cursor']);
  });

  it('retries a delivery: pending, due now, fresh budget; unknown delivery 404; inactive webhook 422', async () => {
    const svc = make();
    const { webhook } = await svc.createWebhook(admin, { url: 'https://a.example/', events: ['*'] });
    const sender = new ScriptedSender();
    sender.on('https://a.example/', () => status(500));
    const dispatcher = new WebhookDispatcher({ store, sender, deadLetters: new RecordingDeadLetters(), retryDelaysSeconds: [], timeoutSeconds: 1, now: () => clock });
    await dispatcher.deliverEvent(busEvent({ id: 'evt-r' }));
    const [failed] = (await svc.listDeliveries(admin, webhook.id, { limit: 25 })).deliveries;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });

    clock = new Date(clock.getTime() + 60_000);
    const retried = await svc.retryDelivery(admin, webhook.id, failed!.id);
    expect(retried).toMatchObject({ status: 'pending', attempts: 1, budgetStart: 1, nextAttemptAt: clock.toISOString() });

    await expect(svc.retryDelivery(admin, webhook.id, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    const { webhook: sibling } = await svc.createWebhook(admin, { url: 'https://b.example/', events: ['*'] });
    await expect(svc.retryDelivery(admin, sibling.id, failed!.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.retryDelivery(otherAdmin, webhook.id, failed!.id)).rejects.toBeInstanceOf(NotFoundError);
    await svc.updateWebhook(admin, webhook.id, { active: false });
    expect((await issuesOfAsync(() => svc.retryDelivery(admin, webhook.id, failed!.id))).map((i) => i.path)).toEqual(['active']);
  });
});
