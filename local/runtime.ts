/**
 * The whole API on one machine: embedded (or external) S3/DynamoDB, bucket and table created, every route of
 * the route table served by its real handler module. Used by `npm start`, the e2e tests and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeS3Client } from '../shared/adapters/clients.ts';
import type { ThumbnailHandler } from '../shared/adapters/lambda-thumbnailer.ts';
import { consumers } from '../shared/events.ts';
import { routes } from '../shared/routes.ts';
import { LocalEventBus, startSchedules, type ConsumerHandler, type LocalConsumer } from './bus.ts';
import { startExpirySweeper } from './expiry-sweeper.ts';
import { AUDIT_TABLE_SCHEMA } from '../shared/adapters/audit-table-schema.ts';
import { ensureBucket, ensureTable } from './bootstrap.ts';
import { applyBucketCors } from './bucket-cors.ts';
import { startEmulators, type Emulators } from './emulators.ts';
import { createLocalServer, type LambdaHandler, type LocalRoute } from './server.ts';
import { consoleOrigins, serveConsole } from './console.ts';
import { DEMO_TENANT, mintDemoTokens, type DemoRole } from './demo-tokens.ts';

export interface LocalRuntimeOptions {
  port?: number;
  host?: string;
  /** Where embedded data and generated secrets live; default ./.medfiles. */
  dataDir?: string;
  s3Port?: number;
  dynamodbPort?: number;
  /** Listen address of the embedded servers (0.0.0.0 lets sam local's containers reach them on Linux). */
  emulatorHost?: string;
  log?: (line: string) => void;
}

export interface LocalRuntime {
  url: string;
  jwtSecret: string;
  tenant: string;
  /** Tokens of the demo tenant's patient, provider and admin (local only). */
  demoTokens(): Promise<Record<DemoRole, string>>;
  endpoints: { s3: string; dynamodb: string; external: boolean };
  close(): Promise<void>;
}

interface Secrets {
  jwtSecret: string;
  signingSecret: string;
}

