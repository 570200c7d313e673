/**
 * `npm run bench`: the API against direct storage calls on the same local servers, in one run.
 * The API runs in its own process as `npm start` runs it; this process is the client of both.
 * Prints medians and ratios; never part of `npm test` (timings are noisy here).
 *
 * 1. inline upload of 256 KiB (JSON base64) vs. direct S3 PutObject + DynamoDB PutItem of the same (≤ 1.5×)
 * 2. content download of 1 MiB vs. direct S3 GetObject (≤ 1.3×)
 * 3. a list page of 25 in a tenant with 10,000 files vs. one with 100 (≤ 1.3×), for each sort order
 * 4. a fresh 200x140 thumbnail of a 12-megapixel JPEG through the API vs. a bare sharp resize of the same bytes
 *    here (≤ 1.5×), and a cached thumbnail vs. a fresh one (≥ 10× faster)
 * 5. the time from an upload's response to the webhook's receipt of its file.created (median of 20; < 1 s)
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { v7 as uuidv7 } from 'uuid';
import { makeDocumentClient, makeS3Client } from '../shared/adapters/clients.ts';
import { DynamoFileIndex } from '../shared/adapters/dynamo-file-index.ts';
import { contentKey, type FileRecord } from '../shared/domain/file.ts';
import { thumbnailKey } from '../shared/domain/thumbnails.ts';
import { mintToken } from '../local/tokens.ts';
import { http, paired, report, startLocalApi, type Row } from './lib.ts';

const KiB = 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const BUCKET = 'medfiles-bench';
const TABLE = 'medfiles-bench';
const secret = randomBytes(32).toString('hex');
const dataDir = mkdtempSync(join(tmpdir(), 'medfiles-bench-'));
const api = await startLocalApi({
  MEDFILES_DATA_DIR: dataDir,
  MEDFILES_JWT_SECRET: secret,
  MEDFILES_BUCKET: BUCKET,
  MEDFILES_TABLE: TABLE,
});
Object.assign(process.env, {
  AWS_ENDPOINT_URL_S3: api.s3,
  AWS_ENDPOINT_URL_DYNAMODB: api.dynamodb,
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
});
const s3 = makeS3Client({ region: 'us-east-1', s3ForcePathStyle: true });
const index = new DynamoFileIndex(makeDocumentClient({ region: 'us-east-1' }), TABLE);
const tokenFor = async (tenant: string) =>
  `Bearer ${await mintToken(secret, { sub: 'bench-provider', tenant, role: 'provider' })}`;
const authorization = await tokenFor('bench');

/** A PDF-typed payload of `size` bytes (magic number + random body). */
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);

