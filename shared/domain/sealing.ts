/**
 * Sealed tokens: AES-256-GCM with purpose-bound keys derived (HKDF) from the signing secret.
 * Used for signed content links (the user a link was issued to travels inside, unreadable) and for list
 * cursors (which may hold a file name as a sort position, and so must not be readable in a URL).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export type Purpose = 'content-link' | 'list-cursor';

export class Sealer {
  readonly #keys = new Map<Purpose, Buffer>();

  constructor(secret: string) {
    for (const purpose of ['content-link', 'list-cursor'] as const) {
      this.#keys.set(purpose, Buffer.from(hkdfSync('sha256', secret, 'medfiles', purpose, 32)));
    }
  }

  /** Seals `payload`; `context` is authenticated too (changing it breaks the seal) but not stored. */
  seal(purpose: Purpose, payload: unknown, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(purpose)!, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The payload, or `undefined` when the token is malformed, tampered with or sealed for another context. */
  open(purpose: Purpose, token: string, context = ''): unknown {
    if (!/^[A-Za-z0-9_-]{40,4096}$/.test(token)) return undefined;
    const raw = Buffer.from(token, 'base64url');
    // Only the canonical encoding is accepted: trailing bits must not make two spellings of one token.
    if (raw.length < 29 || raw.toString('base64url') !== token) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#keys.get(purpose)!, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
      return JSON.parse(plain.toString('utf8'));
    } catch {
      return undefined;
    }
  }
}
