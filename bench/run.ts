/**
 * `npm run bench`: the API against the bare storage operations it stands for, on the same servers, in one run.
 * Both storage servers run in one process and the API is `npm start` pointed at them (local-stack.ts); this
 * process is the client of both. Each API call is interleaved with its bare operation and the medians are taken
 * after a warm-up. Prints ratios; never part of `npm test` (timings are noisy here). BENCH_RUNS sets the runs.
 *
 * 1. inline upload of 256 KiB (JSON base64) vs. S3 PutObject + DynamoDB PutItem of the same (≤ 1.5×)
 * 2. content download of 1 MiB vs. S3 GetObject (≤ 1.3×)
 * 3. a fresh 200x140 thumbnail of a 12-megapixel JPEG (a new file each time) vs. GetObject of the original +
 *    a bare sharp resize of it here (≤ 1.5×)
 * 4. the same thumbnail again (cached) vs. a metadata read of the same file (≤ 1.3×)
 * 5. a list page of 25 in a tenant with 10,000 files vs. one with 100 (≤ 1.3×), for each sort order
 * 6. the time from an upload's response to the webhook's receipt of its file.created (median of 20; < 1 s)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { mintToken } from '../local/tokens.ts';
import { twelveMegapixelJpeg } from '../test/support/images.ts';
import { http, inTurn, median, paired, pdf, report, timed, type Row } from './lib.ts';
import { startApi, startStorageServers, STORAGE_CREDENTIALS, type LocalApi } from './local-stack.ts';
import { newFileId, storedTwin } from './stored-twins.ts';

const KiB = 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const THUMBNAIL_RUNS = Math.max(10, Math.floor(RUNS / 2));
const WARMUP = 3;
/** Cached/metadata pairs measured on each freshly thumbnailed file. */
const CACHED_PAIRS_PER_FILE = 5;
const names = { bucket: 'medfiles-bench', table: 'medfiles-bench' };
// Same libvips settings as the API's image adapter: no operation cache, so a repeated resize is not a lookup.
sharp.cache(false);

