/**
 * The archiver's one port (functions/archive-audit-events.ts): the audit archive, from MEDFILES_AUDIT_ARCHIVE_BUCKET
 * and the S3 client. Apart from ./ports.ts because no route uses it.
 */
import { config } from '../../config.ts';
import { s3Client } from '../clients.ts';
import { S3AuditArchive } from '../s3-audit-archive.ts';

export function auditArchive(): S3AuditArchive {
  const cfg = config('auditArchiveBucket');
  return new S3AuditArchive(s3Client(cfg), cfg.auditArchiveBucket);
}
