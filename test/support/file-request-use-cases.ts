/**
 * The file-request use cases (shared/domain/file-requests/) built from one set of ports, for tests that create,
 * read, change and upload into requests together.
 */
import { FileRequestChanges, type FileRequestChangesDeps } from '../../shared/domain/file-requests/changes.ts';
import { FileRequestUploads, type FileRequestGateDeps } from '../../shared/domain/file-requests/gate.ts';
import { FileRequestListing, type FileRequestListingDeps } from '../../shared/domain/file-requests/listing.ts';
import { FileRequestReads } from '../../shared/domain/file-requests/reads.ts';

export function fileRequestUseCases(deps: FileRequestChangesDeps & FileRequestListingDeps & FileRequestGateDeps) {
  const changes = new FileRequestChanges(deps);
  const reads = new FileRequestReads(deps.store);
  const listing = new FileRequestListing(deps);
  const uploads = new FileRequestUploads(deps);
  return {
    createFileRequest: changes.createFileRequest.bind(changes),
    updateFileRequest: changes.updateFileRequest.bind(changes),
    getFileRequest: reads.getFileRequest.bind(reads),
    listFileRequests: listing.listFileRequests.bind(listing),
    assertOpenFor: uploads.assertOpenFor.bind(uploads),
    addFiles: uploads.addFiles.bind(uploads),
  };
}

export type FileRequestUseCases = ReturnType<typeof fileRequestUseCases>;
