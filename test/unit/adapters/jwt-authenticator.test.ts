/**
 * JwtAuthenticator, the deployed token path: RS256 and ES256 tokens verified against a JWKS served by a local
 * node:http server (127.0.0.1, no network beyond loopback), issuer and audience checked, the 30 s clock skew
 * of API.md, key rotation, configurable claim names; and the HS256 path of the local runtime.
 */
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JwtAuthenticator } from '../../../shared/adapters/jwt-authenticator.ts';
import type { Config } from '../../../shared/config.ts';
import { UnauthorizedError } from '../../../shared/domain/errors.ts';
import {
  nowSeconds,
  signingKey,
  signToken,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../support/jwks-server.ts';

const ISSUER = 'https://issuer.example/pool-1';
const AUDIENCE = 'medfiles-api';
const CLAIMS = { tenant: 't1', role: 'provider' };

let rsa: SigningKey;
let ec: SigningKey;
let unpublished: SigningKey;
let issuer: JwksServer;

beforeAll(async () => {
  [rsa, ec, unpublished] = await Promise.all([signingKey('rsa-1', 'RS256'), signingKey('ec-1', 'ES256'), signingKey('rsa-9', 'RS256')]);
  issuer = await startJwksServer([rsa, ec]);
});
afterAll(() => issuer.close());
afterEach(() => {
  vi.useRealTimers();
  issuer.publish([rsa, ec]);
});

const jwksConfig = (over: Partial<Config['jwt']> = {}): Config['jwt'] => ({
  secret: undefined,
  jwksUrl: issuer.url,
  issuer: ISSUER,
  audience: AUDIENCE,
  tenantClaim: 'tenant',
  roleClaim: 'role',
  ...over,
});

const bearer = (token: string) => `Bearer ${token}`;

/** What `authenticate` threw; fails the test when it resolved. */
async function refusal(auth: JwtAuthenticator, header: string | undefined): Promise<UnauthorizedError> {
  const error = await auth.authenticate(header).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the token was accepted').toBeInstanceOf(UnauthorizedError);
  const unauthorized = error as UnauthorizedError;
  expect(unauthorized.status).toBe(401);
  expect(unauthorized.headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
  return unauthorized;
}

const signed = (key: SigningKey, claims: Record<string, unknown> = CLAIMS, options: Parameters<typeof signToken>[2] = {}) =>
  signToken(key, claims, { issuer: ISSUER, audience: AUDIENCE, subject: 'provider-7', ...options });

describe('JwtAuthenticator against a JWKS (deployed)', () => {
  it.each(['RS256', 'ES256'] as const)('accepts a %s token with the right issuer and audience', async (alg) => {
    const auth = new JwtAuthenticator(jwksConfig());
    const token = await signed(alg === 'RS256' ? rsa : ec);
    await expect(auth.authenticate(bearer(token))).resolves.toEqual({ sub: 'provider-7', tenantId: 't1', role: 'provider', via: 'token' });
  });

  it('accepts an audience list that contains ours, and a lower-case scheme', async () => {
    const auth = new JwtAuthenticator(jwksConfig());
    const token = await signToken(rsa, { ...CLAIMS, aud: ['other-api', AUDIENCE] }, { issuer: ISSUER, subject: 'provider-7' });
    await expect(auth.authenticate(`bearer ${token}`)).resolves.toMatchObject({ sub: 'provider-7' });
  });

  it.each([
    ['a wrong issuer', { issuer: 'https://evil.example/pool-1' }],
    ['no issuer', { issuer: undefined }],
    ['a wrong audience', { audience: 'another-api' }],
    ['no audience', { audience: undefined }],
    ['no subject', { subject: undefined }],
    ['no expiry', { expiresAt: null }],
  ] as const)('refuses %s', async (_what, options) => {
    const auth = new JwtAuthenticator(jwksConfig());
    const token = await signToken(ec, CLAIMS, { issuer: ISSUER, audience: AUDIENCE, subject: 'provider-7', ...options });
    await refusal(auth, bearer(token));
  });

  it('checks exp and nbf with at most 30 s of clock skew', async () => {
    const auth = new JwtAuthenticator(jwksConfig());
    const now = nowSeconds();
    await expect(auth.authenticate(bearer(await signed(rsa, CLAIMS, { expiresAt: now - 20 })))).resolves.toMatchObject({ tenantId: 't1' });
    await expect(auth.authenticate(bearer(await signed(rsa, CLAIMS, { notBefore: now + 20 })))).resolves.toMatchObject({ tenantId: 't1' });
    await refusal(auth, bearer(await signed(rsa, CLAIMS, { expiresAt: now - 40 })));
    await refusal(auth, bearer(await signed(ec, CLAIMS, { notBefore: now + 40 })));
  });

  it('refuses a token signed by a key the issuer does not publish (unknown kid, or a known kid)', async () => {
    const auth = new JwtAuthenticator(jwksConfig());
    await refusal(auth, bearer(await signed(unpublished)));
    await refusal(auth, bearer(await signed(unpublished, CLAIMS, { kid: rsa.kid })));
  });

  it('refuses alg "none", and an HS256 token even when keyed with a published public key', async () => {
    const auth = new JwtAuthenticator(jwksConfig());
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = { ...CLAIMS, sub: 'provider-7', iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 3600 };
    await refusal(auth, bearer(`${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`));

    // The classic confusion: an HMAC keyed with the RSA public key that verifiers hold.
    const hmacKey = new TextEncoder().encode(JSON.stringify(rsa.publicJwk));
    const hs256 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: rsa.kid }).sign(hmacKey);
    await refusal(auth, bearer(hs256));
  });

  it('refuses a tampered payload or signature', async () => {
    const auth = new JwtAuthenticator(jwksConfig());
    const [header, payload, signature] = (await signed(rsa)).split('.') as [string, string, string];
    const admin = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })).toString('base64url');
    await refusal(auth, bearer(`${header}.${admin}.${signature}`));
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    await refusal(auth, bearer(`${header}.${payload}.${flipped}`));
  });

  it('refuses a missing, non-bearer or malformed Authorization header', async () => {
    const auth = new JwtAuthenticator(jwksConfig());
    const token = await signed(rsa);
    expect((await refusal(auth, undefined)).message).toBe('Missing bearer token');
    await refusal(auth, '');
    await refusal(auth, `Basic ${token}`);
    await refusal(auth, `Bearer ${token} extra`);
    await refusal(auth, 'Bearer not-a-jwt');
  });

  it('fetches the JWKS once for many tokens, and finds a key added by rotation once the cooldown has passed', async () => {
    const rotated = await signingKey('rsa-2', 'RS256');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const auth = new JwtAuthenticator(jwksConfig());
    const before = issuer.fetches;
    await auth.authenticate(bearer(await signed(rsa)));
    await auth.authenticate(bearer(await signed(ec)));
    expect(issuer.fetches - before).toBe(1);

    issuer.publish([rsa, ec, rotated]);
    // jose re-fetches for an unknown kid at most every 30 s (its cooldown), so a key published just now is not
    // found yet: an issuer must publish a new key before it signs with it.
    await refusal(auth, bearer(await signed(rotated)));
    expect(issuer.fetches - before).toBe(1);

    vi.setSystemTime(Date.now() + 31_000);
    await expect(auth.authenticate(bearer(await signed(rotated)))).resolves.toMatchObject({ sub: 'provider-7' });
    expect(issuer.fetches - before).toBe(2);
    // The old keys still verify after the refresh.
    await expect(auth.authenticate(bearer(await signed(rsa)))).resolves.toMatchObject({ sub: 'provider-7' });
  });

  it('reads tenant and role from the configured claim names (e.g. Cognito custom attributes)', async () => {
    const auth = new JwtAuthenticator(jwksConfig({ tenantClaim: 'custom:tenant', roleClaim: 'custom:role' }));
    const token = await signed(ec, { 'custom:tenant': 'clinic-9', 'custom:role': 'admin' });
    await expect(auth.authenticate(bearer(token))).resolves.toEqual({ sub: 'provider-7', tenantId: 'clinic-9', role: 'admin', via: 'token' });
    // The default names carry nothing then.
    await refusal(auth, bearer(await signed(ec, { tenant: 'clinic-9', role: 'admin' })));
  });

  it.each([
    ['a tenant with a separator', { tenant: 't1#F#x', role: 'provider' }],
    ['a tenant with a slash', { tenant: 't1/../t2', role: 'provider' }],
    ['a tenant of 65 characters', { tenant: 'a'.repeat(65), role: 'provider' }],
    ['an empty tenant', { tenant: '', role: 'provider' }],
    ['a tenant that is not a string', { tenant: 42, role: 'provider' }],
    ['no tenant', { role: 'provider' }],
    ['an unknown role', { tenant: 't1', role: 'superuser' }],
    ['no role', { tenant: 't1' }],
  ])('refuses %s', async (_what, claims) => {
    const auth = new JwtAuthenticator(jwksConfig());
    const error = await refusal(auth, bearer(await signed(rsa, claims)));
    expect(error.message).toBe('The token lacks a valid tenant, role or subject');
  });

  it('accepts a tenant of 64 safe characters and a subject of 128, not 129', async () => {
    const auth = new JwtAuthenticator(jwksConfig());
    const tenant = `A1._-${'x'.repeat(59)}`;
    await expect(auth.authenticate(bearer(await signed(rsa, { tenant, role: 'patient' }, { subject: 's'.repeat(128) })))).resolves.toMatchObject({
      tenantId: tenant,
      role: 'patient',
    });
    await refusal(auth, bearer(await signed(rsa, CLAIMS, { subject: 's'.repeat(129) })));
  });
});

