/** What a receiver gets: Standard Webhooks signatures, the body without personal fields, stable delivery ids. */
import { Webhook } from 'standardwebhooks';
import { validate as isValidUuid, version as uuidVersion } from 'uuid';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret } from '../../../../shared/domain/webhooks/secret.ts';
import { deliveryIdFor, payloadOf, signedHeaders } from '../../../../shared/domain/webhooks/signing.ts';

describe('signatures (Standard Webhooks)', () => {
  const body = payloadOf({ id: 'evt-1', type: 'file.created', tenantId: 't1', timestamp: '2026-01-01T00:00:00.000Z', data: { fileId: 'f1' } });

  it('makes secrets of the form whsec_ + base64 of 32 bytes, each new', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('verifies with the standardwebhooks package', () => {
    const secret = newWebhookSecret();
    const headers = signedHeaders(secret, 'evt-1', new Date(), body);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('does not verify with another secret, another body or another id', () => {
    const secret = newWebhookSecret();
    const headers = signedHeaders(secret, 'evt-1', new Date(), body);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('f1', 'f2'), headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt-2' })).toThrow();
  });

  it('signs "{id}.{timestamp}.{body}" with HMAC-SHA256 at the attempt time (seconds)', async () => {
    const { createHmac } = await import('node:crypto');
    const secret = newWebhookSecret();
    const at = new Date('2026-11-22T15:04:05.999Z');
    const headers = signedHeaders(secret, 'evt-1', at, body);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`evt-1.${headers['webhook-timestamp']}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });
});

describe('payloadOf', () => {
  it('is { id, type, timestamp, tenantId, data } and drops names, descriptions and messages at any depth', () => {
    const body = JSON.parse(
      payloadOf({
        id: 'evt-1', type: 'file.created', tenantId: 't1', timestamp: '2026-01-01T00:00:00.000Z',
        data: {
          fileId: 'f1', ownerId: 'patient-1', size: 3, originalName: 'rash.jpg', description: 'left arm',
          files: [{ fileId: 'f2', name: 'x.png', message: 'hi' }], nested: { note: 'n', mimeType: 'image/png' },
        },
      }),
    ) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['id', 'type', 'timestamp', 'tenantId', 'data']);
    expect(body.data).toEqual({ fileId: 'f1', ownerId: 'patient-1', size: 3, files: [{ fileId: 'f2' }], nested: { mimeType: 'image/png' } });
  });
});

describe('deliveryIdFor', () => {
  const event = { id: 'evt-1', timestamp: '2026-01-01T00:00:00.000Z' };

  it('is a UUIDv7 carrying the event time, the same for the same event and webhook', () => {
    const id = deliveryIdFor(event, 'w1');
    expect(isValidUuid(id)).toBe(true);
    expect(uuidVersion(id)).toBe(7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse(event.timestamp));
    expect(deliveryIdFor(event, 'w1')).toBe(id);
  });

  it('differs per webhook and per event', () => {
    const id = deliveryIdFor(event, 'w1');
    expect(deliveryIdFor(event, 'w2')).not.toBe(id);
    expect(deliveryIdFor({ ...event, id: 'evt-2' }, 'w1')).not.toBe(id);
  });
});
