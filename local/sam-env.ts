/**
 * Writes cdk.out/sam-env.json for `sam local start-api --env-vars`: for every Lambda function of the synthesized
 * template, the environment that points it at the local S3 and DynamoDB servers instead of AWS.
 *
 *   npx cdk synth --quiet -c medfiles:target=sam-local
 *   npx tsx local/sam-env.ts [template] [output]
 *
 * `sam local` sets only the variables a function's template declares (anything else in the file is silently
 * ignored), which is why the template must come from the `sam-local` target: that one declares the local-only
 * variables (HS256 secret, signing secret, endpoints) that the deployable template must not have.
 *
 * Values, each overridable by the variable of the same name in this process's environment:
 * - MEDFILES_BUCKET / MEDFILES_TABLE: `medfiles-local`, MEDFILES_AUDIT_TABLE: `medfiles-local-audit`, the names
 *   `npm start` creates;
 * - MEDFILES_JWT_SECRET / MEDFILES_SIGNING_SECRET: from `$MEDFILES_DATA_DIR/secrets.json` (default
 *   `.medfiles/secrets.json`, written by `npm start`), so the tokens `npm start` prints work against sam too;
 * - AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB: `http://host.docker.internal:4569` / `:4567`, because sam runs
 *   each function in a docker container, where 127.0.0.1 is the container itself;
 * - MEDFILES_EVENT_BUS and MEDFILES_SIGNING_SECRET_ARN are emptied: there is no local EventBridge (publishing is
 *   skipped without a bus name) and the signing secret is given directly.
 * The output holds secrets: it is written with mode 0600 into cdk.out/, which git ignores.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The parts of a CloudFormation template this script reads. */
