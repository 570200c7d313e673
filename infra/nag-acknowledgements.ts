/**
 * Every cdk-nag finding MedFiles accepts instead of fixing, in one place, each with the reason it is safe.
 *
 * cdk-nag 3 reads acknowledgements from construct metadata (`Validations.of(scope).acknowledge`), and one applies
 * to the construct it is recorded on and everything below it. So each acknowledgement here is scoped to the
 * narrowest construct that has the finding: a new bucket, function or secret gets checked afresh. Findings with
 * several occurrences per resource (AwsSolutions-IAM5) are acknowledged one finding id at a time; there is no
 * prefix matching.
 *
 * Everything else the AwsSolutions and HIPAA Security packs check is fixed in the stack: customer-managed KMS keys
 * with rotation, encrypted log groups with retention, SSL-only private buckets with versioning and access logs,
 * PITR, stage access logging, Node.js 24, no AWS-managed policies and no inline policies.
 */
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { RouteFunction } from './route-function.ts';

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** Routes carry no API Gateway authorizer; the functions authenticate. */
export function acknowledgeHttpApi(api: HttpApi): void {
  acknowledge(
    api,
    'AwsSolutions-APIG4',
    'No API Gateway authorizer by design: every route except the public GET /v1/health and GET /v1/openapi.json ' +
      "verifies the bearer JWT inside its function (RS256/ES256 against the issuer's JWKS, issuer, audience, " +
      'exp/nbf) before doing any work, because GET /v1/files/{id}/content must also accept signed links that ' +
      'carry no Authorization header, which an authorizer would reject. sam local also skips authorizers, so ' +
      'verifying in the function keeps local and deployed behaviour the same.',
  );
}

/** The IAM5 finding id of a statement on every object of `bucket` (`arn/*`). */
function objectsFinding(bucket: IBucket): string {
  const resource = bucket.node.defaultChild as CfnResource;
  const logicalId = Stack.of(resource).resolve(resource.logicalId) as string;
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/*]`;
}

/** Object permissions on `bucket/*`: the one resource wildcard every function that touches files has. */
function acknowledgeObjectAccess(fn: RouteFunction, objectBucket: IBucket, table: string): void {
  acknowledge(
    fn,
    objectsFinding(objectBucket),
    "Object keys are made at runtime from the tenant and file id, so object permissions apply to the bucket's " +
      'objects (arn/*). The actions are listed one by one (no action wildcards) and only for the grants the ' +
      `function's entry in ${table} names; the bucket is private, SSL-only and KMS-encrypted.`,
  );
}

/**
 * Findings every HTTP route function has. `objectBucket`: the bucket whose objects the route may touch, if any
 * (its `arn/*` resource is the second IAM5 finding).
 */
export function acknowledgeHttpRouteFunction(fn: RouteFunction, options: { objectBucket?: IBucket } = {}): void {
  acknowledge(
    fn,
    'AwsSolutions-IAM5[Resource::*]',
    'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) use Resource "*": X-Ray ' +
      'does not support resource-level permissions for these actions. Every other statement names its resource.',
  );
  if (options.objectBucket) acknowledgeObjectAccess(fn, options.objectBucket, 'shared/routes.ts');
  acknowledge(
    fn,
    'HIPAA.Security-LambdaDLQ',
    'Invoked synchronously (by API Gateway, or by a route function for workers), which returns any failure to ' +
      'the caller. Lambda sends only ' +
      'asynchronous invocations to a dead-letter queue, so a queue here would never receive a message. ' +
      'Asynchronously invoked functions (event consumers) must set RouteFunction.deadLetterQueue instead.',
  );
  acknowledge(
    fn,
    'HIPAA.Security-LambdaConcurrency',
    "Reserved concurrency is carved out of the account's regional pool (a deployment fails when less than 100 " +
      'would stay unreserved) and a per-route cap would be a guess that throttles legitimate traffic. Load is ' +
      "bounded at the edge instead, by the API stage's default rate and burst throttling, and in total by the " +
      'account concurrency quota.',
  );
  acknowledge(
    fn,
    'HIPAA.Security-LambdaInsideVPC',
    'The function reaches only AWS public endpoints (S3, DynamoDB, Secrets Manager, EventBridge, X-Ray) over TLS ' +
      "with IAM-signed requests, plus the OIDC issuer's JWKS on the internet. A VPC would need a NAT gateway for " +
      'the JWKS and interface endpoints for the rest, adding cost and failure modes without narrowing who can ' +
      'reach the data: that is decided by IAM, the KMS key policies and the SSL-only bucket policy.',
  );
}

/** The worker functions (thumbnails): invoked synchronously by route functions, same reasoning otherwise. */
export function acknowledgeWorkerFunction(fn: RouteFunction, options: { objectBucket?: IBucket } = {}): void {
  acknowledgeHttpRouteFunction(fn, options);
}

/** Event consumers: asynchronously invoked (they have a dead-letter queue), else as the route functions. */
export function acknowledgeConsumerFunction(
  fn: RouteFunction,
  options: { objectBucket?: IBucket; archiveBucket?: IBucket; readsStream?: boolean } = {},
): void {
  acknowledge(
    fn,
    'AwsSolutions-IAM5[Resource::*]',
    'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and, for the stream consumers, ' +
      'dynamodb:ListStreams use Resource "*": these actions have no resource-level permissions. Every other ' +
      'statement names its resource.',
  );
  if (options.objectBucket) acknowledgeObjectAccess(fn, options.objectBucket, 'shared/events.ts');
  if (options.archiveBucket) {
    acknowledge(
      fn,
      objectsFinding(options.archiveBucket),
      'The archiver names each object at runtime after the batch it holds (the date and the first and last record ' +
        'ids), so it may put objects anywhere in the audit archive bucket (arn/*). It has s3:PutObject only: no ' +
        'read, no delete, no retention or legal-hold change, and Object Lock in compliance mode keeps every version.',
    );
  }
  if (options.readsStream) {
    acknowledge(
      fn,
      'HIPAA.Security-LambdaDLQ',
      'A stream consumer is invoked synchronously by its event source mapping, so a function dead-letter queue ' +
        "would never receive anything; batches that still fail after the mapping's retries (with bisection) go to " +
        "the mapping's on-failure destination, the encrypted event dead-letter queue.",
    );
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      acknowledge(
        fn,
        `AwsSolutions-IAM5[Action::${action}]`,
        "Added by the stream mapping's on-failure destination (SqsDlq grants send on the KMS-encrypted event " +
          'dead-letter queue, which needs data keys of its key); the resource is that one key, not "*".',
      );
    }
  }
  acknowledge(
    fn,
    'HIPAA.Security-LambdaConcurrency',
    "Reserved concurrency is carved out of the account's regional pool and a per-consumer cap would be a guess; " +
      'event consumers are bounded by their triggers instead: one stream shard poller per shard, EventBridge ' +
      'delivery rates, and a one-minute schedule that never overlaps itself in practice (120 s timeout).',
  );
  acknowledge(
    fn,
    'HIPAA.Security-LambdaInsideVPC',
    'The consumers reach AWS public endpoints over TLS with IAM-signed requests and, for webhooks, customer ' +
      'endpoints on the internet (private targets are refused by address). A VPC would need a NAT gateway for ' +
      'those endpoints without narrowing who can reach the data: that is decided by IAM and the KMS key policies.',
  );
}

