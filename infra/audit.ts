/**
 * The audit trail's storage (issue 8): its own DynamoDB table, append-only by construction, and an S3 bucket with
 * Object Lock in compliance mode that every new record is archived to, so that not even an administrator of the
 * account can alter history.
 *
 * Append-only twice over: no function's role is granted anything on the table but PutItem (writers) and Query
 * (readers) (RouteFunction.useAuditTrail), and the table's resource policy denies every principal, the account
 * root included, the actions that rewrite or remove items. The table's stream feeds the archiver
 * (functions/archive-audit-events.ts, wired in ./events.ts), which writes each batch as one object; the bucket's
 * default retention locks every object version for `retention`, in compliance mode: no one can shorten it or
 * delete a locked version until it has run out, and the bucket is versioned, so a rewritten key keeps its old
 * versions locked too.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { AUDIT_TABLE_SCHEMA } from '../shared/adapters/audit-table-schema.ts';
import { acknowledgeAuditArchiveBucket } from './nag-acknowledgements.ts';

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

export interface AuditTrailProps {
  /** Encrypts the archive's objects. */
  readonly dataKey: IKey;
  /** Receives the archive bucket's S3 server access logs. */
  readonly accessLogBucket: IBucket;
  /** How long each archived object is locked (compliance mode): whole days, 1 to 36 500. @default six years */
  readonly retention?: Duration;
}

export interface AuditTrailStorage {
  readonly table: TableV2;
  readonly archiveBucket: Bucket;
}

export function addAuditTrail(scope: Construct, props: AuditTrailProps): AuditTrailStorage {
  const table = new TableV2(scope, 'AuditTable', {
    partitionKey: { name: AUDIT_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
    sortKey: { name: AUDIT_TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
    billing: Billing.onDemand(),
    globalSecondaryIndexes: AUDIT_TABLE_SCHEMA.indexes.map((index) => ({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    })),
    // No TTL: records never expire. The archiver needs only what was written.
    dynamoStream: StreamViewType.NEW_IMAGE,
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

  const archiveBucket = new Bucket(scope, 'AuditArchiveBucket', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.KMS,
    encryptionKey: props.dataKey,
    bucketKeyEnabled: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    objectLockEnabled: true,
    objectLockDefaultRetention: ObjectLockRetention.compliance(wholeDays(props.retention ?? DEFAULT_RETENTION)),
    serverAccessLogsBucket: props.accessLogBucket,
    serverAccessLogsPrefix: 'audit-archive-bucket/',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeAuditArchiveBucket(archiveBucket);
  return { table, archiveBucket };
}

/** `retention` if it is a whole number of days S3 accepts; fails the synth otherwise, naming the value. */
function wholeDays(retention: Duration): Duration {
  const days = retention.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new Error(`auditRetention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${retention.toHumanString()}`);
  }
  return retention;
}
