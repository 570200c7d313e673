/**
 * The webhook API (API.md, "Webhooks"): registrations and their deliveries, for admins and services of the
 * caller's tenant.
 */
import { v7 as uuidv7 } from 'uuid';
import type * as z from 'zod/mini';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { Caller } from '../file.ts';
import { retryOnConflict } from '../optimistic-writes.ts';
import { zodIssues } from '../validation.ts';
import { CreateWebhookBody, PatchWebhookBody } from './bodies.ts';
import type { HostResolver, WebhookStore } from './ports.ts';
import type { DeliveryRecord, WebhookRecord } from './records.ts';
import { newWebhookSecret } from './secret.ts';
import { targetIssues } from './targets.ts';

/** Bounds the fan-out of one event and keeps `GET /v1/webhooks` a single, unpaged answer. */
export const MAX_WEBHOOKS_PER_TENANT = 50;

export interface WebhookServiceDeps {
  store: WebhookStore;
  resolver: HostResolver;
  /** Local runtime: loopback and private targets allowed. Deployed: refused at registration and on connect. */
  allowPrivateTargets: boolean;
  now?: () => Date;
}

/** Registrations and their deliveries, for admins and services of the caller's tenant. */
export class WebhookService {
  readonly #d: WebhookServiceDeps;
  readonly #now: () => Date;

  constructor(deps: WebhookServiceDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** The new webhook and its secret (the only time the secret is shown). */
  async createWebhook(caller: Caller, input: unknown): Promise<{ webhook: WebhookRecord; secret: string }> {
    assertManagesWebhooks(caller);
    const body = await this.#parse(CreateWebhookBody, input);
    const existing = await this.#d.store.listWebhooks(caller.tenantId);
    if (existing.length >= MAX_WEBHOOKS_PER_TENANT) {
      throw new ValidationError([{ path: '(body)', message: `a tenant may register at most ${MAX_WEBHOOKS_PER_TENANT} webhooks` }]);
    }
    const now = this.#now().toISOString();
    const webhook: WebhookRecord = {
      id: uuidv7(),
      tenantId: caller.tenantId,
      url: body.url,
      events: [...body.events],
      active: true,
      description: body.description ?? null,
      secret: newWebhookSecret(),
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await this.#d.store.createWebhook(webhook);
    return { webhook, secret: webhook.secret };
  }

  async listWebhooks(caller: Caller): Promise<WebhookRecord[]> {
    assertManagesWebhooks(caller);
    return this.#d.store.listWebhooks(caller.tenantId);
  }

  async getWebhook(caller: Caller, id: string): Promise<WebhookRecord> {
    assertManagesWebhooks(caller);
    return this.#webhook(caller, id);
  }

  async updateWebhook(caller: Caller, id: string, input: unknown): Promise<WebhookRecord> {
    assertManagesWebhooks(caller);
    const patch = await this.#parse(PatchWebhookBody, input);
    return retryOnConflict(
      () => this.#webhook(caller, id),
      async (current) => {
        const next: WebhookRecord = {
          ...current,
          url: patch.url ?? current.url,
          events: patch.events ? [...patch.events] : current.events,
          active: patch.active ?? current.active,
          description: patch.description === undefined ? current.description : patch.description,
          updatedAt: this.#now().toISOString(),
          version: current.version + 1,
        };
        await this.#d.store.replaceWebhook(next, current.version);
        return next;
      },
      { onExhausted: () => new ConflictError('The webhook changed while it was being updated; try again') },
    );
  }

  async deleteWebhook(caller: Caller, id: string): Promise<void> {
    assertManagesWebhooks(caller);
    if (!(await this.#d.store.deleteWebhook(caller.tenantId, id))) throw new NotFoundError('Webhook not found');
  }

  /**
   * Makes a delivery pending again, due now, with a fresh attempt budget; the retry poller sends it. Any status
   * may be retried (a receiver that lost a delivery it acknowledged can ask for it again).
   */
  async retryDelivery(caller: Caller, webhookId: string, deliveryId: string): Promise<DeliveryRecord> {
    assertManagesWebhooks(caller);
    const webhook = await this.#webhook(caller, webhookId);
    if (!webhook.active) {
      throw new ValidationError([{ path: 'active', message: 'the webhook is inactive; activate it before retrying deliveries' }]);
    }
    return retryOnConflict(
      async () => {
        const current = await this.#d.store.getDelivery({ tenantId: caller.tenantId, webhookId, id: deliveryId });
        if (!current) throw new NotFoundError('Delivery not found');
        return current;
      },
      async (current) => {
        const now = this.#now().toISOString();
        const next: DeliveryRecord = {
          ...current,
          status: 'pending',
          budgetStart: current.attempts,
          nextAttemptAt: now,
          updatedAt: now,
          version: current.version + 1,
        };
        await this.#d.store.saveDelivery(next, current.version);
        return next;
      },
      { onExhausted: () => new ConflictError('The delivery changed while it was being retried; try again') },
    );
  }

  #webhook(caller: Caller, id: string): Promise<WebhookRecord> {
    return tenantWebhook(this.#d.store, caller, id);
  }

  /** Schema issues and (deployed) target issues together: one 422 lists every offending field. */
  async #parse<S extends z.ZodMiniType>(schema: S, input: unknown): Promise<z.infer<S>> {
    const result = schema.safeParse(input);
    const issues = result.success ? [] : zodIssues(result.error);
    const url = (input as { url?: unknown } | null)?.url;
    if (!this.#d.allowPrivateTargets && typeof url === 'string' && !issues.some((i) => i.path === 'url')) {
      issues.push(...(await targetIssues(url, this.#d.resolver)));
    }
    if (issues.length > 0 || !result.success) throw new ValidationError(issues);
    return result.data as z.infer<S>;
  }
}

/** Webhooks belong to admins and services; patients and providers get 403. */
export function assertManagesWebhooks(caller: Caller): void {
  if (caller.role !== 'admin' && caller.role !== 'service') throw new ForbiddenError('Only admins and services manage webhooks');
}

/** The caller's tenant's webhook; NotFoundError otherwise. */
export async function tenantWebhook(store: WebhookStore, caller: Caller, id: string): Promise<WebhookRecord> {
  const webhook = await store.getWebhook(caller.tenantId, id);
  if (!webhook) throw new NotFoundError('Webhook not found');
  return webhook;
}
