/** The webhook routes on the wire: the deliveries query string, and resources that never carry secrets or bodies. */
import { describe, expect, it } from 'vitest';
import type { FieldIssue } from '../../../../shared/domain/errors.ts';
import { zodIssues } from '../../../../shared/domain/validation.ts';
import type { DeliveryRecord, WebhookRecord } from '../../../../shared/domain/webhooks/records.ts';
import { DeliveriesQuery, toDeliveryResource, toWebhookResource } from '../../../../shared/http/formats/webhooks.ts';

function queryIssues(input: unknown): FieldIssue[] {
  const result = DeliveriesQuery.safeParse(input);
  return result.success ? [] : zodIssues(result.error);
}

describe('DeliveriesQuery', () => {
  it('takes limit (default 25) and cursor as query strings', () => {
    expect(DeliveriesQuery.parse({})).toEqual({ limit: 25 });
    expect(DeliveriesQuery.parse({ limit: '2', cursor: 'abc' })).toEqual({ limit: 2, cursor: 'abc' });
  });

  it('refuses a limit outside 1-100 and unknown parameters, together', () => {
    expect(queryIssues({ limit: '0' }).map((i) => i.path)).toEqual(['limit']);
    expect(queryIssues({ limit: '101', extra: '1' }).map((i) => i.path).sort()).toEqual(['(body)', 'limit']);
  });
});

const at = '2026-03-01T10:00:00.000Z';

describe('toWebhookResource', () => {
  it('never shows the secret', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const webhook: WebhookRecord = {
      id: '0193a5c2-7e4b-7000-8000-000000000001', tenantId: 't1', url: 'https://hooks.example.com/', events: ['*'],
      active: true, description: 'EHR', secret, createdAt: at, updatedAt: at, version: 3,
    };
    const resource = toWebhookResource(webhook);
    expect(resource).toEqual({
      id: webhook.id, url: webhook.url, events: ['*'], active: true, description: 'EHR', createdAt: at, updatedAt: at,
    });
    expect(JSON.stringify(resource)).not.toContain(secret.slice(6));
  });
});

describe('toDeliveryResource', () => {
  const delivery: DeliveryRecord = {
    tenantId: 't1', webhookId: '0193a5c2-7e4b-7000-8000-000000000001', id: '0193a5c2-7e4b-7000-8000-000000000002',
    eventId: 'evt-1', eventType: 'file.created', body: '{"secret":"payload"}', status: 'pending', attempts: 1,
    budgetStart: 0, lastStatusCode: 500, lastError: 'receiver answered 500', nextAttemptAt: at, createdAt: at,
    updatedAt: at, version: 2,
  };

  it('shows neither the body nor the bookkeeping, and when the next attempt is due while pending', () => {
    const resource = toDeliveryResource(delivery);
    expect(Object.keys(resource).sort()).toEqual(
      ['attempts', 'createdAt', 'eventId', 'eventType', 'id', 'lastError', 'lastStatusCode', 'nextAttemptAt', 'status', 'updatedAt', 'webhookId'],
    );
    expect(resource.nextAttemptAt).toBe(at);
  });

  it('has no next attempt unless pending', () => {
    expect(toDeliveryResource({ ...delivery, status: 'failed' }).nextAttemptAt).toBeNull();
  });
});
