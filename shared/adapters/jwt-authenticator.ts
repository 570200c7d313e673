/**
 * The Authenticator port on JWTs: bearer verification inside the function (API Gateway has no authorizer: signed content links must
 * work without a token, and `sam local` skips JWT authorizers). HS256 with a shared secret locally;
 * RS256/ES256 against the issuer's JWKS when deployed, with issuer and audience checked.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.ts';
import { UnauthorizedError } from '../domain/errors.ts';
import type { Caller } from '../domain/file.ts';
import type { Authenticator } from '../domain/ports.ts';
import { Role, UserId } from '../domain/schemas.ts';
import { TenantId } from '../domain/tenant.ts';

const CLOCK_SKEW_SECONDS = 30;

export class JwtAuthenticator implements Authenticator {
  readonly #secret: Uint8Array | undefined;
  readonly #jwks: JWTVerifyGetKey | undefined;

  constructor(private readonly jwt: Config['jwt']) {
    if (!jwt.secret && !jwt.jwksUrl) {
      throw new Error('MedFiles configuration is invalid: set MEDFILES_JWT_SECRET (local) or MEDFILES_JWT_JWKS_URL (deployed)');
    }
    this.#secret = jwt.secret ? new TextEncoder().encode(jwt.secret) : undefined;
    this.#jwks = !this.#secret && jwt.jwksUrl ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : undefined;
  }

  /** The caller of an `Authorization` header value; 401 for anything missing, malformed or invalid. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)\s*$/i.exec(authorization ?? '');
    if (!match) throw new UnauthorizedError(authorization ? 'Malformed Authorization header' : 'Missing bearer token');
    let payload: JWTPayload;
    try {
      const options = {
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'sub'],
        issuer: this.jwt.issuer || undefined,
        audience: this.jwt.audience || undefined,
      };
      payload = this.#secret
        ? (await jwtVerify(match[1]!, this.#secret, { ...options, algorithms: ['HS256'] })).payload
        : (await jwtVerify(match[1]!, this.#jwks!, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
    } catch {
      throw new UnauthorizedError('Invalid or expired token');
    }
    const tenant = TenantId.safeParse(payload[this.jwt.tenantClaim]);
    const role = Role.safeParse(payload[this.jwt.roleClaim]);
    // Claims go through the same schemas as request fields: a subject becomes an owner id.
    const subject = UserId.safeParse(payload.sub);
    if (!tenant.success || !role.success || !subject.success) {
      throw new UnauthorizedError('The token lacks a valid tenant, role or subject');
    }
    return { sub: subject.data, tenantId: tenant.data, role: role.data, via: 'token' };
  }
}