describe('JwtAuthenticator with a shared secret (local runtime)', () => {
  const secret = 'local-jwt-secret-0123456789abcdef0123';
  const local = (over: Partial<Config['jwt']> = {}) =>
    new JwtAuthenticator({ secret, jwksUrl: undefined, issuer: undefined, audience: undefined, tenantClaim: 'tenant', roleClaim: 'role', ...over });
  const hs256 = (key: string, claims: Record<string, unknown> = CLAIMS, exp = nowSeconds() + 3600) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('patient-1').setExpirationTime(exp).sign(new TextEncoder().encode(key));

  it('accepts an HS256 token signed with the secret', async () => {
    await expect(local().authenticate(bearer(await hs256(secret)))).resolves.toEqual({ sub: 'patient-1', tenantId: 't1', role: 'provider', via: 'token' });
  });

  it('refuses another secret, an expired token, and an RS256 token', async () => {
    await refusal(local(), bearer(await hs256(`${secret}-other`)));
    await refusal(local(), bearer(await hs256(secret, CLAIMS, nowSeconds() - 60)));
    await refusal(local(), bearer(await signed(rsa)));
  });

  it('checks issuer and audience when they are configured', async () => {
    const auth = local({ issuer: ISSUER, audience: AUDIENCE });
    await refusal(auth, bearer(await hs256(secret)));
    const token = await new SignJWT(CLAIMS)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('patient-1')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(nowSeconds() + 60)
      .sign(new TextEncoder().encode(secret));
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ sub: 'patient-1' });
  });

  it('uses the secret, not the JWKS, when both are configured', async () => {
    const auth = local({ jwksUrl: issuer.url });
    await expect(auth.authenticate(bearer(await hs256(secret)))).resolves.toMatchObject({ sub: 'patient-1' });
    await refusal(auth, bearer(await signed(rsa)));
  });

  it('cannot be made without a secret or a JWKS URL, and says which variables to set', () => {
    expect(() => local({ secret: undefined })).toThrow(/MEDFILES_JWT_SECRET.*MEDFILES_JWT_JWKS_URL/);
  });
});

describe('claims go through the request schemas (issue 8: a subject becomes an owner id)', () => {
  const secret = 'claims-jwt-secret-0123456789abcdef01234';
  const auth = new JwtAuthenticator({ secret, jwksUrl: undefined, issuer: undefined, audience: undefined, tenantClaim: 'tenant', roleClaim: 'role' });
  const withSubject = (sub: unknown) =>
    new SignJWT({ ...CLAIMS, sub } as Record<string, unknown>).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(nowSeconds() + 3600).sign(new TextEncoder().encode(secret));

  it.each([
    ['a number', 42],
    ['an object', { id: 'x' }],
    ['an array', ['patient-1']],
    ['a NUL', 'patient\u00001'],
    ['a lone surrogate', 'patient-\ud800'],
    ['an empty string', ''],
  ])('refuses a subject that is %s', async (_what, sub) => {
    const error = await refusal(auth, bearer(await withSubject(sub)));
    expect(error.message).toBe('The token lacks a valid tenant, role or subject');
  });

  it('accepts a plain subject', async () => {
    await expect(auth.authenticate(bearer(await withSubject('patient-1')))).resolves.toMatchObject({ sub: 'patient-1' });
  });
});