const storage = await startStorageServers();
const clientConfig = { region: 'us-east-1', credentials: STORAGE_CREDENTIALS };
const s3 = new S3Client({
  ...clientConfig,
  endpoint: storage.s3,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const db = new DynamoDBClient({ ...clientConfig, endpoint: storage.dynamodb });

let api: LocalApi | undefined;
const rows: Row[] = [];
let webhookMs: number | undefined;
try {
  api = await startApi(storage, { MEDFILES_BUCKET: names.bucket, MEDFILES_TABLE: names.table });
  const { url, jwtSecret } = api;
  const tokenFor = async (tenant: string, role = 'provider') =>
    `Bearer ${await mintToken(jwtSecret, { sub: `bench-${role}`, tenant, role })}`;
  const authorization = await tokenFor('bench');

  /** POST /v1/files (JSON base64); the new files' ids. */
  const upload = async (auth: string, body: string): Promise<string[]> => {
    const res = await http(`${url}/v1/files`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
    if (res.status !== 201) throw new Error(`upload answered ${res.status}`);
    return (JSON.parse(res.body.toString()) as { files: { id: string }[] }).files.map((f) => f.id);
  };
  const uploadBody = (files: { name: string; bytes: Buffer }[]) =>
    JSON.stringify({ files: files.map((f) => ({ name: f.name, contents: f.bytes.toString('base64') })) });
  const get = async (path: string) => {
    const res = await http(`${url}${path}`, { headers: { authorization } });
    if (res.status !== 200) throw new Error(`GET ${path.replace(/\?.*/, '')} answered ${res.status}`);
    return res;
  };

  // 1. Inline upload: the API's JSON base64 upload vs. the two writes it stands for.
  const small = pdf(256 * KiB);
  const smallBody = uploadBody([{ name: 'bench.pdf', bytes: small }]);
  const [smallId] = await upload(authorization, smallBody);
  const smallTwin = await storedTwin({ s3, db }, names, smallId!, small.length);
  const [apiUpload, bareUpload] = await paired(
    RUNS,
    () => upload(authorization, smallBody),
    async () => {
      const id = newFileId();
      await s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: smallTwin.key(id), Body: small, ContentType: 'application/pdf' }));
      await db.send(new PutItemCommand({ TableName: names.table, Item: smallTwin.item(id) }));
    },
  );
  rows.push({ name: 'API inline upload 256 KiB', ms: apiUpload, baselineName: 'S3 PutObject + DynamoDB PutItem', baselineMs: bareUpload, target: 1.5 });

  // 2. Download.
  const big = pdf(1024 * KiB);
  const [bigId] = await upload(authorization, uploadBody([{ name: 'big.pdf', bytes: big }]));
  const bigKey = (await storedTwin({ s3, db }, names, bigId!, big.length)).key(bigId!);
  const [apiDownload, bareDownload] = await paired(
    RUNS,
    async () => {
      if ((await get(`/v1/files/${bigId}/content`)).body.length !== big.length) throw new Error('short download');
    },
    async () => {
      const out = await s3.send(new GetObjectCommand({ Bucket: names.bucket, Key: bigKey }));
      if ((await out.Body!.transformToByteArray()).length !== big.length) throw new Error('short read');
    },
  );
  rows.push({ name: 'API download 1 MiB', ms: apiDownload, baselineName: 'S3 GetObject', baselineMs: bareDownload, target: 1.3 });

  // 3 and 4. Thumbnails of a 12 MP phone-like photo (about 5 MB: over the inline limit, so a direct upload),
  // a new file each run so that the first request is really fresh.
  const photo = await twelveMegapixelJpeg();
  const uploadPhoto = async (): Promise<string> => {
    const created = await http(`${url}/v1/uploads`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'IMG_0001.JPG', mimeType: 'image/jpeg', size: photo.length }),
    });
    if (created.status !== 201) throw new Error(`POST /v1/uploads answered ${created.status}`);
    const target = JSON.parse(created.body.toString()) as { fileId: string; url: string; headers?: Record<string, string> };
    const put = await http(target.url, { method: 'PUT', headers: target.headers, body: photo });
    if (put.status !== 200) throw new Error(`PUT to storage answered ${put.status}`);
    const done = await http(`${url}/v1/uploads/${target.fileId}/complete`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: '{}',
    });
    if (done.status !== 200) throw new Error(`upload completion answered ${done.status}`);
    return target.fileId;
  };
  const thumbnail = async (id: string, expect: 'hit' | 'miss') => {
    const res = await get(`/v1/files/${id}/content?imageSize=200x140`);
    if (res.headers['x-cache'] !== expect) throw new Error(`thumbnail: X-Cache ${String(res.headers['x-cache'])}, expected ${expect}`);
  };
  const firstPhoto = await uploadPhoto();
  const photoTwin = await storedTwin({ s3, db }, names, firstPhoto, photo.length);
  /** What a thumbnail needs at the least: the original's bytes, then a resize to the size the API returns. */
  const bareThumbnail = async (id: string) => {
    const out = await s3.send(new GetObjectCommand({ Bucket: names.bucket, Key: photoTwin.key(id) }));
    await sharp(await out.Body!.transformToByteArray())
      .resize(200, 140, { fit: 'outside' })
      .jpeg({ quality: 80 })
      .toBuffer();
  };
  const times = { fresh: [] as number[], bare: [] as number[], cached: [] as number[], metadata: [] as number[] };
  for (let i = 0; i < WARMUP + THUMBNAIL_RUNS; i++) {
    const id = i === 0 ? firstPhoto : await uploadPhoto();
    const fresh = () => timed(() => thumbnail(id, 'miss'));
    const bare = () => timed(() => bareThumbnail(id));
    const cached = () => timed(() => thumbnail(id, 'hit'));
    const metadata = () => timed(() => get(`/v1/files/${id}`));
    // The fresh request precedes the cached ones; within each pair the order alternates. A cached read is cheap
    // next to the upload and resize each fresh one needs, so each file gives several cached/metadata pairs.
    const [f, b] = await inTurn(i, fresh, bare);
    const pairs: [number, number][] = [];
    for (let j = 0; j < CACHED_PAIRS_PER_FILE; j++) pairs.push(await inTurn(i + j, cached, metadata));
    if (i < WARMUP) continue;
    times.fresh.push(f);
    times.bare.push(b);
    for (const [c, m] of pairs) {
      times.cached.push(c);
      times.metadata.push(m);
    }
  }
  rows.push({
    name: 'API fresh thumbnail 200x140 of 12 MP JPEG', ms: median(times.fresh),
    baselineName: 'S3 GetObject + bare sharp resize', baselineMs: median(times.bare), target: 1.5,
  });
  rows.push({
    name: 'API cached thumbnail', ms: median(times.cached),
    baselineName: 'API metadata read of the same file', baselineMs: median(times.metadata), target: 1.3,
  });

  // 5. List pages: a large tenant and a small one, filled through the API, 20 files a request.
  process.stdout.write('seeding 10,000 + 100 files…\n');
  await seed(upload, await tokenFor('large'), 10_000);
  await seed(upload, await tokenFor('small'), 100);
  const [large, smallTenant] = [await tokenFor('large'), await tokenFor('small')];
  for (const [sort, order] of [['createdAt', 'desc'], ['originalName', 'asc'], ['size', 'desc']] as const) {
    const list = (auth: string) => async () => {
      const res = await http(`${url}/v1/files?limit=25&sort=${sort}&order=${order}`, { headers: { authorization: auth } });
      const page = JSON.parse(res.body.toString()) as { count: number };
      if (page.count !== 25) throw new Error(`page of ${page.count}`);
    };
    const [ms, baselineMs] = await paired(RUNS, list(large), list(smallTenant));
    rows.push({ name: `list page of 25 by ${sort} ${order}, 10,000 files`, ms, baselineName: 'same with 100 files', baselineMs, target: 1.3 });
  }

  // 6. Upload response → webhook receipt, through the in-process bus and the delivery consumer.
  webhookMs = await webhookLatency(url, upload, await tokenFor('hooks', 'admin'));
} finally {
  const ok = report(rows);
  if (webhookMs !== undefined) {
    process.stdout.write(`${webhookMs < 1000 ? 'PASS' : 'MISS'}  upload response → webhook receipt: median ${webhookMs.toFixed(1)} ms of 20 (target < 1000 ms)\n`);
  }
  await api?.stop();
  await storage.stop();
  s3.destroy();
  db.destroy();
  if (rows.length > 0) process.stdout.write(ok ? 'all ratio targets met\n' : 'some ratio targets missed\n');
}


