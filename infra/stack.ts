/**
 * The MedFiles stack: one HTTP API whose routes come from the route table (shared/routes.ts), one Lambda
 * function per route, and the stores they share: an S3 bucket for file contents, a DynamoDB table laid out by
 * shared/adapters/table-schema.ts, an EventBridge bus, and a Secrets Manager secret that signs content links and
 * list cursors. Everything holding patient data is encrypted with KMS and retained when the stack is deleted.
 *
 * There is no API Gateway authorizer on purpose: each function verifies the JWT itself (shared/http), because
 * signed content links must work without an Authorization header and `sam local` skips authorizers anyway.
 */
import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AttributeType,
  Billing,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../shared/adapters/table-schema.ts';
import { routes, workers, type FunctionDef, type RouteDef } from '../shared/routes.ts';
import { consumers, EVENT_SOURCE, type ConsumerDef } from '../shared/events.ts';
import { TTL_PRINCIPAL } from '../shared/adapters/ttl-stream.ts';
import { EXPIRY_TAG, EXPIRY_TAG_BUCKETS, LIFECYCLE_GRACE_DAYS } from '../shared/domain/expiry.ts';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  acknowledgeAccessLogBucket,
  acknowledgeFilesBucket,
  acknowledgeHttpApi,
  acknowledgeHttpRouteFunction,
  acknowledgeWorkerFunction,
  acknowledgeDeadLetterQueue,
  acknowledgeConsumerFunction,
  acknowledgeSigningSecret,
} from './nag-acknowledgements.ts';
import { RouteFunction, type BucketAccess, type TableAccess } from './route-function.ts';

/**
 * `aws` (default): the deployable template. `sam-local`: the same stack for `sam local start-api`, whose
 * functions declare the local-only variables (HS256 secret, signing secret, emulator endpoints) instead of the
 * JWKS settings, because `sam local --env-vars` can only set variables that the template declares.
 * See local/sam-env.ts and docs/deploy.md.
 */
export type DeployTarget = 'aws' | 'sam-local';

/** Variables that only the `sam-local` target declares, all left empty for local/sam-env.ts to fill in. */
export const SAM_LOCAL_VARIABLES = [
  'MEDFILES_JWT_SECRET',
  'MEDFILES_SIGNING_SECRET',
  'MEDFILES_S3_FORCE_PATH_STYLE',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_DYNAMODB',
  // The content function invokes the thumbnail worker through `sam local start-lambda`'s endpoint.
  'AWS_ENDPOINT_URL_LAMBDA',
] as const;

export interface MedFilesStackProps extends StackProps {
  /** @default 'aws' */
  readonly target?: DeployTarget;
  /** Stage-wide default throttling. @default 50 requests/s, bursts of 100 */
  readonly throttle?: ThrottleSettings;
  /** Retention of the function and API access logs. @default one year */
  readonly logRetention?: RetentionDays;
  /** How long S3 server access logs are kept. @default 365 days */
  readonly accessLogExpiration?: Duration;
  /** How long an overwritten or deleted object version stays recoverable. @default 30 days */
  readonly noncurrentVersionExpiration?: Duration;
}

/**
 * API Gateway access log line. Only what operating the API needs: no path (it carries ids and the signed-link
 * query string), no source IP or user agent (identifiers under HIPAA), no headers or bodies.
 */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  responseLength: '$context.responseLength',
});

interface SharedFunctionProps {
  environment: Record<string, string>;
  logsKey: Key;
  logRetention: RetentionDays;
}

export class MedFilesStack extends Stack {
  readonly api: HttpApi;
  readonly bucket: Bucket;
  readonly table: TableV2;
  readonly eventBus: EventBus;
  readonly signingSecret: Secret;
  /** Route name → its function, for tests and for wiring event consumers later. */
  readonly routeFunctions: ReadonlyMap<string, RouteFunction>;
  /** Webhook deliveries that failed their last attempt. */
  readonly webhookDeadLetters: Queue;
  /** Events no consumer could handle after its retries. */
  readonly eventDeadLetters: Queue;
  /** Functions of the event table (shared/events.ts), by name. */
  readonly consumerFunctions: ReadonlyMap<string, RouteFunction>;
  /** Functions of the worker table (shared/routes.ts `workers`), by name. */
  readonly workerFunctions: ReadonlyMap<string, RouteFunction>;

