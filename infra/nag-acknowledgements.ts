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
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
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

/** The bucket of the console's logs: CloudFront standard logs and the console bucket's S3 server access logs. */
export function acknowledgeConsoleLogBucket(bucket: Bucket): void {
  acknowledge(
    bucket,
    'HIPAA.Security-S3DefaultEncryptionKMS',
    'Target of CloudFront standard logging and S3 server access logging, which write to SSE-S3 buckets (a KMS key ' +
      'would need a key policy for the log delivery services). Log objects are still encrypted at rest (AES-256), ' +
      'the bucket is private and SSL-only, and the logs describe requests for the console\'s static files, which ' +
      'carry no tokens or file names (API.md keeps them out of URLs).',
  );
  acknowledge(
    bucket,
    'HIPAA.Security-S3BucketReplicationEnabled',
    'Holds operational access logs of the console\'s static files, kept for a fixed period and retained when the ' +
      'stack is deleted; replicating them to a second Region would add cost without a recovery need.',
  );
}

/** The console bucket: the built app (HTML, JS, CSS) and its config.json, nothing else. */
export function acknowledgeConsoleBucket(bucket: Bucket): void {
  acknowledge(
    bucket,
    'HIPAA.Security-S3DefaultEncryptionKMS',
    'Holds only the console\'s static files and a config.json naming the API URL: code anyone loading the console ' +
      'receives, no patient data and no secrets. SSE-S3 encrypts them at rest and CloudFront Origin Access Control ' +
      'reads them without a KMS key policy for the CloudFront service; the bucket is private, SSL-only, versioned.',
  );
  acknowledge(
    bucket,
    'HIPAA.Security-S3BucketReplicationEnabled',
    'Its contents are a build output: every deploy writes them again from console/dist, so a second Region would ' +
      'hold nothing that `npm run console:build` and a deploy cannot recreate. The bucket is versioned in-Region.',
  );
}

/** The console's CloudFront distribution. */
export function acknowledgeConsoleDistribution(distribution: Distribution): void {
  acknowledge(
    distribution,
    'AwsSolutions-CFR1',
    'No geo restriction: who may use the console is decided by the API, which verifies a bearer token on every ' +
      'request; the distribution serves only static app code. Clinics that must limit countries add a restriction ' +
      'per deployment, as it depends on where their staff and patients are.',
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR2',
    'No WAF web ACL: the distribution serves only static, cacheable app code from a private bucket (GET and HEAD), ' +
      'with no query strings or cookies forwarded, so there is no input for WAF rules to inspect; the API it calls ' +
      'is throttled by its stage and authenticates every request. A web ACL costs per month and per request.',
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR4',
    'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the viewer security ' +
      'policy (TLSv1) and ignores a minimum protocol version; a deployment with a custom domain and ACM certificate ' +
      'should set TLSv1.2_2021. The browsers that run the console (ES2022 modules) negotiate TLS 1.2 or 1.3 anyway.',
  );
}

/**
 * The Lambda function `aws-s3-deployment` brings to copy the console into its bucket (one per stack, made by CDK,
 * run only by CloudFormation during a deploy). Acknowledged on that function, which holds its role and policy.
 */
export function acknowledgeConsoleDeployment(deployment: BucketDeployment, bucket: IBucket): void {
  const stack = Stack.of(deployment);
  const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) throw new Error(`No BucketDeployment handler found for ${deployment.node.path}`);
  const made =
    'This is the function aws-s3-deployment (BucketDeployment) creates to copy the console into its bucket; ' +
    'CloudFormation invokes it during deploys only and it handles no patient data. ';
  acknowledge(
    handler,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    made + 'CDK attaches AWSLambdaBasicExecutionRole to its role (log writing only: CreateLogGroup, CreateLogStream, ' +
      'PutLogEvents); BucketDeployment offers no way to replace it while keeping its own grants.',
  );
  const grants =
    made + 'CDK grants it read on the asset staging object and read/write/delete on the console bucket with ' +
    'action wildcards (s3:GetObject*, s3:GetBucket*, s3:List*, s3:DeleteObject*, s3:Abort*) on those two buckets ' +
    'only, which the construct does not let us narrow.';
  for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
    acknowledge(handler, `AwsSolutions-IAM5[Action::${action}]`, grants);
  }
  acknowledge(handler, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]', grants);
  acknowledge(handler, objectsFinding(bucket), grants);
  acknowledge(
    handler,
    'AwsSolutions-IAM5[Resource::*]',
    made + 'Resource "*" is for cloudfront:CreateInvalidation and cloudfront:GetInvalidation, which invalidate the ' +
      "console's cache after a deploy; CDK grants them on every distribution (the construct names none).",
  );
  acknowledge(
    handler,
    'HIPAA.Security-IAMNoInlinePolicy',
    made + 'CDK writes its grants as the role\'s default (inline) policy; the construct has no option for a managed ' +
      'one. The policy names only the asset bucket, the console bucket and CloudFront invalidations.',
  );
  acknowledge(
    handler,
    'AwsSolutions-L1',
    made + 'Its runtime is chosen by the aws-cdk-lib version (it runs the AWS CLI on a Python runtime with a ' +
      'layer), not by the stack; upgrading aws-cdk-lib upgrades it.',
  );
  acknowledge(
    handler,
    'HIPAA.Security-LambdaDLQ',
    made + 'CloudFormation invokes it synchronously through the custom resource provider and fails the deploy on ' +
      'an error, so a dead-letter queue (for asynchronous invocations) would never receive anything.',
  );
  acknowledge(
    handler,
    'HIPAA.Security-LambdaConcurrency',
    made + 'It runs once per deploy that changes the console; reserving concurrency for it would take capacity from ' +
      "the account's regional pool that the API's functions share, for no benefit.",
  );
  acknowledge(
    handler,
    'HIPAA.Security-LambdaInsideVPC',
    made + 'It reaches only S3 and CloudFront public endpoints over TLS with IAM-signed requests; a VPC would need ' +
      'endpoints or a NAT gateway without narrowing who can reach the data.',
  );
}
