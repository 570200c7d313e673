/**
 * A file's access log (`GET /v1/files/{id}/access-log`): who read, downloaded, changed or shared it, newest first,
 * successful accesses only, without source IP or user agent. The file's owner may read it (a patient sees who looked
 * at its records), and so may staff; anyone else, even a patient the file is shared with, gets 404 (recorded as a
 * denied read).
 */
import { cursorFingerprint, openCursor, sealCursor } from '../cursors.ts';
import { NotFoundError } from '../errors.ts';
import type { Caller } from '../file.ts';
import { liveFile, type Clock } from '../files/lookup.ts';
import type { FileIndex } from '../ports.ts';
import type { Sealer } from '../sealing.ts';
import type { Auditor } from './auditor.ts';
import type { AuditTrail } from './ports.ts';
import type { AuditRecord } from './records.ts';

export type AccessLogEntry = Pick<AuditRecord, 'at' | 'actor' | 'action' | 'via' | 'listed'>;

export interface AccessLogDeps extends Clock {
  index: FileIndex;
  trail: AuditTrail;
  auditor: Auditor;
  sealer: Sealer;
}

export class AccessLog {
  readonly #d: AccessLogDeps;
  readonly #now: () => Date;

  constructor(deps: AccessLogDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async accessLog(
    caller: Caller,
    fileId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ events: AccessLogEntry[]; nextCursor: string | null }> {
    const file = await liveFile(this.#d.index, caller.tenantId, fileId, this.#now());
    if (!file) throw new NotFoundError('File not found');
    if (caller.role === 'patient' && file.ownerId !== caller.sub) {
      await this.#d.auditor.deny(caller, file.id, ['read'], new NotFoundError('File not found'));
    }
    const fingerprint = cursorFingerprint(['access-log', caller.tenantId, file.id]);
    const after = openCursor(this.#d.sealer, page.cursor, fingerprint);
    const found = await this.#d.trail.query({ tenantId: caller.tenantId, fileId: file.id, accessesOnly: true, limit: page.limit, after });
    return {
      events: found.records.map(({ at, actor, action, via, listed }) => ({ at, actor, action, via, ...(listed ? { listed } : {}) })),
      nextCursor: sealCursor(this.#d.sealer, found.last, fingerprint),
    };
  }
}
