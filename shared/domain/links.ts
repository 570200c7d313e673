/**
 * Signed content links: `/v1/files/{id}/content?expires=<unix seconds>&signature=<sealed>`.
 * The signature seals the user the link was issued to (so use is audited as that user) and authenticates
 * the file id and the expiry: changing any of them gives 401. No user id or name is readable in the URL.
 */
import { UnauthorizedError } from './errors.ts';
import type { Caller } from './file.ts';
import { Role } from './schemas.ts';
import type { Sealer } from './sealing.ts';

const context = (fileId: string, expires: string) => `${fileId.toLowerCase()}:${expires}`;

export class ContentLinks {
  constructor(
    private readonly sealer: Sealer,
    private readonly ttlSeconds: number,
  ) {}

  issue(caller: Caller, fileId: string, origin: string, now: Date): { url: string; expiresAt: string } {
    const expires = String(Math.floor(now.getTime() / 1000) + this.ttlSeconds);
    const signature = this.sealer.seal(
      'content-link',
      { s: caller.sub, t: caller.tenantId, r: caller.role },
      context(fileId, expires),
    );
    const url = `${origin}/v1/files/${fileId}/content?expires=${expires}&signature=${signature}`;
    return { url, expiresAt: new Date(Number(expires) * 1000).toISOString() };
  }

  /** The caller a link was issued to; 401 when it is malformed, altered or expired. */
  verify(fileId: string, expires: string | undefined, signature: string | undefined, now: Date): Caller {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires)) throw new UnauthorizedError('Invalid content link');
    if (Number(expires) * 1000 <= now.getTime()) throw new UnauthorizedError('The content link has expired');
    const payload = this.sealer.open('content-link', signature, context(fileId, expires)) as
      | { s?: unknown; t?: unknown; r?: unknown }
      | undefined;
    const role = Role.safeParse(payload?.r);
    if (!payload || typeof payload.s !== 'string' || typeof payload.t !== 'string' || !role.success) {
      throw new UnauthorizedError('Invalid content link');
    }
    return { sub: payload.s, tenantId: payload.t, role: role.data, via: 'signed_link' };
  }
}