export interface Template {
  Resources?: Record<
    string,
    { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
  >;
}

export interface SamLocalSettings {
  bucket: string;
  table: string;
  auditTable: string;
  jwtSecret: string;
  signingSecret: string;
  s3Endpoint: string;
  dynamodbEndpoint: string;
  /** `sam local start-lambda` (for the thumbnail worker). */
  lambdaEndpoint: string;
  tenantClaim: string;
  roleClaim: string;
}

/** Function logical id → variable → value, the `--env-vars` file format. */
export type SamEnvFile = Record<string, Record<string, string>>;

const DEFAULTS = {
  bucket: 'medfiles-local',
  table: 'medfiles-local',
  auditTable: 'medfiles-local-audit',
  s3Endpoint: 'http://host.docker.internal:4569',
  dynamodbEndpoint: 'http://host.docker.internal:4567',
  lambdaEndpoint: 'http://host.docker.internal:3002',
  tenantClaim: 'tenant',
  roleClaim: 'role',
} as const;

/** Declared only by the `sam-local` target (by every route that checks tokens); absent, the template is the deployable one. */
const SAM_LOCAL_MARKER = 'MEDFILES_JWT_SECRET';

/**
 * Reads the settings from `env`, falling back to the secrets `npm start` keeps in its data dir.
 * Throws when no JWT or signing secret can be found: a made-up one would reject every token you have.
 */
export function resolveSettings(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (file: string) => string | undefined = readIfExists,
): SamLocalSettings {
  const secretsFile = path.resolve(env.MEDFILES_DATA_DIR || '.medfiles', 'secrets.json');
  const stored = parseSecrets(readFile(secretsFile));
  const jwtSecret = env.MEDFILES_JWT_SECRET || stored.jwtSecret;
  const signingSecret = env.MEDFILES_SIGNING_SECRET || stored.signingSecret;
  if (!jwtSecret || !signingSecret) {
    throw new Error(
      `no local secrets: run \`npm start\` once (it writes ${secretsFile}) or set MEDFILES_JWT_SECRET and ` +
        'MEDFILES_SIGNING_SECRET (32 characters or more each)',
    );
  }
  return {
    bucket: env.MEDFILES_BUCKET || DEFAULTS.bucket,
    table: env.MEDFILES_TABLE || DEFAULTS.table,
    auditTable: env.MEDFILES_AUDIT_TABLE || DEFAULTS.auditTable,
    jwtSecret,
    signingSecret,
    s3Endpoint: env.AWS_ENDPOINT_URL_S3 || DEFAULTS.s3Endpoint,
    dynamodbEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB || DEFAULTS.dynamodbEndpoint,
    lambdaEndpoint: env.AWS_ENDPOINT_URL_LAMBDA || DEFAULTS.lambdaEndpoint,
    tenantClaim: env.MEDFILES_CLAIM_TENANT || DEFAULTS.tenantClaim,
    roleClaim: env.MEDFILES_CLAIM_ROLE || DEFAULTS.roleClaim,
  };
}

/**
 * The `--env-vars` content for every AWS::Lambda::Function of `template`, setting only the variables each one
 * declares (so the file says exactly what sam will apply). Throws if the template is the deployable one.
 */
export function buildSamEnv(template: Template, settings: SamLocalSettings): SamEnvFile {
  const values: Record<string, string> = {
    MEDFILES_BUCKET: settings.bucket,
    MEDFILES_TABLE: settings.table,
    MEDFILES_AUDIT_TABLE: settings.auditTable,
    MEDFILES_EVENT_BUS: '',
    MEDFILES_SIGNING_SECRET_ARN: '',
    MEDFILES_JWT_SECRET: settings.jwtSecret,
    MEDFILES_SIGNING_SECRET: settings.signingSecret,
    MEDFILES_S3_FORCE_PATH_STYLE: 'true',
    MEDFILES_CLAIM_TENANT: settings.tenantClaim,
    MEDFILES_CLAIM_ROLE: settings.roleClaim,
    AWS_ENDPOINT_URL_S3: settings.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: settings.dynamodbEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: settings.lambdaEndpoint,
  };
  // `sam local start-lambda` knows functions by logical id; the worker's Ref would name a deployed function.
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type === 'AWS::Lambda::Function' && logicalId.startsWith('Workermakethumbnail')) {
      values.MEDFILES_THUMBNAIL_FUNCTION = logicalId;
    }
  }
  const functions = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
  if (functions.length === 0) throw new Error('the template has no AWS::Lambda::Function');
  const declaredBy = (resource: (typeof functions)[number][1]) => Object.keys(resource.Properties?.Environment?.Variables ?? {});
  // Only the routes that check tokens declare it (public routes, workers and consumers do not): look across all.
  if (!functions.some(([, resource]) => declaredBy(resource).includes(SAM_LOCAL_MARKER))) {
    throw new Error(
      `no function declares ${SAM_LOCAL_MARKER}: this is the deployable template. ` +
        'Synthesize the local variant first: npx cdk synth --quiet -c medfiles:target=sam-local',
    );
  }
  const out: SamEnvFile = {};
  for (const [logicalId, resource] of functions) {
    out[logicalId] = Object.fromEntries(
      declaredBy(resource).filter((name) => name in values).map((name) => [name, values[name] as string]),
    );
  }
  return out;
}

function parseSecrets(text: string | undefined): { jwtSecret?: string; signingSecret?: string } {
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { jwtSecret, signingSecret } = parsed as Record<string, unknown>;
  return {
    jwtSecret: typeof jwtSecret === 'string' ? jwtSecret : undefined,
    signingSecret: typeof signingSecret === 'string' ? signingSecret : undefined,
  };
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function main(argv: readonly string[]): void {
  const templateFile = argv[0] ?? 'cdk.out/MedFilesStack.template.json';
  const outputFile = argv[1] ?? 'cdk.out/sam-env.json';
  if (!existsSync(templateFile)) {
    throw new Error(`${templateFile} not found: run npx cdk synth --quiet -c medfiles:target=sam-local first`);
  }
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as Template;
  const env = buildSamEnv(template, resolveSettings(process.env));
  writeFileSync(outputFile, `${JSON.stringify(env, null, 2)}\n`, { mode: 0o600 });
  chmodSync(outputFile, 0o600);
  const settings = Object.values(env)[0] ?? {};
  process.stdout.write(
    `wrote ${outputFile} for ${Object.keys(env).length} functions ` +
      `(S3 ${settings.AWS_ENDPOINT_URL_S3}, DynamoDB ${settings.AWS_ENDPOINT_URL_DYNAMODB}, ` +
      `bucket ${settings.MEDFILES_BUCKET}, table ${settings.MEDFILES_TABLE})\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`sam-env: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
