/**
 * Child process that runs the embedded S3-compatible (s3rver) and DynamoDB-compatible (dynalite) servers.
 * It runs apart from the API so it can have `--openssl-legacy-provider` (s3rver's list continuation tokens
 * use DES) and so the API process stays what Lambda runs. Prints one JSON line with the endpoints when ready.
 *
 * Env: EMU_DATA_DIR (omit for in-memory DynamoDB and a temp S3 dir), EMU_S3_PORT, EMU_DYNAMODB_PORT (0 = any),
 * EMU_HOST (listen address).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';

/** 127.0.0.1 unless EMU_HOST says otherwise (sam local's containers on Linux need 0.0.0.0). */
const host = process.env.EMU_HOST || '127.0.0.1';
const advertised = host === '0.0.0.0' ? '127.0.0.1' : host;
const dataDir = process.env.EMU_DATA_DIR || undefined;
const s3Dir = dataDir ? join(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'medfiles-s3-'));
mkdirSync(s3Dir, { recursive: true });
const dynamoPath = dataDir ? join(dataDir, 'dynamodb') : undefined;
if (dynamoPath) mkdirSync(dynamoPath, { recursive: true });

const s3 = new S3rver({ address: host, port: Number(process.env.EMU_S3_PORT ?? 0), directory: s3Dir, silent: true });
const s3Address = await s3.run();

const dynamo = dynalite({ path: dynamoPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise<void>((resolve, reject) => {
  dynamo.once('error', reject);
  dynamo.listen(Number(process.env.EMU_DYNAMODB_PORT ?? 0), host, () => resolve());
});

const dynamoPort = (dynamo.address() as AddressInfo).port;
process.stdout.write(
  `${JSON.stringify({ s3: `http://${advertised}:${s3Address.port}`, dynamodb: `http://${advertised}:${dynamoPort}` })}\n`,
);

const stop = () => {
  s3.close();
  dynamo.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// End with the parent, whatever way it goes.
process.stdin.on('end', stop);
process.stdin.resume();
