/**
 * The MedFiles stack: one HTTP API whose routes come from the route table (shared/routes.ts), one Lambda
 * function per route, worker and event consumer (shared/events.ts), and the stores they share: an S3 bucket for
 * file contents, a DynamoDB table laid out by shared/adapters/table-schema.ts, an EventBridge bus, a Secrets
 * Manager secret that signs content links and list cursors, and the audit trail: an append-only table and its
 * Object Lock archive (./audit.ts). Everything holding patient data is encrypted with KMS and retained when the
 * stack is deleted. With the `console` option, the MedFiles Console is hosted behind CloudFront (./console-hosting.ts).
 *
 * This file only composes; each part is built in its own file. Those add their resources to the stack itself
 * rather than to a construct of their own, so every resource keeps the logical id it was first deployed with: a
 * new id would make CloudFormation replace the retained bucket and table with empty ones.
 */
import { CfnOutput, Stack, type Duration, type StackProps } from 'aws-cdk-lib';
import type { HttpApi, ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { consumers } from '../shared/events.ts';
import { routes, workers, type FunctionDef } from '../shared/routes.ts';
import { addAuditTrail } from './audit.ts';
import { addConsoleHosting, deployConsole, type ConsoleHostingOptions } from './console-hosting.ts';
import { addEventResources, addTrigger, functionDeadLetterQueue, readsStream } from './events.ts';
import { FunctionEnvironment, grantsAccessTo, type DeployTarget } from './function-environment.ts';
import { addHttpApi, addRoute } from './http-api.ts';
import { addKeys } from './keys.ts';
import {
  acknowledgeConsumerFunction,
  acknowledgeHttpRouteFunction,
  acknowledgeWorkerFunction,
} from './nag-acknowledgements.ts';
import { addDeploymentParameters } from './parameters.ts';
import { RouteFunction, type GrantableResources } from './route-function.ts';
import { addFileStorage } from './storage.ts';
import { addTable } from './table.ts';

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
  /**
   * Browser origins allowed by CORS on the API and, for direct uploads, on the files bucket (API.md, "Browsers").
   * `cdk synth -c medfiles:corsOrigins=https://app.example.com,https://admin.example.com`. @default none
   */
  readonly corsOrigins?: readonly string[];
  /**
   * How long each archived audit record is locked (Object Lock, compliance mode: it cannot be shortened once an
   * object is written). Whole days, from 1 to 36 500. @default six years (2190 days)
   */
  readonly auditRetention?: Duration;
  /**
   * Hosts the MedFiles Console (built by `npm run console:build`) behind CloudFront, configured with the API's URL;
   * its origin is added to `corsOrigins`. `cdk synth -c medfiles:console=true`. @default off
   */
  readonly console?: boolean | ConsoleHostingOptions;
}

/** What every function of the stack is built with. */
interface FunctionContext {
  readonly environment: FunctionEnvironment;
  readonly resources: GrantableResources;
  readonly logsKey: IKey;
  readonly logRetention: RetentionDays;
}

export class MedFilesStack extends Stack {
  readonly api: HttpApi;
  readonly bucket: Bucket;
  readonly table: TableV2;
  /** The append-only audit trail. */
  readonly auditTable: TableV2;
  /** Where each new audit record is archived, locked for `auditRetention`. */
  readonly auditArchiveBucket: Bucket;
  readonly eventBus: EventBus;
  readonly signingSecret: Secret;
  /** Route name → its function. */
  readonly routeFunctions: ReadonlyMap<string, RouteFunction>;
  /** Webhook deliveries that failed their last attempt. */
  readonly webhookDeadLetters: Queue;
  /** Events no consumer could handle after its retries. */
  readonly eventDeadLetters: Queue;
  /** Functions of the event table (shared/events.ts), by name. */
  readonly consumerFunctions: ReadonlyMap<string, RouteFunction>;
  /** Functions of the worker table (shared/routes.ts `workers`), by name. */
  readonly workerFunctions: ReadonlyMap<string, RouteFunction>;
  /** Serves the MedFiles Console, when the `console` option is on. */
  readonly consoleDistribution?: Distribution;

