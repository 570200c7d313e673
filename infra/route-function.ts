/**
 * One Lambda function the way MedFiles runs them: Node 24 on arm64, X-Ray tracing, its own encrypted log group
 * with a retention, a minified ESM bundle, and a role that holds nothing until a `use…` helper grants it
 * something. Each helper sets the environment variable the code reads (see shared/config.ts) together with the
 * IAM permissions behind it, so a function can never have the name of a resource without the right to use it,
 * or the right without knowing where. `useGrants` turns a table entry's grants (shared/routes.ts `Grant`) into
 * those helper calls.
 *
 * Used for the HTTP routes, the thumbnail worker and the event consumers alike: nothing here assumes API Gateway.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { AUDIT_TABLE_SCHEMA } from '../shared/adapters/audit-table-schema.ts';
import { TABLE_SCHEMA } from '../shared/adapters/table-schema.ts';
import type { Grant } from '../shared/routes.ts';
import { ManagedPolicyRole } from './managed-policy-role.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const FUNCTIONS_DIR = path.join(REPO_ROOT, 'functions');

/**
 * esbuild writes an ES module, but some bundled dependencies still call `require` for Node built-ins; ESM has no
 * `require`, so the bundle makes one. Without this banner those calls throw "Dynamic require of ... is not supported".
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __medfilesCreateRequire } from 'node:module'; " +
  'const require = __medfilesCreateRequire(import.meta.url);';

export type BucketAccess = 'read' | 'write' | 'delete';
export type TableAccess = 'read' | 'write';
export type AuditTrailAccess = 'read' | 'write';

/**
 * The order in which grants are applied, whatever their order in a table entry: reordering an entry's grants
 * must not rewrite its policy on the next deployment.
 */
const GRANT_ORDER: Record<Grant, number> = {
  'bucket:read': 0,
  'bucket:write': 1,
  'bucket:delete': 2,
  'table:read': 3,
  'table:write': 4,
  'signing-key:read': 5,
  'bus:put': 6,
  'queue:send': 7,
  'audit:write': 8,
  'audit:read': 9,
  'audit-archive:write': 10,
};

/** The stack's resources that grants refer to; `useGrants` gives a function the ones its grants name. */
export interface GrantableResources {
  readonly bucket: IBucket;
  readonly table: ITableV2;
  readonly eventBus: IEventBus;
  readonly signingSecret: ISecret;
  /** Where webhook deliveries go after their last attempt (`queue:send`). */
  readonly webhookDeadLetters: IQueue;
  /** The append-only audit table (`audit:`). */
  readonly auditTable: ITableV2;
  /** The Object Lock bucket audit records are archived to (`audit-archive:write`). */
  readonly auditArchiveBucket: IBucket;
}

export interface RouteFunctionProps {
  /** Handler module name: the function's code is `functions/<entry>.ts`, exporting `handler`. */
  readonly entry: string;
  readonly description?: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Key that encrypts the function's log group; its key policy must allow the CloudWatch Logs service. */
  readonly logsKey: IKey;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** Variables that need no grant (token settings, endpoints). Resource variables come from the `use…` helpers. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Packages with native code (e.g. `['sharp']`) installed into the asset instead of bundled. They are installed
   * for linux/arm64/glibc whatever machine synthesizes: without the npm_config_* variables npm would fetch the
   * build machine's prebuilt binaries (x64 on most CI runners) and the function would fail at its first import.
   */
  readonly nativeModules?: readonly string[];
  /** For asynchronously invoked functions (event consumers): where failed events go after the retries. */
  readonly deadLetterQueue?: IQueue;
}

