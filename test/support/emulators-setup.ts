/**
 * Global setup of the `integration` project: starts the embedded S3- and DynamoDB-compatible servers
 * (s3rver and dynalite, in memory, in a child process), creates the bucket and the table from the one table
 * schema, and hands the endpoints and names to the tests with vitest's `provide` (tests read them with
 * `inject`, see integration-clients.ts). The teardown stops the servers.
 *
 * Nothing here touches `process.env`: this runs in vitest's main process, which other projects' global
 * setups share (the e2e setup decides between embedded and external servers from the environment).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { TestProject } from 'vitest/node';
import { ensureBucket, ensureTable } from '../../local/bootstrap.ts';
import { startEmulators } from '../../local/emulators.ts';
import { AUDIT_TABLE_SCHEMA } from '../../shared/adapters/audit-table-schema.ts';

const BUCKET = 'medfiles-integration';
const TABLE = 'medfiles-integration';
const AUDIT_TABLE = 'medfiles-integration-audit';
/** s3rver accepts only these; dynalite accepts any. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
    dynamodbEndpoint: string;
    bucket: string;
    table: string;
    auditTable: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulators = await startEmulators();
  const s3 = new S3Client({ region: REGION, endpoint: emulators.s3, forcePathStyle: true, credentials: CREDENTIALS });
  const dynamodb = new DynamoDBClient({ region: REGION, endpoint: emulators.dynamodb, credentials: CREDENTIALS });
  try {
    await ensureBucket(s3, BUCKET);
    await ensureTable(dynamodb, TABLE);
    await ensureTable(dynamodb, AUDIT_TABLE, AUDIT_TABLE_SCHEMA);
  } catch (error) {
    await emulators.stop();
    throw error;
  } finally {
    s3.destroy();
    dynamodb.destroy();
  }
  project.provide('s3Endpoint', emulators.s3);
  project.provide('dynamodbEndpoint', emulators.dynamodb);
  project.provide('bucket', BUCKET);
  project.provide('table', TABLE);
  project.provide('auditTable', AUDIT_TABLE);
  return () => emulators.stop();
}