/** The webhook dead-letter queue is itself the end of the line: it has no dead-letter queue of its own. */
export function acknowledgeDeadLetterQueue(queue: IQueue): void {
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    'This queue is the dead-letter queue: it receives webhook deliveries after their last attempt and is read ' +
      'by operators for inspection and replay. A dead-letter queue of a dead-letter queue would only move the ' +
      'same messages one step further without adding a way to handle them.',
  );
}

export function acknowledgeFilesBucket(bucket: Bucket): void {
  acknowledge(
    bucket,
    'HIPAA.Security-S3BucketReplicationEnabled',
    'Cross-Region replication needs a destination bucket and KMS key in a second Region, which is a per-deployment ' +
      'data-residency decision for patient data, not a default. Within the Region, versioning keeps overwritten ' +
      'and deleted versions recoverable for the noncurrent-version period, S3 stores objects across several ' +
      'Availability Zones, and the bucket is retained when the stack is deleted. Add replication rules when a ' +
      'recovery Region is chosen.',
  );
}

/** The audit archive: Object Lock (compliance mode), so every record stays exactly as written for the retention. */
export function acknowledgeAuditArchiveBucket(bucket: Bucket): void {
  acknowledge(
    bucket,
    'HIPAA.Security-S3BucketReplicationEnabled',
    'The archive is a second copy already: every audit record is also kept in the audit table, which has ' +
      'point-in-time recovery and deletion protection. Cross-Region replication of an Object Lock bucket needs a ' +
      'locked destination bucket and a KMS key in a second Region, a per-deployment data-residency decision; within ' +
      'the Region S3 stores objects across several Availability Zones and compliance mode forbids deleting them.',
  );
}

/** The audit tampering alarm (infra/audit.ts): who it pages is chosen per deployment. */
export function acknowledgeAuditTamperingAlarm(alarm: Alarm): void {
  acknowledge(
    alarm,
    'HIPAA.Security-CloudWatchAlarmAction',
    'Who is notified is a per-deployment choice (an on-call tool, a ticket queue, a security account), not a ' +
      'default. CloudWatch sends every alarm state change to the default EventBridge bus whether or not the alarm ' +
      'has actions, so a deployment routes it with a rule (or adds an action) without changing the alarm; the ' +
      'alarm itself is in the template, and a change to it shows in the stack diff.',
  );
}

/** The bucket that receives the S3 server access logs of the files bucket and of the audit archive. */
export function acknowledgeAccessLogBucket(bucket: Bucket): void {
  acknowledge(
    bucket,
    'HIPAA.Security-S3DefaultEncryptionKMS',
    'Target of S3 server access log delivery, for which the S3 user guide supports SSE-S3 default encryption ' +
      'on the target bucket. Log objects are still encrypted at rest (AES-256), the bucket is private and ' +
      'SSL-only, and the logs hold request metadata with opaque ids only: API.md keeps file names and other ' +
      'personal data out of object keys and URLs.',
  );
  acknowledge(
    bucket,
    'HIPAA.Security-S3BucketReplicationEnabled',
    'Holds operational S3 access logs with no patient data, kept for a fixed period and retained when the stack ' +
      'is deleted; replicating them to a second Region would add cost without a recovery need.',
  );
}

/** The HMAC key of signed content links and list cursors. */
export function acknowledgeSigningSecret(secret: ISecret): void {
  const reason =
    'Rotating this HMAC key invalidates every outstanding signed content link (15-minute lifetime) and every ' +
    'list cursor at once, and no rotation function exists yet that would keep the previous key valid for a ' +
    'grace period. It is a random 64-character value encrypted with the customer-managed data key and readable ' +
    'only by the routes granted signing-key:read; docs/deploy.md describes rotating it by hand.';
  acknowledge(secret, 'AwsSolutions-SMG4', reason);
  acknowledge(secret, 'HIPAA.Security-SecretsManagerRotationEnabled', reason);
}
