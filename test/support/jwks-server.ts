/**
 * An OIDC issuer in miniature for tests of the deployed token path: signing keys made with `jose`, their public
 * halves served as a JWKS by a node:http server on 127.0.0.1 (port 0), and a count of the fetches, so a test
 * can see when the verifier goes back to the issuer (key rotation).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type AsymmetricAlg = 'RS256' | 'ES256';

export interface SigningKey {
  kid: string;
  alg: AsymmetricAlg;
  privateKey: CryptoKey;
  /** The public JWK as the issuer publishes it (kid, alg and use set). */
  publicJwk: JWK;
}

export async function signingKey(kid: string, alg: AsymmetricAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface TokenOptions {
  issuer?: string;
  audience?: string;
  subject?: string;
  /** Seconds since the epoch; default one hour from now. `null` leaves the claim out. */
  expiresAt?: number | null;
  notBefore?: number;
  /** Overrides the `kid` in the header (e.g. to name a key the issuer does not publish). */
  kid?: string;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A JWT signed with `key`; `claims` go into the payload as given (tenant and role under any claim name). */
export async function signToken(key: SigningKey, claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: 'JWT' }).setIssuedAt();
  if (options.subject !== undefined) jwt.setSubject(options.subject);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  if (options.expiresAt !== null) jwt.setExpirationTime(options.expiresAt ?? nowSeconds() + 3600);
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign(key.privateKey);
}

export interface JwksServer {
  /** The JWKS URL, as MEDFILES_JWT_JWKS_URL would name it. */
  url: string;
  /** Replaces the published keys (rotation). */
  publish(keys: SigningKey[]): void;
  /** How many times the JWKS has been fetched. */
  readonly fetches: number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
  let published = keys;
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    publish: (next) => {
      published = next;
    },
    get fetches() {
      return fetches;
    },
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