export class RouteFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Native packages installed for linux-arm64 into this function's asset. */
  readonly nativeModules: readonly string[];
  private readonly granted = new Set<string>();

  constructor(scope: Construct, id: string, props: RouteFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      encryptionKey: props.logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `MedFiles ${props.entry}: only what its use-helpers granted`,
    });
    this.logGroup.grantWrite(this.role);

    const nativeModules = props.nativeModules ?? [];
    this.nativeModules = nativeModules;
    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(FUNCTIONS_DIR, `${props.entry}.ts`),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      deadLetterQueue: props.deadLetterQueue,
      environment: props.environment,
      // No source maps and no NODE_OPTIONS=--enable-source-maps, on purpose: the code never logs a stack trace,
      // only error class names (messages can echo patient data), so a map would resolve nothing anyone reads,
      // while shipping it (1.8 MB) and enabling it cost 35-45 ms of every cold start.
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        // Prefer the ES module build of dependencies that ship both: better tree shaking, no CJS interop shims.
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        // Bundle the AWS SDK too: the code runs with the SDK version it was tested with (the S3 checksum
        // settings need a recent one), not whichever version the managed runtime happens to ship.
        // sharp (native) is never bundled: functions that use it ship it for linux-arm64 via nativeModules, and
        // the code loads it lazily, so functions without it start fine.
        externalModules: ['sharp'],
        ...(nativeModules.length > 0
          ? {
              nodeModules: [...nativeModules],
              environment: { npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_libc: 'glibc' },
            }
          : {}),
      },
    });
  }

  /**
   * Everything `grants` (a route, worker or consumer table entry) names, each through its `use…` helper: the
   * resource's variable and the permissions. A resource no grant names stays unknown to the function.
   */
  useGrants(grants: readonly Grant[], resources: GrantableResources): this {
    for (const grant of [...grants].sort((a, b) => GRANT_ORDER[a] - GRANT_ORDER[b])) {
      switch (grant) {
        case 'bucket:read':
          this.useBucket(resources.bucket, 'read');
          break;
        case 'bucket:write':
          this.useBucket(resources.bucket, 'write');
          break;
        case 'bucket:delete':
          this.useBucket(resources.bucket, 'delete');
          break;
        case 'table:read':
          this.useTable(resources.table, 'read');
          break;
        case 'table:write':
          this.useTable(resources.table, 'write');
          break;
        case 'bus:put':
          this.useBus(resources.eventBus);
          break;
        case 'signing-key:read':
          this.useSigningKey(resources.signingSecret);
          break;
        case 'queue:send':
          this.useDeadLetterQueue(resources.webhookDeadLetters);
          break;
        case 'audit:write':
          this.useAuditTrail(resources.auditTable, 'write');
          break;
        case 'audit:read':
          this.useAuditTrail(resources.auditTable, 'read');
          break;
        case 'audit-archive:write':
          this.useAuditArchive(resources.auditArchiveBucket);
          break;
        default:
          return unreachable(grant);
      }
    }
    return this;
  }

  /** Lets this function invoke `worker` synchronously, and tells it the worker's name in `envVar`. */
  useWorker(worker: RouteFunction, envVar: string): this {
    this.setEnvironment(envVar, worker.function.functionName);
    if (this.firstGrant(`invoke:${worker.node.id}`)) this.allow(['lambda:InvokeFunction'], [worker.function.functionArn]);
    return this;
  }

  /** Sets an environment variable that needs no permission. */
  setEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * MEDFILES_BUCKET plus the object permissions for `access`. Objects are encrypted with the bucket's KMS key, so
   * each access also gets the key operation it implies. `read` includes s3:ListBucket so that a missing key is a
   * 404, not a 403, and s3:ListMultipartUploadParts so that an upload in progress can be resumed.
   */
  useBucket(bucket: IBucket, access: BucketAccess): this {
    this.setEnvironment('MEDFILES_BUCKET', bucket.bucketName);
    if (!this.firstGrant(`bucket:${access}`)) return this;
    const objects = bucket.arnForObjects('*');
    const key = bucket.encryptionKey;
    switch (access) {
      case 'read':
        this.allow(['s3:ListBucket'], [bucket.bucketArn]);
        // Listing a multipart upload's parts (resuming it) is an object action on the upload's key.
        this.allow(['s3:GetObject', 's3:GetObjectTagging', 's3:ListMultipartUploadParts'], [objects]);
        if (key) this.allow(['kms:Decrypt'], [key.keyArn]);
        break;
      case 'write':
        this.allow(['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'], [objects]);
        // Multipart uploads and server-side copies decrypt as well as encrypt.
        if (key) this.allow(['kms:GenerateDataKey', 'kms:Decrypt'], [key.keyArn]);
        break;
      case 'delete':
        // Aborting a multipart upload deletes its parts: the TTL consumer does it for uploads never completed.
        this.allow(['s3:DeleteObject', 's3:AbortMultipartUpload'], [objects]);
        break;
      default:
        return unreachable(access);
    }
    return this;
  }

  /**
   * MEDFILES_TABLE plus item permissions for `access`. Reads are allowed on the table and on each index of
   * TABLE_SCHEMA by name rather than on `index/*`: no wildcard, and nothing beyond the layout.
   */
  useTable(table: ITableV2, access: TableAccess): this {
    this.setEnvironment('MEDFILES_TABLE', table.tableName);
    if (!this.firstGrant(`table:${access}`)) return this;
    const key = table.encryptionKey;
    switch (access) {
      case 'read':
        this.allow(
          ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
          [table.tableArn, ...TABLE_SCHEMA.indexes.map((index) => `${table.tableArn}/index/${index.name}`)],
        );
        if (key) this.allow(['kms:Decrypt', 'kms:DescribeKey'], [key.keyArn]);
        break;
      case 'write':
        this.allow(
          [
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:BatchWriteItem',
            'dynamodb:ConditionCheckItem',
          ],
          [table.tableArn],
        );
        if (key) this.allow(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], [key.keyArn]);
        break;
      default:
        return unreachable(access);
    }
    return this;
  }

  /**
   * MEDFILES_AUDIT_TABLE plus item permissions for `access`. The trail is append-only: `write` is dynamodb:PutItem
   * on the table and nothing else (no update, delete or batch write, which can delete), and the table's resource
   * policy (./audit.ts) denies those to everyone anyway. `read` is Query on the table and on each index of
   * AUDIT_TABLE_SCHEMA by name.
   */
  useAuditTrail(table: ITableV2, access: AuditTrailAccess): this {
    this.setEnvironment('MEDFILES_AUDIT_TABLE', table.tableName);
    if (!this.firstGrant(`audit:${access}`)) return this;
    // Undefined with the AWS-managed key the table has now (./audit.ts); a customer-managed key needs these.
    const key = table.encryptionKey;
    switch (access) {
      case 'read':
        this.allow(
          ['dynamodb:Query'],
          [table.tableArn, ...AUDIT_TABLE_SCHEMA.indexes.map((index) => `${table.tableArn}/index/${index.name}`)],
        );
        if (key) this.allow(['kms:Decrypt', 'kms:DescribeKey'], [key.keyArn]);
        break;
      case 'write':
        this.allow(['dynamodb:PutItem'], [table.tableArn]);
        if (key) this.allow(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], [key.keyArn]);
        break;
      default:
        return unreachable(access);
    }
    return this;
  }

  /**
   * MEDFILES_AUDIT_ARCHIVE_BUCKET plus s3:PutObject on its objects (and the data key for it): nothing that reads,
   * deletes, or touches retention or legal holds. The bucket's default retention locks each object as it is written.
   */
  useAuditArchive(bucket: IBucket): this {
    this.setEnvironment('MEDFILES_AUDIT_ARCHIVE_BUCKET', bucket.bucketName);
    if (!this.firstGrant('audit-archive:write')) return this;
    this.allow(['s3:PutObject'], [bucket.arnForObjects('*')]);
    if (bucket.encryptionKey) this.allow(['kms:GenerateDataKey'], [bucket.encryptionKey.keyArn]);
    return this;
  }

  /** MEDFILES_EVENT_BUS plus events:PutEvents on that bus only. */
  useBus(bus: IEventBus): this {
    this.setEnvironment('MEDFILES_EVENT_BUS', bus.eventBusName);
    if (this.firstGrant('bus:put')) bus.grantPutEventsTo(this.role);
    return this;
  }

  /**
   * MEDFILES_WEBHOOK_DLQ_URL plus sqs:SendMessage (and the queue key's encrypt operations): where webhook
   * deliveries go after their last attempt.
   */
  useDeadLetterQueue(queue: IQueue): this {
    this.setEnvironment('MEDFILES_WEBHOOK_DLQ_URL', queue.queueUrl);
    if (this.firstGrant('queue:send')) {
      this.allow(['sqs:SendMessage'], [queue.queueArn]);
      if (queue.encryptionMasterKey) this.allow(['kms:GenerateDataKey', 'kms:Decrypt'], [queue.encryptionMasterKey.keyArn]);
    }
    return this;
  }

  /**
   * MEDFILES_SIGNING_SECRET_ARN plus GetSecretValue on that secret and kms:Decrypt of its key through Secrets
   * Manager only: the key that signs content links and list cursors. (Not `secret.grantRead`: that writes the role
   * into the key policy, which couples every key to every role that reads a secret.)
   */
  useSigningKey(secret: ISecret): this {
    this.setEnvironment('MEDFILES_SIGNING_SECRET_ARN', secret.secretArn);
    if (this.firstGrant('signing-key:read')) {
      this.allow(['secretsmanager:GetSecretValue'], [secret.secretArn]);
      if (secret.encryptionKey) {
        this.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['kms:Decrypt'],
            resources: [secret.encryptionKey.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
          }),
        );
      }
    }
    return this;
  }

  private allow(actions: string[], resources: string[]): void {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
  }

  /** True the first time a grant is asked for, so calling a helper twice does not repeat statements. */
  private firstGrant(grant: string): boolean {
    if (this.granted.has(grant)) return false;
    this.granted.add(grant);
    return true;
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled grant or access: ${String(value)}`);
}
