/** Reading a file's metadata (`GET /v1/files/{id}`), with a signed content link. */
import type { Caller, FileRecord } from '../file.ts';
import type { ContentLinks } from '../links.ts';
import type { FileIndex } from '../ports.ts';
import { visibleFile, type Clock } from './lookup.ts';

export interface FileReadsDeps extends Clock {
  index: FileIndex;
  links: ContentLinks;
}

export class FileReads {
  readonly #d: FileReadsDeps;
  readonly #now: () => Date;

  constructor(deps: FileReadsDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async getFile(caller: Caller, id: string): Promise<FileRecord> {
    return visibleFile(this.#d.index, caller, id, this.#now());
  }

  /** The file with a fresh signed content link (none for archived files). */
  async getFileWithLink(caller: Caller, id: string, origin: string) {
    const now = this.#now();
    const file = await visibleFile(this.#d.index, caller, id, now);
    const link = file.state === 'active' ? this.#d.links.issue(caller, id, origin, now) : undefined;
    return { file, link };
  }
}
