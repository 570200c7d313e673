/** Demo tokens for the local runtime (HS256 with the local secret). */
import { SignJWT } from 'jose';

export async function mintToken(
  secret: string,
  claims: { sub: string; tenant: string; role: string },
  ttlSeconds = 12 * 3600,
): Promise<string> {
  return new SignJWT({ tenant: claims.tenant, role: claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
