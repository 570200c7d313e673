/**
 * Child process that runs one embedded server: the S3-compatible one (s3rver) or the DynamoDB-compatible one
 * (dynalite), chosen by EMU_KIND; the S3 one with the multipart operations s3rver lacks in front of it
 * (s3-multipart-layer.ts). Each runs in its own process, as S3 and DynamoDB are separate services: a
 * request that reads both (a download reads metadata and bytes at once) is not serialized on one event loop.
 * Apart from the API so it can have `--openssl-legacy-provider` (s3rver's list continuation tokens use DES) and
 * so the API process stays what Lambda runs. Prints one JSON line with the endpoint when ready.
 *
 * Env: EMU_KIND (s3 | dynamodb), EMU_DATA_DIR (omit for in-memory DynamoDB and a temp S3 dir), EMU_PORT (0 = any),
 * EMU_HOST (listen address).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withMultipartLayer, type S3rverInternals } from './s3-multipart-layer.ts';

/** 127.0.0.1 unless EMU_HOST says otherwise (sam local's containers on Linux need 0.0.0.0). */
const host = process.env.EMU_HOST || '127.0.0.1';
const advertised = host === '0.0.0.0' ? '127.0.0.1' : host;
const dataDir = process.env.EMU_DATA_DIR || undefined;
const port = Number(process.env.EMU_PORT ?? 0);

let stop: () => void;
if (process.env.EMU_KIND === 's3') {
  const { default: S3rver } = await import('s3rver');
  const directory = dataDir ? join(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'medfiles-s3-'));
  mkdirSync(directory, { recursive: true });
  // Our own HTTP server around s3rver's request handler, so ListParts and AbortMultipartUpload can be answered
  // in front of it (s3-multipart-layer.ts); s3rver's `run()` would listen without them.
  const s3 = new S3rver({ directory, silent: true }) as unknown as S3rverInternals;
  const server = createServer(withMultipartLayer(s3));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  process.stdout.write(`${JSON.stringify({ endpoint: `http://${advertised}:${(server.address() as AddressInfo).port}` })}\n`);
  stop = () => {
    server.closeAllConnections();
    server.close();
  };
} else {
  const { default: dynalite } = await import('dynalite');
  const path = dataDir ? join(dataDir, 'dynamodb') : undefined;
  if (path) mkdirSync(path, { recursive: true });
  const dynamo = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(port, host, () => resolve());
  });
  process.stdout.write(`${JSON.stringify({ endpoint: `http://${advertised}:${(dynamo.address() as AddressInfo).port}` })}\n`);
  stop = () => dynamo.close();
}

const exit = () => {
  stop();
  process.exit(0);
};
process.on('SIGTERM', exit);
process.on('SIGINT', exit);
// End with the parent, whatever way it goes.
process.stdin.on('end', exit);
process.stdin.resume();
