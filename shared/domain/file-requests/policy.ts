/** Who may do what with a file request. Invisible is 404 (existence does not leak); visible but not allowed is 403. */
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { Caller } from '../file.ts';
import type { FileRequestStore } from './ports.ts';
import type { FileRequestRecord } from './record.ts';
import type { PatchFileRequestBody } from './schemas.ts';

export function canCreateFileRequest(caller: Caller): boolean {
  return caller.role !== 'patient';
}

/** Staff see every request of their tenant; a patient only those addressed to it. */
export function canSeeFileRequest(caller: Caller, request: Pick<FileRequestRecord, 'ownerId'>): boolean {
  return caller.role !== 'patient' || request.ownerId === caller.sub;
}

/**
 * Staff may change the message and set any status. The patient asked may only mark an open request
 * fulfilled; asking for what already holds (an empty patch, or `fulfilled` again) changes nothing and is
 * allowed, so a retried PATCH gets the same answer. Throws 403 otherwise.
 */
export function assertMayChange(caller: Caller, current: FileRequestRecord, patch: PatchFileRequestBody): void {
  if (caller.role !== 'patient') return;
  if (patch.message !== undefined) throw new ForbiddenError('Patients may not change the message of a file request');
  if (patch.status === undefined) return;
  if (patch.status !== 'fulfilled') throw new ForbiddenError('Patients may only mark a file request fulfilled');
  if (current.status === 'fulfilled') return;
  if (current.status !== 'open') throw new ForbiddenError('Only an open file request can be marked fulfilled');
}

/** The request if the caller may see it; NotFoundError otherwise. */
export async function visibleFileRequest(store: FileRequestStore, caller: Caller, id: string): Promise<FileRequestRecord> {
  const request = await store.get(caller.tenantId, id);
  if (!request || !canSeeFileRequest(caller, request)) throw new NotFoundError('File request not found');
  return request;
}
