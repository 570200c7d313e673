/**
 * `npm run bench:client`: a 110 MiB upload through @medfiles/client (POST /v1/uploads, 4 parts at a time straight
 * to storage, then completion, which verifies the object) against the AWS SDK's own multipart upload
 * (@aws-sdk/lib-storage, the same part size, 4 at a time) of the same bytes to the same local S3 server, in one
 * run; then a resumed upload that lost half its parts. Prints ratios; never part of `npm test`.
 *
 * 1. client upload speed vs. lib-storage's (≥ 0.9×: the client takes at most 1/0.9 of the baseline's time); also,
 *    for information, against lib-storage plus the read-back SHA-256 that the API's completion does and it does not
 * 2. bytes a resumed upload sends after losing half its parts, of the file's size (≤ 55 %)
 *
 * The storage servers are the local runtime's embedded ones (s3rver behind the ListParts/Abort layer, dynalite, one
 * process each, local/emulators.ts); the API is `npm start` pointed at them. BENCH_RUNS sets the runs (default 5).
 */
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MedFilesClient } from '../client/dist/index.js';
import { startEmulators } from '../local/emulators.ts';
import { mintToken } from '../local/tokens.ts';
import { inTurn, median, report, timed } from './lib.ts';
import { startApi, STORAGE_CREDENTIALS, type LocalApi } from './local-stack.ts';

const MiB = 1024 * 1024;
const SIZE = 110 * MiB;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CONCURRENCY = 4;
const BUCKET = 'medfiles-bench-client';

const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(SIZE - 9)]);
const blob = new Blob([bytes], { type: 'application/pdf' });
const storage = await startEmulators({ s3Port: 0, dynamodbPort: 0 });
const s3 = new S3Client({
  region: 'us-east-1',
  endpoint: storage.s3,
  forcePathStyle: true,
  credentials: STORAGE_CREDENTIALS,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

let api: LocalApi | undefined;
let ok = false;
try {
  api = await startApi(storage, { MEDFILES_BUCKET: BUCKET, MEDFILES_TABLE: BUCKET });
  const token = await mintToken(api.jwtSecret, { sub: 'bench-provider', tenant: 'bench', role: 'provider' });
  /** Bytes the client PUT to storage (part bodies), counted by wrapping its fetch. */
  let sent = 0;
  const counting: typeof fetch = (input, init) => {
    if (init?.method === 'PUT' && init.body instanceof Blob) sent += init.body.size;
    return fetch(input, init);
  };
  const client = new MedFilesClient({ baseUrl: api.url, token, fetch: counting });

  // The server's part plan for this size; the baseline uploads with the same part size.
  const plan = await client.uploads.create({ name: 'plan.pdf', mimeType: 'application/pdf', size: SIZE });
  if (!('partSize' in plan)) throw new Error('expected a multipart plan');
  await client.uploads.abort(plan.fileId);
  const viaClient = () => client.upload(blob, { name: 'bench.pdf', concurrency: CONCURRENCY });
  let n = 0;
  const viaSdk = () =>
    new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: `bench/${n++}`, Body: bytes, ContentType: 'application/pdf' },
      partSize: plan.partSize,
      queueSize: CONCURRENCY,
    }).done();

  // What completion adds that lib-storage does not do: the SHA-256 of the whole stored object, read back (storage
  // cannot give the SHA-256 of a multipart object), so that a File's sha256 is verified, never taken on trust.
  const verified = async () => {
    const key = `bench/${n}`;
    await viaSdk();
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const hash = createHash('sha256');
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    hash.digest();
  };

  await viaClient();
  await viaSdk();
  const times: [number[], number[], number[]] = [[], [], []];
  for (let i = 0; i < RUNS; i++) {
    const [a, b] = await inTurn(i, () => timed(viaClient), () => timed(viaSdk));
    times[0].push(a);
    times[1].push(b);
    times[2].push(await timed(verified));
  }
  const [clientMs, sdkMs, verifiedMs] = [median(times[0]), median(times[1]), median(times[2])];

  // A resumed upload: stopped once half the bytes are in storage, then continued from its file id.
  const stop = new AbortController();
  let fileId: string | undefined;
  await client
    .upload(blob, {
      name: 'resumed.pdf',
      concurrency: CONCURRENCY,
      signal: stop.signal,
      onUploadStarted: (info: { fileId: string }) => void (fileId = info.fileId),
      onProgress: ({ loaded, total }: { loaded: number; total: number }) => loaded >= total / 2 && stop.abort(),
    })
    .catch(() => undefined);
  if (fileId === undefined) throw new Error('the upload did not start');
  const stored = (await client.uploads.status(fileId)).parts.reduce((sum: number, p: { size: number }) => sum + p.size, 0);
  sent = 0;
  const resumed = await client.upload(blob, { name: 'resumed.pdf', concurrency: CONCURRENCY, fileId });
  if (resumed.size !== SIZE) throw new Error('the resumed upload made the wrong file');
  const share = sent / SIZE;

  process.stdout.write(`110 MiB, part size ${plan.partSize / MiB} MiB, ${CONCURRENCY} parts at a time, median of ${RUNS} runs each\n`);
  const speed = report([
    // As speeds: the client's time against the baseline's time at 0.9× its speed.
    { name: 'client upload (reserve, parts, verified completion)', ms: clientMs, baselineName: 'lib-storage Upload', baselineMs: sdkMs, target: 1 / 0.9 },
  ]);
  process.stdout.write(`      speed ratio client/lib-storage: ${(sdkMs / clientMs).toFixed(2)}× (target ≥ 0.9×)\n`);
  process.stdout.write(
    `info  lib-storage Upload + reading the object back for its SHA-256 (what completion verifies): ` +
      `${verifiedMs.toFixed(2)} ms → client speed ${(verifiedMs / clientMs).toFixed(2)}× of that\n`,
  );
  const resumeOk = share <= 0.55;
  process.stdout.write(
    `${resumeOk ? 'PASS' : 'MISS'}  resumed upload: stopped with ${(stored / MiB).toFixed(0)} MiB stored, then sent ` +
      `${(sent / MiB).toFixed(0)} MiB of ${SIZE / MiB} MiB → ${(share * 100).toFixed(0)} % (target ≤ 55 %)\n`,
  );
  ok = speed && resumeOk;
} finally {
  await api?.stop();
  s3.destroy();
  await storage.stop();
}
process.exitCode = ok ? 0 : 1;
