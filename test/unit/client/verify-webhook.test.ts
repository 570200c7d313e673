/** verifyWebhook against deliveries signed by the `standardwebhooks` package itself. */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../../../client/src/verify-webhook.ts';

const secret = `whsec_${Buffer.from('a-32-byte-secret-for-the-tests!!').toString('base64')}`;
const body = JSON.stringify({ id: 'evt_1', type: 'file.created', timestamp: '2026-11-22T15:04:05.123Z', tenantId: 't1', data: { fileId: 'f1' } });
const now = Date.parse('2026-11-22T15:04:06.000Z');

function signed(options: { at?: number; payload?: string; key?: string } = {}): Record<string, string> {
  const at = new Date(options.at ?? now);
  return {
    'webhook-id': 'evt_1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.key ?? secret).sign('evt_1', at, options.payload ?? body),
  };
}

describe('verifyWebhook', () => {
  it('answers the event for a valid signature, with headers as a record (any case) or Headers', async () => {
    const headers = signed();
    expect(await verifyWebhook(secret, headers, body, { now })).toEqual(JSON.parse(body));
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect((await verifyWebhook(secret, upper, body, { now })).id).toBe('evt_1');
    expect((await verifyWebhook(secret, new Headers(headers), body, { now })).type).toBe('file.created');
  });

  it('accepts any of several signatures (key rotation) and skips other versions', async () => {
    const headers = signed();
    headers['webhook-signature'] = `v2,abc v1,${'A'.repeat(44)} ${headers['webhook-signature']}`;
    expect((await verifyWebhook(secret, headers, body, { now })).id).toBe('evt_1');
  });

  it('refuses a changed body, another secret, a changed id, or missing headers', async () => {
    await expect(verifyWebhook(secret, signed(), body.replace('f1', 'f2'), { now })).rejects.toThrow(WebhookVerificationError);
    const other = `whsec_${Buffer.from('another-secret-of-thirty-two-byt').toString('base64')}`;
    await expect(verifyWebhook(secret, signed({ key: other }), body, { now })).rejects.toThrow('No matching signature found');
    await expect(verifyWebhook(secret, { ...signed(), 'webhook-id': 'evt_2' }, body, { now })).rejects.toThrow('No matching signature found');
    await expect(verifyWebhook(secret, { 'webhook-id': 'evt_1' }, body, { now })).rejects.toThrow(/Missing/);
    await expect(verifyWebhook(secret, { ...signed(), 'webhook-signature': 'v1,not base64!' }, body, { now })).rejects.toThrow('No matching signature found');
  });

  it('refuses timestamps more than five minutes away (replays), as the package does', async () => {
    const old = signed({ at: now - 301_000 });
    await expect(verifyWebhook(secret, old, body, { now })).rejects.toThrow('too old');
    expect(() => new Webhook(secret).verify(body, old)).toThrow('too old');
    await expect(verifyWebhook(secret, signed({ at: now + 301_000 }), body, { now })).rejects.toThrow('too new');
    await expect(verifyWebhook(secret, { ...signed(), 'webhook-timestamp': '12abc' }, body, { now })).rejects.toThrow('Invalid');
    expect((await verifyWebhook(secret, signed({ at: now - 299_000 }), body, { now })).id).toBe('evt_1');
  });
});
