/**
 * Checks a webhook delivery per the Standard Webhooks specification (https://www.standardwebhooks.com): the
 * `webhook-signature` header holds one or more `v1,<base64 HMAC-SHA256>` over `{webhook-id}.{webhook-timestamp}.{body}`
 * with the key `whsec_<base64>`, and the timestamp must be within five minutes of now (no replays of old
 * deliveries). WebCrypto only, so it runs in Node, browsers and edge runtimes; `crypto.subtle.verify` compares in
 * constant time.
 */
import type { WebhookEvent } from './types.ts';

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

export interface VerifyOptions {
  /** Accepted clock difference in seconds; default 300. */
  toleranceSeconds?: number;
  /** Milliseconds since the epoch; for tests. */
  now?: number;
}

const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/**
 * The event, once `body` (the raw request body, exactly as received) is shown to be signed with `secret` and
 * recent; a WebhookVerificationError otherwise. Use the `webhook-id` header (also the event's `id`) to ignore
 * repeated deliveries of an event.
 */
export async function verifyWebhook(
  secret: string,
  headers: Headers | Record<string, string | string[] | undefined>,
  body: string,
  options: VerifyOptions = {},
): Promise<WebhookEvent> {
  const header = headerReader(headers);
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header');

  const seconds = /^\d+$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(seconds)) throw new WebhookVerificationError('Invalid webhook-timestamp header');
  if (now - seconds > tolerance) throw new WebhookVerificationError('Message timestamp too old');
  if (seconds - now > tolerance) throw new WebhookVerificationError('Message timestamp too new');

  const rawKey = decodeBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  const key = await crypto.subtle.importKey('raw', rawKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  for (const candidate of signatures.split(' ')) {
    const [version, signature] = candidate.split(',');
    if (version !== 'v1' || !signature) continue;
    const bytes = tryDecodeBase64(signature);
    if (bytes && (await crypto.subtle.verify('HMAC', key, bytes, signed))) return JSON.parse(body) as WebhookEvent;
  }
  throw new WebhookVerificationError('No matching signature found');
}

function headerReader(headers: Headers | Record<string, string | string[] | undefined>): (name: string) => string | undefined {
  if (headers instanceof Headers) return (name) => headers.get(name) ?? undefined;
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(' ') : value]));
  return (name) => lower.get(name);
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function tryDecodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return decodeBase64(text);
  } catch {
    return undefined;
  }
}
