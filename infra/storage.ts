/**
 * Where file contents live: a private, SSL-only, KMS-encrypted, versioned bucket, and a second bucket that
 * receives its S3 server access logs (and those of the audit archive, ./audit.ts). The lifecycle rules are the bucket's share of file expiry and clean-up:
 * stale multipart uploads, old versions, and the tagged objects of files whose lifetime has run out.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Bucket, BucketEncryption, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { CORS_MAX_AGE_SECONDS, STORAGE_CORS } from '../shared/http/cors.ts';
import type { Construct } from 'constructs';
import { PRIVATE_BUCKET } from './private-bucket.ts';
import { EXPIRY_TAG, EXPIRY_TAG_BUCKETS, LIFECYCLE_GRACE_DAYS } from '../shared/domain/expiry.ts';
import { acknowledgeAccessLogBucket, acknowledgeFilesBucket } from './nag-acknowledgements.ts';

export interface FileStorageProps {
  /** Encrypts the objects. */
  readonly dataKey: IKey;
  /** How long S3 server access logs are kept. @default 365 days */
  readonly accessLogExpiration?: Duration;
  /** How long an overwritten or deleted object version stays recoverable. @default 30 days */
  readonly noncurrentVersionExpiration?: Duration;
  /** Browser origins that may PUT and GET objects through presigned URLs (shared/http/cors.ts). @default none */
  readonly corsOrigins?: readonly string[];
}

export interface FileStorage {
  readonly bucket: Bucket;
  /** Receives the S3 server access logs of the stack's buckets. */
  readonly accessLogBucket: Bucket;
}

/** Adds the files bucket and its access-log bucket to `scope`. */
export function addFileStorage(scope: Construct, props: FileStorageProps): FileStorage {
  const accessLogBucket = new Bucket(scope, 'AccessLogBucket', {
    ...PRIVATE_BUCKET,
    // S3 server access logging can only deliver to a bucket with SSE-S3 default encryption.
    encryption: BucketEncryption.S3_MANAGED,
    lifecycleRules: [
      {
        id: 'expire-access-logs',
        expiration: props.accessLogExpiration ?? Duration.days(365),
        noncurrentVersionExpiration: Duration.days(1),
      },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeAccessLogBucket(accessLogBucket);

  const origins = props.corsOrigins ?? [];
  const bucket = new Bucket(scope, 'FilesBucket', {
    ...PRIVATE_BUCKET,
    // Direct uploads from a browser: presigned PUTs and GETs from the allowed origins, with ETag readable.
    cors:
      origins.length > 0
        ? [
            {
              allowedOrigins: [...origins],
              allowedMethods: STORAGE_CORS.methods.map((method) => HttpMethods[method]),
              allowedHeaders: [...STORAGE_CORS.allowedHeaders],
              exposedHeaders: [...STORAGE_CORS.exposedHeaders],
              maxAge: CORS_MAX_AGE_SECONDS,
            },
          ]
        : undefined,
    encryption: BucketEncryption.KMS,
    encryptionKey: props.dataKey,
    // One data key per bucket instead of one KMS call per object: same protection, far fewer KMS requests.
    bucketKeyEnabled: true,
    serverAccessLogsBucket: accessLogBucket,
    serverAccessLogsPrefix: 'files-bucket/',
    lifecycleRules: [
      { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      {
        id: 'expire-noncurrent-versions',
        noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
        expiredObjectDeleteMarker: true,
      },
      // The backstop of file expiry: objects of files with a lifetime carry a tag naming the smallest bucket of
      // days that covers it; each bucket's rule deletes them some days after that (TTL removal normally
      // comes first). Old versions of such objects go after one day, not thirty.
      ...EXPIRY_TAG_BUCKETS.map((days) => ({
        id: `expire-tagged-within-${days}d`,
        tagFilters: { [EXPIRY_TAG]: String(days) },
        expiration: Duration.days(days + LIFECYCLE_GRACE_DAYS),
        noncurrentVersionExpiration: Duration.days(1),
      })),
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeFilesBucket(bucket);
  return { bucket, accessLogBucket };
}
