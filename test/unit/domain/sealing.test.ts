/** Sealed tokens (AES-256-GCM, HKDF per purpose): round trip, and anything altered is refused. */
import { describe, expect, it } from 'vitest';
import { Sealer } from '../../../shared/domain/sealing.ts';

const SECRET = 's'.repeat(32) + '-unit-test-signing-secret';
const sealer = new Sealer(SECRET);
const payload = { a: `Zoë's scan 日本.pdf\u0001${'0193a5c2-7b4e-7000-8000-000000000001'}`, n: 42, nested: { ok: true } };

/** Flips one bit of the decoded token at byte `index` and re-encodes it canonically. */
function flipByte(token: string, index: number): string {
  const raw = Buffer.from(token, 'base64url');
  raw[index < 0 ? raw.length + index : index]! ^= 0x01;
  return raw.toString('base64url');
}

describe('Sealer', () => {
  it('round-trips a payload for a purpose and context', () => {
    const token = sealer.seal('list-cursor', payload, 'ctx');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sealer.open('list-cursor', token, 'ctx')).toEqual(payload);
  });

  it('is opened by another instance with the same secret (another Lambda container)', () => {
    const token = sealer.seal('content-link', payload);
    expect(new Sealer(SECRET).open('content-link', token)).toEqual(payload);
  });

  it('hides the payload: no plaintext in the token', () => {
    const token = sealer.seal('list-cursor', { a: 'Jane Doe lab result' });
    const raw = Buffer.from(token, 'base64url').toString('latin1');
    expect(raw).not.toContain('Jane');
    expect(token).not.toContain('Jane');
  });

  it('uses a fresh IV: sealing twice gives different tokens', () => {
    expect(sealer.seal('list-cursor', payload)).not.toBe(sealer.seal('list-cursor', payload));
  });

  it('refuses another secret', () => {
    const token = sealer.seal('list-cursor', payload);
    expect(new Sealer('x'.repeat(40)).open('list-cursor', token)).toBeUndefined();
  });

  it('refuses another purpose (a cursor is not a link signature and vice versa)', () => {
    expect(sealer.open('content-link', sealer.seal('list-cursor', payload))).toBeUndefined();
    expect(sealer.open('list-cursor', sealer.seal('content-link', payload))).toBeUndefined();
  });

  it('refuses another context, including the empty one', () => {
    const token = sealer.seal('list-cursor', payload, 'query-1');
    expect(sealer.open('list-cursor', token, 'query-2')).toBeUndefined();
    expect(sealer.open('list-cursor', token)).toBeUndefined();
    expect(sealer.open('list-cursor', sealer.seal('list-cursor', payload), 'query-1')).toBeUndefined();
  });

  it('refuses a bit flipped anywhere: IV, ciphertext or tag', () => {
    const token = sealer.seal('list-cursor', payload, 'ctx');
    const length = Buffer.from(token, 'base64url').length;
    for (let i = 0; i < length; i++) expect(sealer.open('list-cursor', flipByte(token, i), 'ctx'), `byte ${i}`).toBeUndefined();
  });

  it('refuses a truncated token, an extra character and extra bytes', () => {
    const token = sealer.seal('list-cursor', payload, 'ctx');
    expect(sealer.open('list-cursor', token.slice(0, -1), 'ctx')).toBeUndefined();
    expect(sealer.open('list-cursor', token.slice(0, -4), 'ctx')).toBeUndefined();
    expect(sealer.open('list-cursor', token.slice(1), 'ctx')).toBeUndefined();
    expect(sealer.open('list-cursor', `${token}A`, 'ctx')).toBeUndefined();
    expect(sealer.open('list-cursor', `${token}AAAA`, 'ctx')).toBeUndefined();
    const raw = Buffer.from(token, 'base64url');
    expect(sealer.open('list-cursor', Buffer.concat([raw, Buffer.from([0])]).toString('base64url'), 'ctx')).toBeUndefined();
  });

  it('refuses a second spelling of the same bytes (non-canonical base64url)', () => {
    // Pick a token whose length leaves spare bits in the last character, then set one of those bits.
    let token = '';
    for (let i = 0; i < 50 && Buffer.from(token, 'base64url').length % 3 === 0; i++) token = sealer.seal('list-cursor', { i }, 'ctx');
    expect(Buffer.from(token, 'base64url').length % 3).not.toBe(0);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    const variant = token.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(token, 'base64url'));
    expect(sealer.open('list-cursor', token, 'ctx')).toBeDefined();
    expect(sealer.open('list-cursor', variant, 'ctx')).toBeUndefined();
  });

  it.each(['', 'abc', 'not base64!', 'a'.repeat(39), `${'a'.repeat(60)}=`, 'a'.repeat(4097), '{"a":"x"}'])('refuses malformed input %j', (token) => {
    expect(sealer.open('list-cursor', token)).toBeUndefined();
  });
});
