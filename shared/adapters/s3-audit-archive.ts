/**
 * The audit archive (deployed only): each batch of the audit table's stream as one NDJSON object, a line per change
 * saying what happened: `{"event":"INSERT","record":…}`, and for tampering also the record as it was,
 * `{"event":"MODIFY","record":…,"previous":…}` / `{"event":"REMOVE","previous":…}`, records in the API's
 * AuditRecord shape. So even a record written over or deleted in the table keeps its history here. The bucket's
 * Object Lock default retention (compliance mode, infra/audit.ts) locks every object version as it is written.
 *
 * Keys hold dates and record ids only: `records/YYYY/MM/DD/<first id>_<last id>.ndjson`, the date of the first
 * record. Record ids are UUIDv7, so keys sort by time, and a retried batch gets the same key again: the bucket is
 * versioned, so that adds a version and never replaces the one already locked.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuditRecord } from '../domain/audit/records.ts';
import type { AuditChange } from './audit-stream.ts';

export class S3AuditArchive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** Writes `changes` as one object, oldest record first; an empty batch writes nothing. */
  async store(changes: readonly AuditChange[]): Promise<void> {
    if (changes.length === 0) return;
    // Stable: several changes of one record keep their stream order.
    const sorted = [...changes].sort((a, b) => compare(subjectOf(a).id, subjectOf(b).id));
    const first = subjectOf(sorted[0]!);
    const last = subjectOf(sorted.at(-1)!);
    const body = Buffer.from(sorted.map((change) => `${JSON.stringify(change)}\n`).join(''));
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `records/${first.at.slice(0, 10).replaceAll('-', '/')}/${first.id}_${last.id}.ndjson`,
        Body: body,
        ContentLength: body.length,
        ContentType: 'application/x-ndjson',
        // S3 refuses a put into an Object Lock bucket without an integrity checksum. Naming the algorithm makes the
        // SDK compute it although its clients add checksums only when required (./clients.ts); the body is a
        // buffer, so it goes as a plain x-amz-checksum-sha256 header, not an aws-chunked trailer that the local
        // S3 server would store as part of the object.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }
}

/** The record a change is about, as first written: a tampered new image must not choose the key's id or date. */
const subjectOf = (change: AuditChange): AuditRecord => (change.event === 'INSERT' ? change.record : change.previous);

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
