/**
 * Who may do what (API.md, "Authentication and roles"). Tenancy is enforced by the storage keys: a record of
 * another tenant is never loaded, so these rules only decide within the caller's tenant.
 *
 * Invisible means 404 (existence does not leak); visible but not allowed means 403.
 */
import type { Caller, FileRecord } from './file.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';

type FileFacts = Pick<FileRecord, 'ownerId' | 'sharedWith' | 'createdBy' | 'state'>;

export function canSee(caller: Caller, file: FileFacts): boolean {
  return caller.role !== 'patient' || file.ownerId === caller.sub || file.sharedWith.includes(caller.sub);
}

/** Change metadata (and sharing): staff, or the patient who owns the file. Shared files are read only. */
export function canModify(caller: Caller, file: FileFacts): boolean {
  return caller.role !== 'patient' || file.ownerId === caller.sub;
}

/** Archive: staff; a patient only a file it owns and created itself. */
export function canArchive(caller: Caller, file: FileFacts): boolean {
  if (file.state !== 'active') return false;
  return caller.role !== 'patient' || (file.ownerId === caller.sub && file.createdBy.id === caller.sub);
}

export function canRestore(caller: Caller): boolean {
  return caller.role !== 'patient';
}

export function canDeletePermanently(caller: Caller): boolean {
  return caller.role === 'admin';
}

/**
 * A direct upload in progress (API.md, "Large files"): only the user who started it, or an admin of its tenant (a
 * service is as admin), sees or finishes it; to anyone else it does not exist.
 */
export function canUseUpload(caller: Caller, upload: { createdBy: { id: string } }): boolean {
  return upload.createdBy.id === caller.sub || caller.role === 'admin' || caller.role === 'service';
}

/** Patients upload only for themselves; staff upload for anyone in their tenant. */
export function resolveOwner(caller: Caller, requestedOwner: string | undefined): string {
  if (caller.role === 'patient' && requestedOwner !== undefined && requestedOwner !== caller.sub) {
    throw new ForbiddenError('Patients upload only their own files');
  }
  return requestedOwner ?? caller.sub;
}

/** Throws 404 unless the caller may see the file. */
export function assertVisible(caller: Caller, file: FileFacts | null): asserts file is FileFacts {
  if (!file || !canSee(caller, file)) throw new NotFoundError('File not found');
}