  constructor(scope: Construct, id: string, props: MedFilesStackProps = {}) {
    super(scope, id, {
      description: 'MedFiles: file API for medical records (HTTP API, Lambda, S3, DynamoDB, EventBridge)',
      ...props,
    });
    const parameters = addDeploymentParameters(this);
    const { dataKey, logsKey, signingSecret } = addKeys(this);
    this.signingSecret = signingSecret;
    // Before storage and the API: their CORS must allow the console's origin (see ./console-hosting.ts).
    const consoleHosting = props.console ? addConsoleHosting(this, { logExpiration: props.accessLogExpiration }) : undefined;
    this.consoleDistribution = consoleHosting?.distribution;
    const corsOrigins = [...(props.corsOrigins ?? []), ...(consoleHosting ? [consoleHosting.origin] : [])];
    const storage = addFileStorage(this, {
      dataKey,
      accessLogExpiration: props.accessLogExpiration,
      noncurrentVersionExpiration: props.noncurrentVersionExpiration,
      corsOrigins,
    });
    this.bucket = storage.bucket;
    this.table = addTable(this);
    const audit = addAuditTrail(this, {
      accessLogBucket: storage.accessLogBucket,
      retention: props.auditRetention,
    });
    this.auditTable = audit.table;
    this.auditArchiveBucket = audit.archiveBucket;
    const events = addEventResources(this, dataKey);
    this.eventBus = events.eventBus;
    this.eventDeadLetters = events.eventDeadLetters;
    this.webhookDeadLetters = events.webhookDeadLetters;
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;
    const { api, stage } = addHttpApi(this, { logsKey, logRetention, throttle: props.throttle, corsOrigins });
    this.api = api;

    const context: FunctionContext = {
      environment: new FunctionEnvironment(props.target ?? 'aws', parameters),
      resources: {
        bucket: this.bucket,
        table: this.table,
        eventBus: this.eventBus,
        signingSecret,
        webhookDeadLetters: this.webhookDeadLetters,
        auditTable: this.auditTable,
        auditArchiveBucket: this.auditArchiveBucket,
      },
      logsKey,
      logRetention,
    };
    const objectBucket = (def: FunctionDef) => (grantsAccessTo(def, 'bucket') ? this.bucket : undefined);

    // Workers first: routes that invoke one need its function.
    const workerFunctions = new Map<string, RouteFunction>();
    for (const worker of workers) {
      const fn = this.addFunction(`Worker-${worker.name}`, worker, `MedFiles worker ${worker.name}`, context);
      acknowledgeWorkerFunction(fn, { objectBucket: objectBucket(worker) });
      workerFunctions.set(worker.name, fn);
    }
    this.workerFunctions = workerFunctions;

    const routeFunctions = new Map<string, RouteFunction>();
    for (const route of routes) {
      const fn = this.addFunction(`Route-${route.name}`, route, `MedFiles ${route.method} ${route.path}`, context, {
        checksToken: route.public !== true,
      });
      acknowledgeHttpRouteFunction(fn, { objectBucket: objectBucket(route) });
      addRoute(this.api, route, fn);
      routeFunctions.set(route.name, fn);
    }
    this.routeFunctions = routeFunctions;

    const consumerFunctions = new Map<string, RouteFunction>();
    for (const consumer of consumers) {
      const fn = this.addFunction(`Consumer-${consumer.name}`, consumer, `MedFiles consumer ${consumer.name}`, context, {
        deadLetterQueue: functionDeadLetterQueue(consumer, events),
      });
      addTrigger(this, consumer, fn, { ...events, table: this.table, auditTable: this.auditTable });
      acknowledgeConsumerFunction(fn, {
        objectBucket: objectBucket(consumer),
        archiveBucket: consumer.grants.includes('audit-archive:write') ? this.auditArchiveBucket : undefined,
        readsStream: readsStream(consumer),
      });
      consumerFunctions.set(consumer.name, fn);
    }
    this.consumerFunctions = consumerFunctions;

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the API (routes start with /v1)' });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AuditTableName', { value: this.auditTable.tableName });
    new CfnOutput(this, 'AuditArchiveBucketName', { value: this.auditArchiveBucket.bucketName });
    if (consoleHosting) {
      deployConsole(this, consoleHosting, {
        apiUrl: stage.url,
        apiOrigin: api.apiEndpoint,
        filesBucket: this.bucket,
        logsKey,
        logRetention,
        tenantClaim: parameters.tenantClaim,
        roleClaim: parameters.roleClaim,
        distPath: typeof props.console === 'object' ? props.console.distPath : undefined,
      });
      new CfnOutput(this, 'ConsoleUrl', { value: `${consoleHosting.origin}/`, description: 'The MedFiles Console' });
    }
  }

  /**
   * The function of a route, worker or consumer entry: its size, native modules, the settings its entry implies,
   * exactly the grants it lists and the workers it invokes.
   */
  private addFunction(
    id: string,
    def: FunctionDef,
    description: string,
    context: FunctionContext,
    options: { checksToken?: boolean; deadLetterQueue?: IQueue } = {},
  ): RouteFunction {
    const fn = new RouteFunction(this, id, {
      entry: def.name,
      description,
      memoryMb: def.memoryMb,
      timeoutSeconds: def.timeoutSeconds,
      logsKey: context.logsKey,
      logRetention: context.logRetention,
      environment: context.environment.of(def, options.checksToken ?? false),
      nativeModules: def.nativeModules,
      deadLetterQueue: options.deadLetterQueue,
    });
    for (const name of def.invokes ?? []) {
      const worker = this.workerFunctions.get(name);
      const workerDef = workers.find((w) => w.name === name);
      if (!worker || !workerDef) throw new Error(`${def.name} invokes unknown worker ${name}`);
      fn.useWorker(worker, workerDef.envVar);
    }
    return fn.useGrants(def.grants, context.resources);
  }
}
