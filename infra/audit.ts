/**
 * The audit trail's storage (issue 8): its own DynamoDB table, append-only by construction, and an S3 bucket with
 * Object Lock in compliance mode that every change of the table is archived to, so that not even an administrator
 * of the account can alter history.
 *
 * Append-only as far as the table allows: no function's role is granted anything on the table but PutItem
 * (writers) and Query (readers) (RouteFunction.useAuditTrail), and the table's resource policy denies every
 * principal, the account root included, the actions that rewrite or remove items. That is not immutability: the
 * table cannot make PutItem conditional, so a role holding PutItem could write over a record, and an administrator
 * could remove the resource policy and then delete items. **The Object Lock archive is the only immutable copy.**
 * The table's stream (new and old images) feeds the archiver (functions/archive-audit-events.ts, wired in
 * ./events.ts), which writes each batch as one object, a line per INSERT, MODIFY or REMOVE with the record as it
 * was; a MODIFY or REMOVE is tampering, so it also logs an ERROR line and counts `AuditTampering`, which the
 * alarm below raises on. The bucket's default retention locks every object version for `retention`, in compliance
 * mode: no one can shorten it or delete a locked version until it has run out, and the bucket is versioned, so a
 * rewritten key keeps its old versions locked too. The archive has its own KMS key, which no one may disable or
 * schedule for deletion (`addArchiveKey`): Object Lock protects objects, not the key that makes them readable.
 *
 * Capacity: the indexes `by-tenant` and `by-action` are keyed by tenant (and action), so all of one tenant's
 * records land in one partition of each (their sort keys, UUIDv7 ids, only grow, so splitting a hot partition
 * by key range does not spread the writes): DynamoDB takes about 1,000 writes/s per partition, and each audited
 * request writes one record, a list page up to 100 (one per file read). A tenant nearing that (watch the table's
 * WriteThrottleEvents and CloudWatch Contributor Insights on the indexes) needs those partition keys sharded
 * (`<tenant>#<n>` over a few shards, the reads querying each shard and merging by id) in
 * shared/adapters/audit-table-schema.ts before it throttles: a throttled write fails the audited request (503).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, BucketEncryption, ObjectLockRetention, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { keysAndIndexes } from './table-layout.ts';
import { PRIVATE_BUCKET } from './private-bucket.ts';
import { AUDIT_TABLE_SCHEMA } from '../shared/adapters/audit-table-schema.ts';
import { consumers } from '../shared/events.ts';
import { acknowledgeAuditArchiveBucket, acknowledgeAuditTamperingAlarm } from './nag-acknowledgements.ts';

/** Six years: what HIPAA asks documentation of its safeguards to be kept for (45 CFR 164.316(b)(2)). */
const DEFAULT_RETENTION = Duration.days(2190);

/** Object Lock retention is set in whole days (or years) and at most 100 years. */
const MAX_RETENTION_DAYS = 36_500;

/**
 * Every DynamoDB action that rewrites or removes an existing item. BatchWriteItem is among them because it
 * deletes as well as puts; the audit trail's writer uses PutItem (conditional, so a record never replaces another).
 */
const REWRITE_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
] as const;

/**
 * The metric the archiver counts tampering in (shared/observability/metrics.ts `countAuditTampering`: Powertools
 * Metrics, namespace MedFiles, dimensions service and function).
 */
const TAMPERING_METRIC = {
  namespace: 'MedFiles',
  metricName: 'AuditTampering',
  dimensionsMap: {
    service: 'medfiles',
    function: consumers.find((consumer) => consumer.trigger.kind === 'audit-records')!.name,
  },
};

export interface AuditTrailProps {
  /** Receives the archive bucket's S3 server access logs. */
  readonly accessLogBucket: IBucket;
  /** How long each archived object is locked (compliance mode): whole days, 1 to 36 500. @default six years */
  readonly retention?: Duration;
}