/** Secrets are generated once and kept in the data dir, so tokens and links survive a restart. */
function loadSecrets(dataDir: string): Secrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  const secrets = { jwtSecret: randomBytes(32).toString('base64url'), signingSecret: randomBytes(32).toString('base64url') };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  // The SDK and the handlers' configuration read process.env: complete it before anything is imported.
  const env = process.env;
  const dataDir = resolve(options.dataDir ?? env.MEDFILES_DATA_DIR ?? '.medfiles');
  mkdirSync(dataDir, { recursive: true });
  const secrets = loadSecrets(dataDir);

  let emulators: Emulators | undefined;
  const external = !!(env.AWS_ENDPOINT_URL_S3 && env.AWS_ENDPOINT_URL_DYNAMODB);
  if (!external) {
    emulators = await startEmulators({
      dataDir,
      s3Port: options.s3Port,
      dynamodbPort: options.dynamodbPort,
      host: options.emulatorHost,
    });
    Object.assign(env, {
      AWS_ENDPOINT_URL_S3: emulators.s3,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodb,
      // The embedded S3 server accepts these; the DynamoDB one accepts any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      MEDFILES_S3_FORCE_PATH_STYLE: 'true',
    });
  }
  env.AWS_REGION ??= 'us-east-1';
  env.AWS_ACCESS_KEY_ID ??= 'local';
  env.AWS_SECRET_ACCESS_KEY ??= 'local';
  env.MEDFILES_S3_FORCE_PATH_STYLE ??= 'true';
  env.MEDFILES_BUCKET ??= 'medfiles-local';
  env.MEDFILES_TABLE ??= 'medfiles-local';
  env.MEDFILES_AUDIT_TABLE ??= 'medfiles-local-audit';
  env.MEDFILES_JWT_SECRET ??= secrets.jwtSecret;
  env.MEDFILES_SIGNING_SECRET ??= secrets.signingSecret;
  // Webhook receivers on this machine are the point of local development; deployed stacks refuse them.
  env.MEDFILES_WEBHOOK_ALLOW_PRIVATE_TARGETS ??= 'true';
  // The dead-letter queue of failed deliveries, as a JSON-lines file next to the data.
  env.MEDFILES_WEBHOOK_DLQ_FILE ??= join(dataDir, 'webhook-dead-letters.jsonl');
  // Metrics are EMF lines that only CloudWatch reads: none here. The functions' own per-request lines repeat the
  // server's access line, so only their warnings and errors show unless POWERTOOLS_LOG_LEVEL says otherwise.
  env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

  const s3 = makeS3Client({ region: env.AWS_REGION, s3ForcePathStyle: true });
  await ensureBucket(s3, env.MEDFILES_BUCKET);
  // The embedded bucket answers browsers as the deployed one does (infra/storage.ts): same policy, same origins.
  // The console's own origin too: it sends direct uploads from there.
  // The configuration is read from here on (the environment above is complete), by this module and the handlers.
  const { config } = await import('../shared/config.ts');
  const consoleCors = consoleOrigins(options.host ?? '127.0.0.1', options.port ?? Number(env.PORT ?? 3000));
  if (emulators) await applyBucketCors(s3, env.MEDFILES_BUCKET, [...config().corsOrigins, ...consoleCors]);
  s3.destroy();
  const dynamodb = new DynamoDBClient({ region: env.AWS_REGION });
  await ensureTable(dynamodb, env.MEDFILES_TABLE);
  await ensureTable(dynamodb, env.MEDFILES_AUDIT_TABLE, AUDIT_TABLE_SCHEMA);
  dynamodb.destroy();

  // What EventBridge, its rules and schedules, DynamoDB TTL and its stream do in AWS: the consumers of the
  // event table, with the same handler modules and event shapes. The thumbnail function is a separate Lambda
  // in AWS; here its handler runs in-process, same payloads. Both replacements are made before any handler is
  // imported: handlers wire their ports (and read their configuration) when their module is loaded.
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const bus = new LocalEventBus(log);
  const wiring = await import('../shared/adapters/wiring/ports.ts');
  wiring.useEventPublisher(bus);
  const { InProcessThumbnailer } = await import('../shared/adapters/lambda-thumbnailer.ts');
  const thumbnail = (await import('../functions/make-thumbnail.ts')) as { handler: ThumbnailHandler };
  wiring.useThumbnailer(new InProcessThumbnailer(thumbnail.handler));

  // The audit archiver is deployed only: dynalite has no streams, and there is no Object Lock bucket here.
  const consumerModules: LocalConsumer[] = await Promise.all(
    consumers.filter((def) => def.trigger.kind !== 'audit-records').map(async (def) => {
      const module = (await import(`../functions/${def.name}.ts`)) as { handler: ConsumerHandler };
      return { def, handler: module.handler };
    }),
  );
  bus.attach(consumerModules);
  const local: LocalRoute[] = await Promise.all(
    routes.map(async (def) => {
      const module = (await import(`../functions/${def.name}.ts`)) as { handler: LambdaHandler };
      return { def, handler: module.handler };
    }),
  );
  const stopSchedules = startSchedules(consumerModules, log);
  const stopSweeper = startExpirySweeper({
    db: new DynamoDBClient({ region: env.AWS_REGION }),
    table: env.MEDFILES_TABLE,
    consumers: consumerModules,
    everySeconds: config().expirySweepSeconds,
    log,
  });

  const demoTokens = () => mintDemoTokens(env.MEDFILES_JWT_SECRET!);
  const { tenantClaim, roleClaim } = config().jwt;
  const consoleHandler = serveConsole({ storageOrigins: [new URL(env.AWS_ENDPOINT_URL_S3!).origin], demoTokens, claims: { tenantClaim, roleClaim } });
  const server = createLocalServer(local, { log, corsOrigins: config().corsOrigins, console: consoleHandler });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? Number(env.PORT ?? 3000), host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    jwtSecret: env.MEDFILES_JWT_SECRET,
    tenant: DEMO_TENANT,
    demoTokens,
    endpoints: { s3: env.AWS_ENDPOINT_URL_S3!, dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB!, external },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await stopSweeper();
      await stopSchedules();
      await bus.close();
      await emulators?.stop();
    },
  };
}
