/** The contract's enumerations, as the console's selects offer them. */
import type { AuditEvent, MedFile, NewWebhook } from '@medfiles/client';

export const CATEGORIES: readonly MedFile['category'][] = [
  'user_document',
  'intake_attachment',
  'user_consent',
  'user_avatar',
  'visit_note',
  'lab_result',
  'imaging',
  'prescription',
  'other',
];
export const RECORD_TYPES: readonly NonNullable<MedFile['recordType']>[] = ['medical', 'dental', 'hospital', 'pharmacy', 'other'];
export const AUDIT_ACTIONS: readonly AuditEvent['action'][] = ['create', 'read', 'download', 'thumbnail', 'update', 'share', 'archive', 'restore', 'delete'];
export const WEBHOOK_EVENTS: readonly NewWebhook['events'][number][] = [
  '*',
  'file.created',
  'file.updated',
  'file.archived',
  'file.restored',
  'file.deleted',
  'file.expired',
  'file-request.created',
  'file-request.updated',
  'file-request.files.updated',
];
