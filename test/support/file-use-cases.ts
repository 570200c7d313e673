/**
 * The file use cases (shared/domain/files/) built from one set of ports, for tests that exercise them
 * together (an upload, then a read, a change, a listing) on in-memory or real adapters.
 */
import { FileChanges, type FileChangesDeps } from '../../shared/domain/files/changes.ts';
import { FileContent, type FileContentDeps } from '../../shared/domain/files/content.ts';
import { FileListing, type FileListingDeps } from '../../shared/domain/files/listing.ts';
import { FileReads, type FileReadsDeps } from '../../shared/domain/files/reads.ts';
import { FileRemoval } from '../../shared/domain/files/removal.ts';
import { FileStates } from '../../shared/domain/files/states.ts';
import { FileUploads, type FileUploadsDeps } from '../../shared/domain/files/uploads.ts';
import { memoryAuditor } from './in-memory-audit-trail.ts';

/** The use cases' ports; without an `auditor`, they record into an in-memory trail nobody reads. */
export type FileUseCasesDeps = Omit<FileUploadsDeps & FileReadsDeps & FileListingDeps & FileContentDeps & FileChangesDeps, 'auditor'> & {
  auditor?: FileUploadsDeps['auditor'];
};

export function fileUseCases(options: FileUseCasesDeps) {
  const deps = { ...options, auditor: options.auditor ?? memoryAuditor() };
  const uploads = new FileUploads(deps);
  const reads = new FileReads(deps);
  const listing = new FileListing(deps);
  const content = new FileContent(deps);
  const changes = new FileChanges(deps);
  const states = new FileStates(deps);
  const removal = new FileRemoval(deps);
  return {
    createFiles: uploads.createFiles.bind(uploads),
    putFileContent: uploads.putFileContent.bind(uploads),
    getFile: reads.getFile.bind(reads),
    getFileWithLink: reads.getFileWithLink.bind(reads),
    listFiles: listing.listFiles.bind(listing),
    getContent: content.getContent.bind(content),
    updateFile: changes.updateFile.bind(changes),
    archiveFile: states.archiveFile.bind(states),
    restoreFile: states.restoreFile.bind(states),
    deleteFilePermanently: removal.deleteFilePermanently.bind(removal),
  };
}

export type FileUseCases = ReturnType<typeof fileUseCases>;