export interface AuditTrailStorage {
  readonly table: TableV2;
  readonly archiveBucket: Bucket;
  /** Encrypts the archive; no one can disable it or schedule its deletion. */
  readonly archiveKey: Key;
  /** In alarm when the archiver has seen an audit record written over or removed in the table. */
  readonly tamperingAlarm: Alarm;
}

export function addAuditTrail(scope: Construct, props: AuditTrailProps): AuditTrailStorage {
  const table = new TableV2(scope, 'AuditTable', {
    ...keysAndIndexes(AUDIT_TABLE_SCHEMA),
    billing: Billing.onDemand(),
    // No TTL: records never expire. Old images too: a record written over or removed reaches the archive as it was.
    dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // The AWS-managed key, for the reason given in ./table.ts: TableV2 refuses a customer-managed key in a
    // region-agnostic stack.
    encryption: TableEncryptionV2.awsManagedKey(),
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    resourcePolicy: new PolicyDocument({
      statements: [
        new PolicyStatement({
          sid: 'AppendOnly',
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          actions: [...REWRITE_ACTIONS],
          // A table's policy cannot name the table's own ARN (a circular reference); it applies to the table only.
          resources: ['*'],
        }),
      ],
    }),
  });

  const archiveKey = addArchiveKey(scope);
  const archiveBucket = new Bucket(scope, 'AuditArchiveBucket', {
    ...PRIVATE_BUCKET,
    encryption: BucketEncryption.KMS,
    encryptionKey: archiveKey,
    bucketKeyEnabled: true,
    objectLockEnabled: true,
    objectLockDefaultRetention: ObjectLockRetention.compliance(wholeDays(props.retention ?? DEFAULT_RETENTION)),
    serverAccessLogsBucket: props.accessLogBucket,
    serverAccessLogsPrefix: 'audit-archive-bucket/',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeAuditArchiveBucket(archiveBucket);

  const tamperingAlarm = new Alarm(scope, 'AuditTamperingAlarm', {
    alarmDescription:
      'An audit record was written over or removed in the audit table (the archiver saw a MODIFY or REMOVE on its ' +
      'stream): see its ERROR lines for the record ids; the Object Lock archive keeps the record as it was.',
    metric: new Metric({ ...TAMPERING_METRIC, statistic: Stats.SUM, period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  acknowledgeAuditTamperingAlarm(tamperingAlarm);
  return { table, archiveBucket, archiveKey, tamperingAlarm };
}

/**
 * The archive's own KMS key (rotated, retained), so that locked objects stay readable: Object Lock keeps the
 * objects, but a key disabled or deleted would make every one of them unreadable. Its policy is CDK's default (the
 * account may grant its use through IAM; the archiver gets kms:GenerateDataKey, RouteFunction.useAuditArchive)
 * plus a Deny of kms:ScheduleKeyDeletion and kms:DisableKey to every principal, the account root and the
 * CloudFormation role included: an explicit Deny in a key policy wins over any Allow.
 *
 * kms:PutKeyPolicy is deliberately not denied. CloudFormation puts the key policy on every deploy that changes
 * it, and KMS refuses a policy that would lock its caller out of changing it (the lockout safety check); denying
 * it to everyone would make this policy final, and a principal allow-list (the deploying role only) would tie
 * the stack to one bootstrap. So an administrator able to put a key policy could lift the Deny, and then schedule
 * deletion, which takes at least 7 days and can be cancelled: watch PutKeyPolicy and ScheduleKeyDeletion in
 * CloudTrail for this key, or deny them by a service control policy outside the account.
 */
function addArchiveKey(scope: Construct): Key {
  const key = new Key(scope, 'AuditArchiveKey', {
    description: 'MedFiles: the Object Lock audit archive (cannot be disabled or scheduled for deletion)',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'KeepArchiveReadable',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'],
      resources: ['*'],
    }),
  );
  return key;
}

/** `retention` if it is a whole number of days S3 accepts; fails the synth otherwise, naming the value. */
function wholeDays(retention: Duration): Duration {
  const days = retention.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new Error(`The audit retention (medfiles:auditRetentionDays, or the auditRetention prop) must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${retention.toHumanString()}`);
  }
  return retention;
}
