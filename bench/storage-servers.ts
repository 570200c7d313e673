/**
 * Child process of the benchmarks: the S3-compatible server (s3rver) and the DynamoDB-compatible one (dynalite)
 * together in ONE process, in memory and on free ports, because that is how the acceptance run hosts them (unlike
 * `npm start`'s embedded servers, one process each; see local/emulators-process.ts). Run with
 * `--openssl-legacy-provider` (s3rver's list continuation tokens use DES). Prints one JSON line
 * `{ "s3", "dynamodb" }` when both listen; exits when its stdin closes, so it never outlives the benchmark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import dynalite from 'dynalite';

const host = '127.0.0.1';
const directory = mkdtempSync(join(tmpdir(), 'medfiles-bench-s3-'));
const s3 = new S3rver({ address: host, port: 0, directory, silent: true });
const s3Address = await s3.run();
const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise<void>((resolve, reject) => {
  dynamo.once('error', reject);
  dynamo.listen(0, host, () => resolve());
});
process.stdout.write(
  `${JSON.stringify({ s3: `http://${host}:${s3Address.port}`, dynamodb: `http://${host}:${(dynamo.address() as AddressInfo).port}` })}\n`,
);

const exit = () => {
  dynamo.close();
  void s3.close().finally(() => {
    rmSync(directory, { recursive: true, force: true });
    process.exit(0);
  });
};
process.on('SIGTERM', exit);
process.on('SIGINT', exit);
process.stdin.on('end', exit);
process.stdin.resume();
