/**
 * The floor of a function's cold start: a bundle that does nothing but create the AWS SDK clients the function's
 * grants call for (shared/routes.ts, shared/events.ts), built with the stack's bundling options. A handler can
 * hardly import faster than the clients it needs; what it takes beyond that is what the cold-start targets judge.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import type { FunctionDef, Grant } from '../shared/routes.ts';

/** Routes whose responses carry presigned storage URLs (download redirects, direct uploads). */
const SIGNS_URLS = new Set(['get-file-content', 'create-upload']);

interface Client {
  name: string;
  imports: string[];
  create: string;
}

const S3: Client = { name: 'S3', imports: ["import { S3Client } from '@aws-sdk/client-s3';"], create: 'new S3Client({})' };
const PRESIGNER: Client = {
  name: 'presigner',
  imports: ["import { getSignedUrl } from '@aws-sdk/s3-request-presigner';"],
  create: 'getSignedUrl',
};
const DYNAMODB: Client = {
  name: 'DynamoDB',
  imports: ["import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';"],
  create: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
};
const EVENTBRIDGE: Client = {
  name: 'EventBridge',
  imports: ["import { EventBridgeClient } from '@aws-sdk/client-eventbridge';"],
  create: 'new EventBridgeClient({})',
};
const SECRETS: Client = {
  name: 'SecretsManager',
  imports: ["import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';"],
  create: 'new SecretsManagerClient({})',
};
const SQS: Client = { name: 'SQS', imports: ["import { SQSClient } from '@aws-sdk/client-sqs';"], create: 'new SQSClient({})' };
const LAMBDA: Client = { name: 'Lambda', imports: ["import { LambdaClient } from '@aws-sdk/client-lambda';"], create: 'new LambdaClient({})' };

const FOR_GRANT: Record<Grant, Client> = {
  'bucket:read': S3,
  'bucket:write': S3,
  'bucket:delete': S3,
  'table:read': DYNAMODB,
  'table:write': DYNAMODB,
  'bus:put': EVENTBRIDGE,
  'signing-key:read': SECRETS,
  'queue:send': SQS,
  'audit:write': DYNAMODB,
  'audit:read': DYNAMODB,
  'audit-archive:write': S3,
};

/** The SDK clients a function needs, by its grants and the workers it invokes. */
export function clientsFor(def: FunctionDef): Client[] {
  const clients = new Set(def.grants.map((grant) => FOR_GRANT[grant]));
  if (SIGNS_URLS.has(def.name)) clients.add(PRESIGNER);
  if ((def.invokes ?? []).length > 0) clients.add(LAMBDA);
  return [...clients].sort((a, b) => a.name.localeCompare(b.name));
}

/** A short name for a set of clients, e.g. `DynamoDB+S3`; `none` for no client. */
export function floorName(clients: Client[]): string {
  return clients.map((c) => c.name).join('+') || 'none';
}

/**
 * The module that creates `clients` and exports them from a handler (so nothing is tree-shaken), bundled like
 * the stack's functions (infra/route-function.ts: ESM, minified, node24, module-first main fields, the
 * createRequire banner, sharp external). Returns the bundle's path.
 */
export async function buildFloor(clients: Client[], repoRoot: string, outdir: string): Promise<string> {
  const outfile = join(outdir, `floor-${floorName(clients)}`, 'index.mjs');
  const contents = [
    ...clients.flatMap((c) => c.imports),
    `const clients = [${clients.map((c) => c.create).join(', ')}];`,
    'export const handler = async () => clients.length;',
  ].join('\n');
  await build({
    stdin: { contents, resolveDir: repoRoot, loader: 'js', sourcefile: 'floor.js' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    banner: {
      js:
        "import { createRequire as __medfilesCreateRequire } from 'node:module'; " +
        'const require = __medfilesCreateRequire(import.meta.url);',
    },
    external: ['sharp'],
    logLevel: 'error',
  });
  return outfile;
}
