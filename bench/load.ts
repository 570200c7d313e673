/**
 * `npm run bench:load`: N clients uploading and downloading at once against `npm start` (local-stack.ts) for a
 * fixed time, then every uploaded file read back and its SHA-256 checked. Prints throughput, p50/p99 latency per
 * operation and errors by status; never part of `npm test`. Loopback only; it stops by itself.
 *
 * BENCH_LOAD_CLIENTS (default 8, at most 256) async clients, BENCH_LOAD_SECONDS (default 20, at most 600). Each
 * client loops: one inline upload (JSON base64) of a 4–64 KiB PDF-typed file, then one download of a file some
 * client uploaded before. Exits 1 when any file comes back with other bytes than were sent, or not at all in the
 * check.
 *
 * Requests go through the global fetch, not lib.ts `http`: that one shares a keep-alive agent capped at
 * 8 sockets, so 32 clients would queue in this process and the server would only ever see 8 at once.
 */
import { createHash, randomInt } from 'node:crypto';
import { mintToken } from '../local/tokens.ts';
import { startApi, startStorageServers, type LocalApi } from './local-stack.ts';
import { pdf } from './lib.ts';

const KiB = 1024;
const CLIENTS = boundedInteger('BENCH_LOAD_CLIENTS', 8, 256);
const SECONDS = boundedInteger('BENCH_LOAD_SECONDS', 20, 600);
/** A request that has not answered by then counts as an error (status "timeout"), so the run always ends. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Concurrent reads while checking every file after the run. */
const VERIFY_IN_FLIGHT = 8;

type Operation = 'upload' | 'download';

interface Sent {
  /** SHA-256 of the bytes this process sent. */
  sha256: string;
  /** The `sha256` the API answered with. */
  apiSha256: string;
}

const latencies: Record<Operation, number[]> = { upload: [], download: [] };
const errors = new Map<string, number>();
const sent = new Map<string, Sent>();
const ids: string[] = [];
let mismatches = 0;

const storage = await startStorageServers();
let api: LocalApi | undefined;
try {
  api = await startApi(storage, { MEDFILES_BUCKET: 'medfiles-load', MEDFILES_TABLE: 'medfiles-load' });
  const { url } = api;
  const authorization = `Bearer ${await mintToken(api.jwtSecret, { sub: 'bench-load', tenant: 'load', role: 'provider' })}`;

  const upload = async (): Promise<void> => {
    const bytes = pdf(randomInt(4 * KiB, 64 * KiB + 1));
    const body = JSON.stringify({ files: [{ name: 'load.pdf', contents: bytes.toString('base64') }] });
    const res = await exchange('upload', `${url}/v1/files`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body,
    });
    if (res.status !== 201) return;
    const [file] = (JSON.parse(res.body.toString()) as { files: { id: string; sha256: string }[] }).files;
    sent.set(file!.id, { sha256: sha256(bytes), apiSha256: file!.sha256 });
    ids.push(file!.id);
  };
  const download = async (id: string, operation?: Operation): Promise<void> => {
    const res = await exchange(operation, `${url}/v1/files/${id}/content`, { headers: { authorization } });
    if (res.status !== 200) {
      // During the run a failed read is an error; in the check after it, a file that cannot be read is a failure.
      if (!operation) mismatches++;
      return;
    }
    const expected = sent.get(id)!;
    const actual = sha256(res.body);
    if (actual !== expected.sha256 || actual !== expected.apiSha256) mismatches++;
  };

  process.stdout.write(`${CLIENTS} clients for ${SECONDS} s…\n`);
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      await upload();
      if (ids.length > 0 && performance.now() < deadline) await download(ids[randomInt(ids.length)]!, 'download');
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const elapsed = (performance.now() - start) / 1000;

  for (const operation of ['upload', 'download'] as const) {
    const times = latencies[operation].sort((a, b) => a - b);
    process.stdout.write(
      `${operation.padEnd(8)} ${times.length} ok, ${(times.length / elapsed).toFixed(1)} req/s, ` +
        `p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms\n`,
    );
  }
  // Every file read back after the load, compared with what was sent and with the API's own checksum.
  const everyId = [...sent.keys()];
  for (let i = 0; i < everyId.length; i += VERIFY_IN_FLIGHT) {
    await Promise.all(everyId.slice(i, i + VERIFY_IN_FLIGHT).map((id) => download(id)));
  }
  const errorList = [...errors].map(([key, count]) => `${key}: ${count}`).join(', ');
  process.stdout.write(`errors   ${errorList || 'none'}\n`);
  process.stdout.write(`verified ${everyId.length} files after the run; SHA-256 mismatches or unreadable (run + check): ${mismatches}\n`);
  if (mismatches > 0) process.exitCode = 1;
} finally {
  await api?.stop();
  await storage.stop();
}

/**
 * One request, timed and counted under `operation` (uncounted without one). A failure answers status 0 and is
 * counted by its status, or as "network"/"timeout", so that one bad exchange does not end the run.
 */
async function exchange(
  operation: Operation | undefined,
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: Buffer }> {
  const begin = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = Buffer.from(await res.arrayBuffer());
    if (operation && res.ok) latencies[operation].push(performance.now() - begin);
    if (!res.ok) countError(`${operation ?? 'verify'} ${res.status}`);
    return { status: res.status, body };
  } catch (error) {
    countError(`${operation ?? 'verify'} ${error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network'}`);
    return { status: 0, body: Buffer.alloc(0) };
  }
}

function countError(key: string): void {
  errors.set(key, (errors.get(key) ?? 0) + 1);
}

/** The nearest-rank percentile `p` of ascending `sorted`; 0 when empty. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}


function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A whole number from the environment in 1..max, else `fallback`; anything else stops the run before it starts. */
function boundedInteger(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return value;
}
