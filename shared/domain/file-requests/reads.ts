/** Reading one file request (`GET /v1/file-requests/{id}`). */
import type { Caller } from '../file.ts';
import { visibleFileRequest } from './policy.ts';
import type { FileRequestStore } from './ports.ts';
import type { FileRequestRecord } from './record.ts';

export class FileRequestReads {
  constructor(private readonly store: FileRequestStore) {}

  async getFileRequest(caller: Caller, id: string): Promise<FileRequestRecord> {
    return visibleFileRequest(this.store, caller, id);
  }
}
