/** Reading a file's metadata (`GET /v1/files/{id}`), with a signed content link; each read is audited. */
import type { Auditor } from '../audit/auditor.ts';
import type { Caller, FileRecord } from '../file.ts';
import type { ContentLinks } from '../links.ts';
import type { FileIndex } from '../ports.ts';
import { auditedFile, type Clock } from './lookup.ts';

export interface FileReadsDeps extends Clock {
  index: FileIndex;
  links: ContentLinks;
  auditor: Auditor;
}

export class FileReads {
  readonly #d: FileReadsDeps;
  readonly #now: () => Date;

  constructor(deps: FileReadsDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async getFile(caller: Caller, id: string): Promise<FileRecord> {
    return (await this.getFileWithLink(caller, id)).file;
  }

  /** The file, with a fresh signed content link when `origin` is given (none for archived files). */
  async getFileWithLink(caller: Caller, id: string, origin?: string) {
    const now = this.#now();
    const file = await auditedFile(this.#d.index, this.#d.auditor, caller, id, ['read'], now);
    const link = origin !== undefined && file.state === 'active' ? this.#d.links.issue(caller, id, origin, now) : undefined;
    await this.#d.auditor.record(caller, [{ fileId: file.id, action: 'read' }]);
    return { file, link };
  }
}