  constructor(scope: Construct, id: string, props: MedFilesStackProps = {}) {
    super(scope, id, {
      description: 'MedFiles: file API for medical records (HTTP API, Lambda, S3, DynamoDB, EventBridge)',
      ...props,
    });
    const target = props.target ?? 'aws';
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;

    // ---- Deployment parameters ------------------------------------------------------------------------------
    const jwtIssuer = new CfnParameter(this, 'JwtIssuer', {
      type: 'String',
      minLength: 1,
      description: 'Issuer (iss) the API accepts, e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>',
    });
    const jwtAudience = new CfnParameter(this, 'JwtAudience', {
      type: 'String',
      minLength: 1,
      description: 'Audience (aud) the API accepts, e.g. the Cognito app client id',
    });
    const jwksUrl = new CfnParameter(this, 'JwksUrl', {
      type: 'String',
      allowedPattern: '^https://\\S+$',
      constraintDescription: 'must be an https:// URL',
      description: "The issuer's JWKS, e.g. <issuer>/.well-known/jwks.json",
    });
    const tenantClaim = new CfnParameter(this, 'TenantClaim', {
      type: 'String',
      default: 'tenant',
      minLength: 1,
      description: 'Token claim holding the tenant id (Cognito custom attribute: custom:tenant)',
    });
    const roleClaim = new CfnParameter(this, 'RoleClaim', {
      type: 'String',
      default: 'role',
      minLength: 1,
      description: 'Token claim holding the role: patient, provider, admin or service',
    });
    const publicUrl = new CfnParameter(this, 'PublicUrl', {
      type: 'String',
      default: '',
      allowedPattern: '^(https://\\S+)?$',
      constraintDescription: 'must be empty or an https:// URL',
      description: 'Origin of content links (custom domain); empty: taken from the request Host header',
    });
    const hasPublicUrl = new CfnCondition(this, 'HasPublicUrl', {
      expression: Fn.conditionNot(Fn.conditionEquals(publicUrl.valueAsString, '')),
    });

    // ---- Keys ------------------------------------------------------------------------------------------------
    const dataKey = new Key(this, 'DataKey', {
      description: 'MedFiles: file contents and the link-signing secret',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logsKey = new Key(this, 'LogsKey', {
      description: 'MedFiles: CloudWatch log groups of the functions and the API',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts with the caller-independent service principal; limit it to this account's log groups.
    logsKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
        },
      }),
    );

    // ---- Storage ---------------------------------------------------------------------------------------------
    const accessLogBucket = new Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // S3 server access logging can only deliver to a bucket with SSE-S3 default encryption.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
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

    this.bucket = new Bucket(this, 'FilesBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.KMS,
      encryptionKey: dataKey,
      // One data key per bucket instead of one KMS call per object: same protection, far fewer KMS requests.
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
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
    acknowledgeFilesBucket(this.bucket);

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      globalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      })),
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      // The expiry handler consumes REMOVE records written by TTL; it needs the old image to know what expired.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // KMS with the AWS-managed key (aws/dynamodb, rotated yearly, every use in CloudTrail). A customer-managed key
      // would need a region-specific stack: TableV2 renders the key per replica region and refuses to synthesize
      // region-agnostic, and this stack must synthesize offline with no account or region.
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.eventBus = new EventBus(this, 'EventBus', {
      description: 'MedFiles domain events (ids and non-personal fields only)',
    });

    // Webhook deliveries that failed their last attempt: kept 14 days (the maximum) for inspection and replay.
    this.webhookDeadLetters = new Queue(this, 'WebhookDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeDeadLetterQueue(this.webhookDeadLetters);

    this.signingSecret = new Secret(this, 'SigningSecret', {
      description: 'MedFiles: HMAC key for signed content links and list cursors',
      encryptionKey: dataKey,
      generateSecretString: {
        passwordLength: 64,
        excludePunctuation: true,
        includeSpace: false,
        requireEachIncludedType: true,
      },
    });
    acknowledgeSigningSecret(this.signingSecret);

    // ---- API ---------------------------------------------------------------------------------------------------
    this.api = new HttpApi(this, 'Api', {
      description: 'MedFiles HTTP API v1',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: logRetention,
      encryptionKey: logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    acknowledgeHttpApi(this.api);

    const environment: Record<string, string> =
      target === 'aws'
        ? {
            MEDFILES_JWT_ISSUER: jwtIssuer.valueAsString,
            MEDFILES_JWT_AUDIENCE: jwtAudience.valueAsString,
            MEDFILES_JWT_JWKS_URL: jwksUrl.valueAsString,
            MEDFILES_CLAIM_TENANT: tenantClaim.valueAsString,
            MEDFILES_CLAIM_ROLE: roleClaim.valueAsString,
            // Absent (not empty) when the parameter is empty: config.ts rejects an empty URL.
            MEDFILES_PUBLIC_URL: Fn.conditionIf(hasPublicUrl.logicalId, publicUrl.valueAsString, Aws.NO_VALUE).toString(),
          }
        : {
            MEDFILES_CLAIM_TENANT: tenantClaim.valueAsString,
            MEDFILES_CLAIM_ROLE: roleClaim.valueAsString,
            ...Object.fromEntries(SAM_LOCAL_VARIABLES.map((name) => [name, ''])),
          };

    const shared = { environment, logsKey, logRetention };
    const workerFunctions = new Map<string, RouteFunction>();
    for (const worker of workers) {
      const fn = this.addFunction(`Worker-${worker.name}`, worker, `MedFiles worker ${worker.name}`, shared);
      acknowledgeWorkerFunction(fn, { objectBucket: worker.grants.some((g) => g.startsWith('bucket:')) ? this.bucket : undefined });
      workerFunctions.set(worker.name, fn);
    }
    this.workerFunctions = workerFunctions;

    const functions = new Map<string, RouteFunction>();
    for (const route of routes) {
      const fn = this.addRoute(route, shared);
      functions.set(route.name, fn);
    }
    this.routeFunctions = functions;

    // Events that could not be handled after the retries (bus targets, consumer invocations, stream batches).
    this.eventDeadLetters = new Queue(this, 'EventDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // EventBridge sends undeliverable events to the (KMS-encrypted) queue itself, so its key must let it.
    dataKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const consumerFunctions = new Map<string, RouteFunction>();
    for (const consumer of consumers) {
      consumerFunctions.set(consumer.name, this.addConsumer(consumer, shared));
    }
    this.consumerFunctions = consumerFunctions;

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the API (routes start with /v1)' });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /** One function and one HTTP API route for a route table entry, with exactly the grants the entry lists. */
  private addRoute(route: RouteDef, shared: SharedFunctionProps): RouteFunction {
    const fn = this.addFunction(`Route-${route.name}`, route, `MedFiles ${route.method} ${route.path}`, shared);
    acknowledgeHttpRouteFunction(fn, { objectBucket: route.grants.some((g) => g.startsWith('bucket:')) ? this.bucket : undefined });
    this.api.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration: new HttpLambdaIntegration(`Integration-${route.name}`, fn.function, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
    });
    return fn;
  }

  /**
   * A function for an event table entry and its trigger: an EventBridge rule on the bus, a schedule, or the
   * table's stream filtered to TTL removals. Asynchronous failures end in the event dead-letter queue.
   */
  private addConsumer(consumer: ConsumerDef, shared: SharedFunctionProps): RouteFunction {
    const fn = this.addFunction(`Consumer-${consumer.name}`, consumer, `MedFiles consumer ${consumer.name}`, {
      ...shared,
      deadLetterQueue: consumer.trigger.kind === 'ttl-removals' ? undefined : this.eventDeadLetters,
    });
    const target = () =>
      new LambdaFunction(fn.function, {
        deadLetterQueue: this.eventDeadLetters,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      });
    switch (consumer.trigger.kind) {
      case 'bus':
        new Rule(this, `Rule-${consumer.name}`, {
          description: `MedFiles events → ${consumer.name}`,
          eventBus: this.eventBus,
          eventPattern: { source: [EVENT_SOURCE] },
          targets: [target()],
        });
        break;
      case 'schedule':
        new Rule(this, `Schedule-${consumer.name}`, {
          description: `MedFiles schedule → ${consumer.name}`,
          schedule: Schedule.rate(Duration.seconds(consumer.trigger.everySeconds)),
          targets: [target()],
        });
        break;
      case 'ttl-removals':
        fn.function.addEventSource(
          new DynamoEventSource(this.table, {
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: 25,
            bisectBatchOnError: true,
            retryAttempts: 10,
            reportBatchItemFailures: true,
            onFailure: new SqsDlq(this.eventDeadLetters),
            // Only deletes made by TTL itself: permanent deletes through the API are not expiries.
            filters: [
              FilterCriteria.filter({
                eventName: FilterRule.isEqual('REMOVE'),
                userIdentity: { type: FilterRule.isEqual('Service'), principalId: FilterRule.isEqual(TTL_PRINCIPAL) },
              }),
            ],
          }),
        );
        break;
      default:
        throw new Error(`consumer ${(consumer.trigger satisfies never, consumer.name)}: unknown trigger`);
    }
    acknowledgeConsumerFunction(fn, {
      objectBucket: consumer.grants.some((g) => g.startsWith('bucket:')) ? this.bucket : undefined,
      readsStream: consumer.trigger.kind === 'ttl-removals',
    });
    return fn;
  }

  /** A function for a route or worker table entry: its size, native modules, grants and the workers it calls. */
  private addFunction(
    id: string,
    def: FunctionDef,
    description: string,
    shared: SharedFunctionProps & { deadLetterQueue?: Queue },
  ): RouteFunction {
    const fn = new RouteFunction(this, id, {
      deadLetterQueue: shared.deadLetterQueue,
      entry: def.name,
      description,
      memoryMb: def.memoryMb,
      timeoutSeconds: def.timeoutSeconds,
      logsKey: shared.logsKey,
      logRetention: shared.logRetention,
      environment: shared.environment,
      nativeModules: def.nativeModules,
    });
    for (const name of def.invokes ?? []) {
      const worker = this.workerFunctions.get(name);
      const workerDef = workers.find((w) => w.name === name);
      if (!worker || !workerDef) throw new Error(`${def.name} invokes unknown worker ${name}`);
      fn.useWorker(worker, workerDef.envVar);
    }

    const bucketAccess: BucketAccess[] = [];
    const tableAccess: TableAccess[] = [];
    let putEvents = false;
    let sendToQueue = false;
    let readSigningKey = false;
    for (const grant of def.grants) {
      switch (grant) {
        case 'bucket:read':
          bucketAccess.push('read');
          break;
        case 'bucket:write':
          bucketAccess.push('write');
          break;
        case 'bucket:delete':
          bucketAccess.push('delete');
          break;
        case 'table:read':
          tableAccess.push('read');
          break;
        case 'table:write':
          tableAccess.push('write');
          break;
        case 'bus:put':
          putEvents = true;
          break;
        case 'signing-key:read':
          readSigningKey = true;
          break;
        case 'queue:send':
          sendToQueue = true;
          break;
        default:
          throw new Error(`${def.name}: unknown grant ${String(grant satisfies never)}`);
      }
    }

    // shared/config.ts requires the bucket and table names (and a signing key source) in every function, so every
    // function gets them; permissions only where the route table says so.
    fn.useBucket(this.bucket, bucketAccess).useTable(this.table, tableAccess);
    fn.useSigningKey(this.signingSecret, { read: readSigningKey });
    if (putEvents) fn.useBus(this.eventBus);
    if (sendToQueue) fn.useDeadLetterQueue(this.webhookDeadLetters);
    return fn;
  }
}