const rows: Row[] = [];
try {
  // 1. Inline upload: the API's JSON base64 upload vs. the two writes it has to make.
  const small = pdf(256 * KiB);
  const body = JSON.stringify({ files: [{ name: 'bench.pdf', contents: small.toString('base64'), mimeType: 'application/pdf' }] });
  const [apiUpload, directUpload] = await paired(
    RUNS,
    async () => {
      const res = await http(`${api.url}/v1/files`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}`);
    },
    async () => {
      const record = sampleRecord('bench', uuidv7(), small);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: contentKey('bench', record.id), Body: small, ContentType: 'application/pdf' }));
      await index.create(record);
    },
  );
  rows.push({ name: 'API inline upload 256 KiB', ms: apiUpload, baselineName: 'S3 PutObject + DynamoDB PutItem', baselineMs: directUpload, target: 1.5 });

  // 2. Download.
  const big = pdf(1024 * KiB);
  const up = await http(`${api.url}/v1/files`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ files: [{ name: 'big.pdf', contents: big.toString('base64') }] }),
  });
  const id = (JSON.parse(up.body.toString()) as { files: { id: string }[] }).files[0]!.id;
  const [apiDownload, directDownload] = await paired(
    RUNS,
    async () => {
      const res = await http(`${api.url}/v1/files/${id}/content`, { headers: { authorization } });
      if (res.body.length !== big.length) throw new Error('short download');
    },
    async () => {
      const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: contentKey('bench', id) }));
      if ((await out.Body!.transformToByteArray()).length !== big.length) throw new Error('short read');
    },
  );
  rows.push({ name: 'API download 1 MiB', ms: apiDownload, baselineName: 'S3 GetObject', baselineMs: directDownload, target: 1.3 });

  // 3. List pages: a large tenant and a small one, seeded straight into the index.
  process.stdout.write('seeding 10,000 + 100 files…\n');
  await seed('large', 10_000);
  await seed('small', 100);
  const [large, smallTenant] = [await tokenFor('large'), await tokenFor('small')];
  for (const [sort, order] of [['createdAt', 'desc'], ['originalName', 'asc'], ['size', 'desc']] as const) {
    const list = (auth: string) => async () => {
      const res = await http(`${api.url}/v1/files?limit=25&sort=${sort}&order=${order}`, { headers: { authorization: auth } });
      const page = JSON.parse(res.body.toString()) as { count: number };
      if (page.count !== 25) throw new Error(`page of ${page.count}`);
    };
    const [ms, baselineMs] = await paired(RUNS, list(large), list(smallTenant));
    rows.push({ name: `list page of 25 by ${sort} ${order}, 10,000 files`, ms, baselineName: 'same with 100 files', baselineMs, target: 1.3 });
  }

  // 4. Thumbnails of a 12 MP camera-like JPEG.
  const photo = await twelveMegapixelJpeg();
  const upPhoto = await http(`${api.url}/v1/files`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ files: [{ name: 'IMG_0001.JPG', contents: photo.toString('base64') }] }),
  });
  if (upPhoto.status !== 201) throw new Error(`photo upload answered ${upPhoto.status}`);
  const photoId = (JSON.parse(upPhoto.body.toString()) as { files: { id: string }[] }).files[0]!.id;
  const thumbUrl = `${api.url}/v1/files/${photoId}/content?imageSize=200x140`;
  const cacheKey = thumbnailKey({ tenantId: 'bench', fileId: photoId, width: 200, height: 140, variant: 'auto' });
  const getThumb = async (expect: 'hit' | 'miss') => {
    const res = await http(thumbUrl, { headers: { authorization } });
    if (res.status !== 200 || res.headers['x-cache'] !== expect) throw new Error(`thumbnail: ${res.status} ${String(res.headers['x-cache'])}`);
  };
  const bare = () => sharp(photo).resize(200, 140, { fit: 'outside' }).jpeg({ quality: 80 }).toBuffer();
  // A fresh thumbnail each time: the cached one is removed between runs (not timed).
  const fresh: number[] = [];
  const bareTimes: number[] = [];
  const cached: number[] = [];
  const thumbRuns = Math.max(10, Math.floor(RUNS / 2));
  for (let i = 0; i < thumbRuns + 3; i++) {
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: cacheKey }));
    let t = performance.now();
    await getThumb('miss');
    const f = performance.now() - t;
    t = performance.now();
    await getThumb('hit');
    const c = performance.now() - t;
    t = performance.now();
    await bare();
    const b = performance.now() - t;
    if (i >= 3) [fresh.push(f), cached.push(c), bareTimes.push(b)];
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  rows.push({ name: 'API fresh thumbnail 200x140 of 12 MP JPEG', ms: med(fresh), baselineName: 'bare sharp resize here', baselineMs: med(bareTimes), target: 1.5 });
  rows.push({ name: 'API cached thumbnail', ms: med(cached), baselineName: 'fresh thumbnail', baselineMs: med(fresh), target: 10, atLeast: true });

  // 5. Upload response → webhook receipt, through the in-process bus and the delivery consumer.
  const adminAuth = `Bearer ${await mintToken(secret, { sub: 'bench-admin', tenant: 'hooks', role: 'admin' })}`;
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
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const registered = await http(`${api.url}/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: adminAuth, 'content-type': 'application/json' },
    body: JSON.stringify({ url: hookUrl, events: ['file.created'] }),
  });
  if (registered.status !== 201) throw new Error(`webhook registration answered ${registered.status}`);
  const latencies: number[] = [];
  const tiny = JSON.stringify({ files: [{ name: 'n.txt', contents: Buffer.from('note').toString('base64') }] });
  for (let i = 0; i < 20; i++) {
    const res = await http(`${api.url}/v1/files`, { method: 'POST', headers: { authorization: adminAuth, 'content-type': 'application/json' }, body: tiny });
    const answered = performance.now();
    const fileId = (JSON.parse(res.body.toString()) as { files: { id: string }[] }).files[0]!.id;
    const deadline = answered + 10_000;
    while (!receipts.has(fileId) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    if (!receipts.has(fileId)) throw new Error('webhook not received within 10 s');
    latencies.push(receipts.get(fileId)! - answered);
  }
  receiver.close();
  latencies.sort((a, b) => a - b);
  const webhookMs = latencies[10]!;
  process.stdout.write(
    `${webhookMs < 1000 ? 'PASS' : 'MISS'}  upload response → webhook receipt: median ${webhookMs.toFixed(1)} ms of 20 ` +
      `(min ${latencies[0]!.toFixed(1)}, max ${latencies.at(-1)!.toFixed(1)}; target < 1000 ms)\n`,
  );
} finally {
  const ok = report(rows);
  await api.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(ok ? 'all targets met\n' : 'some targets missed\n');
}

function sampleRecord(tenantId: string, id: string, bytes: Buffer, i = 0): FileRecord {
  const now = new Date(Date.now() - i).toISOString();
  return {
    id, tenantId, ownerId: `patient-${i % 50}`, createdBy: { id: 'bench', role: 'provider' },
    originalName: `scan-${i}.pdf`, extension: 'pdf', mimeType: 'application/pdf', size: bytes.length + i,
    sha256: createHash('sha256').update(bytes).digest('hex'), description: null, category: 'user_document',
    recordType: null, entity: null, fileRequestId: null, state: 'active', imageWidth: null, imageHeight: null,
    sharedWith: [], expiresAt: null, createdAt: now, updatedAt: now, version: 1,
  };
}

/** A 4000x3000 JPEG with camera-like detail (smooth noise), small enough for an inline upload. */
async function twelveMegapixelJpeg(): Promise<Buffer> {
  const noise = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png()
    .toBuffer();
  return sharp(noise).resize(4000, 3000).jpeg({ quality: 85 }).toBuffer();
}

async function seed(tenantId: string, count: number): Promise<void> {
  const bytes = Buffer.from('x');
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, k) => index.create(sampleRecord(tenantId, uuidv7(), bytes, i + k))),
    );
  }
}
