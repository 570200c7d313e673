/** A webhook's signing secret, made once at registration and shown to the caller that one time. */
import { randomBytes } from 'node:crypto';

/** `whsec_` + base64 of 32 random bytes: the format the `standardwebhooks` libraries take. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
