/**
 * Signed content links (API.md, `GET /v1/files/{id}`): the link works until it expires, then 401; changing
 * the file id, the expiry or the signature is 401; the user it was issued to comes back out of it.
 */
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../shared/domain/errors.ts';
import type { Caller } from '../../../shared/domain/file.ts';
import { ContentLinks } from '../../../shared/domain/links.ts';
import { Sealer } from '../../../shared/domain/sealing.ts';

const TTL = 15 * 60;
const sealer = new Sealer('unit-test-signing-secret-0123456789abcdef');
const links = new ContentLinks(sealer, TTL);
const FILE = '0193a5c2-7b4e-7000-8000-000000000001';
const OTHER_FILE = '0193a5c2-7b4e-7000-8000-000000000002';
const now = new Date('2026-11-22T15:04:05.123Z');
const caller: Caller = { sub: 'patient-1', tenantId: 't1', role: 'patient', via: 'token' };

function issue(at = now, who = caller, fileId = FILE) {
  const { url, expiresAt } = links.issue(who, fileId, 'https://api.example.org', at);
  const parsed = new URL(url);
  return { url: parsed, expiresAt, expires: parsed.searchParams.get('expires')!, signature: parsed.searchParams.get('signature')! };
}

function expect401(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UnauthorizedError);
  expect(thrown).toMatchObject({ status: 401, code: 'unauthorized' });
}

describe('ContentLinks', () => {
  it('issues an absolute link to the content route with expires and signature, valid for the TTL', () => {
    const link = issue();
    expect(link.url.origin).toBe('https://api.example.org');
    expect(link.url.pathname).toBe(`/v1/files/${FILE}/content`);
    expect([...link.url.searchParams.keys()].sort()).toEqual(['expires', 'signature']);
    expect(Number(link.expires)).toBe(Math.floor(now.getTime() / 1000) + TTL);
    expect(link.expiresAt).toBe(new Date(Number(link.expires) * 1000).toISOString());
  });

  it('carries no readable user id or tenant', () => {
    // Names with a character base64url never produces, so a random signature cannot contain them by chance.
    const link = issue(now, { ...caller, sub: 'jane.doe@example.org', tenantId: 'clinic.north' });
    expect(link.url.toString()).not.toContain('jane.doe');
    expect(link.url.toString()).not.toContain('clinic.north');
  });

  it('verifies as the user, tenant and role it was issued to, via signed_link', () => {
    const link = issue();
    expect(links.verify(FILE, link.expires, link.signature, now)).toEqual({
      sub: 'patient-1',
      tenantId: 't1',
      role: 'patient',
      via: 'signed_link',
    });
  });

  it('accepts the file id in upper case (ids are compared in lower case)', () => {
    const link = issue();
    expect(links.verify(FILE.toUpperCase(), link.expires, link.signature, now).sub).toBe('patient-1');
  });

  it('works one second before it expires and is 401 at and after the expiry', () => {
    const link = issue();
    const expiry = Number(link.expires) * 1000;
    expect(() => links.verify(FILE, link.expires, link.signature, new Date(expiry - 1000))).not.toThrow();
    expect401(() => links.verify(FILE, link.expires, link.signature, new Date(expiry)));
    expect401(() => links.verify(FILE, link.expires, link.signature, new Date(expiry + 3600_000)));
  });

  it('is 401 for another file id', () => {
    const link = issue();
    expect401(() => links.verify(OTHER_FILE, link.expires, link.signature, now));
  });

  it('is 401 when the expiry is changed, even to a later time or an equal number spelled differently', () => {
    const link = issue();
    expect401(() => links.verify(FILE, String(Number(link.expires) + 3600), link.signature, now));
    expect401(() => links.verify(FILE, String(Number(link.expires) - 1), link.signature, now));
    expect401(() => links.verify(FILE, `0${link.expires}`, link.signature, now));
  });

  it('is 401 when the signature is tampered with, truncated or extended', () => {
    const link = issue();
    const sig = link.signature;
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    expect401(() => links.verify(FILE, link.expires, flipped, now));
    expect401(() => links.verify(FILE, link.expires, sig.slice(0, -1), now));
    expect401(() => links.verify(FILE, link.expires, `${sig}A`, now));
    expect401(() => links.verify(FILE, link.expires, `${sig}AAAA`, now));
  });

  it("is 401 with another file's signature", () => {
    const mine = issue();
    const theirs = issue(now, caller, OTHER_FILE);
    expect401(() => links.verify(FILE, mine.expires, theirs.signature, now));
  });

  it('is 401 for a list cursor or a token sealed with another secret', () => {
    const link = issue();
    const cursor = sealer.seal('list-cursor', { s: 'patient-1', t: 't1', r: 'patient' }, `${FILE}:${link.expires}`);
    expect401(() => links.verify(FILE, link.expires, cursor, now));
    const foreign = new ContentLinks(new Sealer('another-secret-0123456789abcdef-xyz'), TTL);
    const forged = new URL(foreign.issue(caller, FILE, 'https://x', now).url);
    expect401(() => links.verify(FILE, forged.searchParams.get('expires')!, forged.searchParams.get('signature')!, now));
  });

  it('is 401 when a sealed payload does not name a valid user, tenant and role', () => {
    const expires = String(Math.floor(now.getTime() / 1000) + 60);
    const context = `${FILE}:${expires}`;
    for (const bad of [{ s: 'u', t: 't1', r: 'superuser' }, { s: 1, t: 't1', r: 'admin' }, { t: 't1', r: 'admin' }, { s: 'u', r: 'admin' }, null]) {
      expect401(() => links.verify(FILE, expires, sealer.seal('content-link', bad, context), now));
    }
  });

  it.each([
    ['no expires', undefined, 'x'.repeat(60)],
    ['no signature', '9999999999', undefined],
    ['a non-numeric expires', 'tomorrow', 'x'.repeat(60)],
    ['a negative expires', '-1', 'x'.repeat(60)],
    ['a 13-digit expires', '1'.repeat(13), 'x'.repeat(60)],
  ])('is 401 with %s', (_label, expires, signature) => {
    expect401(() => links.verify(FILE, expires, signature, now));
  });
});