type Upload = (auth: string, body: string) => Promise<string[]>;

/** `count` small PDFs of distinct names and sizes, so that each sort order has something to sort. */
async function seed(upload: Upload, auth: string, count: number): Promise<void> {
  const PER_REQUEST = 20;
  const IN_FLIGHT = 4;
  const requests = Array.from({ length: Math.ceil(count / PER_REQUEST) }, (_, r) =>
    JSON.stringify({
      files: Array.from({ length: Math.min(PER_REQUEST, count - r * PER_REQUEST) }, (_, k) => {
        const i = r * PER_REQUEST + k;
        return { name: `scan-${i}.pdf`, contents: pdf(16 + (i % 997)).toString('base64') };
      }),
    }),
  );
  for (let r = 0; r < requests.length; r += IN_FLIGHT) {
    await Promise.all(requests.slice(r, r + IN_FLIGHT).map((body) => upload(auth, body)));
  }
}

/** Median of 20 times from an upload's response to its file.created webhook arriving at a local receiver. */
async function webhookLatency(url: string, upload: Upload, adminAuth: string): Promise<number> {
  const receipts = new Map<string, number>();
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const event = JSON.parse(body) as { data: { fileId: string } };
      receipts.set(event.data.fileId, performance.now());
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  try {
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const registered = await http(`${url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: adminAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ url: hookUrl, events: ['file.created'] }),
    });
    if (registered.status !== 201) throw new Error(`webhook registration answered ${registered.status}`);
    const tiny = JSON.stringify({ files: [{ name: 'n.txt', contents: Buffer.from('note').toString('base64') }] });
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [fileId] = await upload(adminAuth, tiny);
      const answered = performance.now();
      const deadline = answered + 10_000;
      while (!receipts.has(fileId!) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      if (!receipts.has(fileId!)) throw new Error('webhook not received within 10 s');
      latencies.push(receipts.get(fileId!)! - answered);
    }
    return median(latencies);
  } finally {
    receiver.close();
  }
}
