/**
 * The `medfiles` CLI as a user runs it: `node client/dist/cli.js ...` in a child process, with MEDFILES_URL and
 * MEDFILES_TOKEN in its environment, against `npm start`. Upload, list, download and delete round trip; a
 * multipart upload killed with SIGKILL part-way and run again (same file id, right SHA-256, only the missing
 * parts sent: PUT bodies are counted by a fetch wrapper preloaded with `node --import`); a download whose bytes
 * were altered on the way is refused and not kept; exit statuses 1 (API error, with code and requestId) and 2.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadState } from '../../client/src/cli/upload-state.ts';
import { baseUrl, Client, mintToken, newTenant, sha256, type FileBody } from '../support/e2e-client.ts';
import { pdf } from '../support/e2e-files.ts';
import { until } from '../support/until.ts';

const CLI = fileURLToPath(new URL('../../client/dist/cli.js', import.meta.url));
const MiB = 1024 * 1024;

/**
 * Preloaded into the CLI process for the resume test: counts the body bytes of every PUT storage accepted
 * (appended to CLI_TEST_PUT_LOG, one line per PUT) and can hold each PUT back (CLI_TEST_PUT_DELAY_MS, given up
 * when the request is aborted), so that a kill lands part-way.
 */
const PUT_METER = `
import { appendFileSync } from 'node:fs';
const log = process.env.CLI_TEST_PUT_LOG;
const delayMs = Number(process.env.CLI_TEST_PUT_DELAY_MS ?? 0);
const send = globalThis.fetch;
const sizeOf = (body) =>
  typeof body === 'string' ? Buffer.byteLength(body)
  : body instanceof Blob ? body.size
  : ArrayBuffer.isView(body) || body instanceof ArrayBuffer ? body.byteLength
  : NaN;
globalThis.fetch = async (input, init = {}) => {
  const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  if (method !== 'PUT') return send(input, init);
  if (delayMs > 0) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, delayMs);
      init.signal?.addEventListener('abort', () => (clearTimeout(timer), reject(init.signal.reason)), { once: true });
    });
  }
  const response = await send(input, init);
  if (response.ok) appendFileSync(log, sizeOf(init.body) + '\\n');
  return response;
};
`;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  token?: string;
  /** Replaces MEDFILES_URL; `null` leaves it unset. */
  url?: string | null;
  cwd?: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
}

let work: string;
let stateDir: string;
const tenant = newTenant('cli');
let patient: Client;
let admin: Client;

beforeAll(async () => {
  await stat(CLI).catch(() => {
    throw new Error(`${CLI} is missing: build the client first (npm run build -w @medfiles/client)`);
  });
  work = await mkdtemp(join(tmpdir(), 'medfiles-cli-'));
  stateDir = join(work, 'state');
  patient = await Client.as(tenant, 'patient-1', 'patient');
  admin = await Client.as(tenant, 'admin-1', 'admin');
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function environment(options: RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('MEDFILES_') || name.startsWith('CLI_TEST_')) delete env[name];
  const url = options.url === undefined ? baseUrl() : options.url;
  if (url !== null) env.MEDFILES_URL = url;
  env.MEDFILES_TOKEN = options.token ?? patient.token;
  env.MEDFILES_STATE_DIR = stateDir;
  return { ...env, ...options.env };
}

/** Starts `node [nodeArgs] cli.js args` and collects its output. */
function start(args: string[], options: RunOptions = {}): { child: ReturnType<typeof spawn>; done: Promise<Run> } {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    cwd: options.cwd ?? work,
    env: environment(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (out.stdout += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out.stderr += c.toString('utf8')));
  const done = new Promise<Run>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, ...out }));
  });
  return { child, done };
}

const medfiles = (args: string[], options: RunOptions = {}): Promise<Run> => start(args, options).done;

const jsonLines = <T = FileBody>(text: string): T[] =>
  text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);

function expectSuccess(run: Run): void {
  expect(run.code, `exit ${run.code}; stderr: ${run.stderr}`).toBe(0);
}

/** Exit 1 and `error: <code>: <message> (requestId <id>)` (then the offending fields of a 422, if any). */
function expectApiError(run: Run, code: string): void {
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^error: ${code}: .+ \\(requestId [\\w-]+\\)\\n(  .+\\n)*$`));
  expect(run.stdout).toBe('');
}

const pdfOf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);

/** A PDF of `size` bytes written sparse (fast): the header, 64 KiB random blocks every 8 MiB, holes between. */
async function sparsePdf(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  await handle.write(Buffer.from('%PDF-1.7\n'), 0, 9, 0);
  for (let offset = MiB; offset < size; offset += 8 * MiB) await handle.write(randomBytes(64 * 1024), 0, 64 * 1024, offset);
  await handle.truncate(size);
  await handle.close();
}

/** The one pending-upload record a running upload has written, and its `fileId`. */
async function recordedUpload(): Promise<{ file: string; fileId: string }> {
  const name = await until('the upload state file', async () => (await readdir(join(stateDir, 'uploads')).catch(() => [])).find((n) => n.endsWith('.json')));
  const file = join(stateDir, 'uploads', name);
  return { file, fileId: (JSON.parse(await readFile(file, 'utf8')) as { fileId: string }).fileId };
}

/**
 * Writes the record a run leaves for `path` before its first byte, with the CLI's own state code, as the patient
 * against this API; `version` replaces the file's size and mtime (for a file changed since).
 */
async function writeRecord(path: string, fileId: string, options: Record<string, unknown>, version: Partial<{ size: number; mtimeMs: number }> = {}): Promise<void> {
  const { size, mtimeMs } = await stat(path);
  const state = new UploadState(stateDir, { baseUrl: baseUrl(), token: patient.token });
  await state.save({ fileId, path, size, mtimeMs, options, ...version });
}

/** A pending single-PUT upload of `bytes` (reserved, nothing sent), as the patient. */
async function reserveUpload(bytes: Buffer, name = 'report.pdf'): Promise<string> {
  const reserved = await patient.postJson('/v1/uploads', { name, mimeType: 'application/pdf', size: bytes.length });
  expect(reserved.status, reserved.text).toBe(201);
  return reserved.json<{ fileId: string }>().fileId;
}

/** The preloaded PUT meter, written into `dir`: node arguments for the CLI process. */
async function putMeter(dir: string): Promise<string[]> {
  const meter = join(dir, 'put-meter.mjs');
  await writeFile(meter, PUT_METER);
  return ['--import', pathToFileURL(meter).href];
}

describe('medfiles upload, ls, get, rm', () => {
  it('round-trips an inline and a direct upload with their metadata, downloads them verified, archives and deletes', async () => {
    const dir = join(work, 'round-trip');
    await mkdir(join(dir, 'out'), { recursive: true });
    const small = pdf('cli round trip');
    const large = pdfOf(5 * MiB); // over the 4 MiB inline limit: one presigned PUT; downloads redirect to storage
    await writeFile(join(dir, 'note.pdf'), small);
    await writeFile(join(dir, 'scan.pdf'), large);

    const uploaded = await medfiles(
      ['upload', 'note.pdf', 'scan.pdf', '--category', 'lab_result', '--record-type', 'medical', '--description', 'from the CLI', '--expires', '3600'],
      { cwd: dir },
    );
    expectSuccess(uploaded);
    const [note, scan] = jsonLines(uploaded.stdout);
    expect(jsonLines(uploaded.stdout)).toHaveLength(2);
    expect(uploaded.stderr, 'no progress bar when stderr is not a terminal').toBe('');
    for (const [file, name, bytes] of [[note!, 'note.pdf', small], [scan!, 'scan.pdf', large]] as const) {
      expect(file).toMatchObject({ originalName: name, size: bytes.length, sha256: sha256(bytes), ownerId: 'patient-1', category: 'lab_result', recordType: 'medical', description: 'from the CLI', state: 'active' });
      expect(file.expiresAt).not.toBeNull();
    }
    expect(await readdir(join(stateDir, 'uploads')).catch(() => []), 'no pending upload is left recorded').toEqual([]);

    const listed = await medfiles(['ls', '--category', 'lab_result']);
    expectSuccess(listed);
    expect(jsonLines(listed.stdout).map((f) => f.id).sort()).toEqual([note!.id, scan!.id].sort());
    const one = await medfiles(['ls', '--limit', '1']);
    expectSuccess(one);
    expect(jsonLines(one.stdout)).toHaveLength(1);

    const intoDir = await medfiles(['get', scan!.id, '-o', 'out'], { cwd: dir });
    expectSuccess(intoDir);
    expect(jsonLines(intoDir.stdout)).toEqual([{ id: scan!.id, path: join(dir, 'out', 'scan.pdf'), size: large.length, sha256: sha256(large) }]);
    expect((await readFile(join(dir, 'out', 'scan.pdf'))).equals(large)).toBe(true);
    const named = await medfiles(['get', note!.id, '-o', join(dir, 'out', 'copy.pdf')]);
    expectSuccess(named);
    expect((await readFile(join(dir, 'out', 'copy.pdf'))).equals(small)).toBe(true);
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['copy.pdf', 'scan.pdf']);

    expectSuccess(await medfiles(['rm', note!.id]));
    expect(jsonLines((await medfiles(['ls'])).stdout).map((f) => f.id)).toEqual([scan!.id]);
    expect(jsonLines((await medfiles(['ls', '--state', 'archived'])).stdout).map((f) => f.id)).toEqual([note!.id]);

    expectApiError(await medfiles(['rm', scan!.id, '--permanent']), 'forbidden'); // a patient may not
    expectSuccess(await medfiles(['rm', scan!.id, '--permanent'], { token: admin.token }));
    expectApiError(await medfiles(['get', scan!.id]), 'not_found');
  });
});

describe('resuming an upload killed part-way', () => {
  it('continues the same upload: same file id, right SHA-256, only the missing parts sent again', { timeout: 60_000 }, async () => {
    const dir = join(work, 'resume');
    await mkdir(dir, { recursive: true });
    const preload = await putMeter(dir);
    // 110 MiB: multipart, 14 parts of 8 MiB.
    const path = join(dir, 'imaging.pdf');
    const size = 110 * MiB;
    await sparsePdf(path, size);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const expected = hash.digest('hex');

    const firstLog = join(dir, 'first.log');
    const first = start(['upload', 'imaging.pdf', '--category', 'imaging'], {
      cwd: dir,
      nodeArgs: preload,
      env: { CLI_TEST_PUT_LOG: firstLog, CLI_TEST_PUT_DELAY_MS: '300' },
    });
    const { file: stateFile, fileId } = await recordedUpload();
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
    await until('two parts stored', async () => ((await readFile(firstLog, 'utf8').catch(() => '')).split('\n').length > 2 ? true : undefined));
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal, `the upload finished before the kill: ${killed.stdout}`).toBe('SIGKILL');

    const held = await patient.request(`/v1/uploads/${fileId}`);
    expect(held.status, held.text).toBe(200);
    const status = held.json<{ status: string; parts: { size: number }[] }>();
    expect(status.status).toBe('pending');
    const stored = status.parts.reduce((sum, p) => sum + p.size, 0);
    expect(status.parts.length).toBeGreaterThanOrEqual(2);
    expect(stored).toBeLessThan(size);

    const secondLog = join(dir, 'second.log');
    const second = await medfiles(['upload', 'imaging.pdf', '--category', 'imaging'], { cwd: dir, nodeArgs: preload, env: { CLI_TEST_PUT_LOG: secondLog } });
    expectSuccess(second);
    expect(second.stderr).toContain(`resuming upload ${fileId}`);
    const [file] = jsonLines(second.stdout);
    expect(file).toMatchObject({ id: fileId, size, sha256: expected, originalName: 'imaging.pdf', category: 'imaging', mimeType: 'application/pdf' });
    const sent = (await readFile(secondLog, 'utf8')).split('\n').filter(Boolean).map(Number);
    expect(sent.reduce((a, b) => a + b, 0), `PUT bodies of the rerun: ${sent.join(', ')}`).toBe(size - stored);
    await expect(stat(stateFile)).rejects.toThrow(/ENOENT/);

    expectSuccess(await medfiles(['rm', fileId, '--permanent'], { token: admin.token }));
  });

  it('stops on Ctrl-C with exit 1 and keeps the state for the rerun', async () => {
    const dir = join(work, 'interrupt');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'report.pdf'), pdfOf(5 * MiB));
    const run = start(['upload', 'report.pdf'], { cwd: dir, nodeArgs: await putMeter(dir), env: { CLI_TEST_PUT_LOG: join(dir, 'put.log'), CLI_TEST_PUT_DELAY_MS: '2000' } });
    const { file: stateFile, fileId } = await recordedUpload();
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code, stopped.stderr).toBe(1);
    expect(stopped.stderr).toBe('interrupted; run the same command again to continue\n');
    expect(stopped.stdout).toBe('');
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toMatchObject({ fileId, path: join(dir, 'report.pdf'), size: 5 * MiB });
    // Leave no pending upload behind for the next test.
    expect((await patient.request(`/v1/uploads/${fileId}`, { method: 'DELETE' })).status).toBe(204);
    await rm(stateFile);
  });

  it('starts over when the server no longer knows the recorded upload', async () => {
    const dir = join(work, 'gone');
    await mkdir(dir, { recursive: true });
    const bytes = pdfOf(5 * MiB);
    const path = join(dir, 'report.pdf');
    await writeFile(path, bytes);
    const stale = randomUUID(); // as a killed run leaves it, for an upload the server has never seen
    await writeRecord(path, stale, {});

    const run = await medfiles(['upload', 'report.pdf'], { cwd: dir });
    expectSuccess(run);
    expect(run.stderr).toBe(`medfiles: upload ${stale} is no longer pending on the server; starting over\n`);
    const [file] = jsonLines(run.stdout);
    expect(file!.id).not.toBe(stale);
    expect(file!.sha256).toBe(sha256(bytes));
    expect(await readdir(join(stateDir, 'uploads'))).toEqual([]);
  });

  it('answers the File of a recorded upload that completed, and aborts one started with other options', async () => {
    const dir = join(work, 'recorded');
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'report.pdf');
    const bytes = pdfOf(5 * MiB);
    await writeFile(path, bytes);
    const preload = await putMeter(dir);
    const putLog = join(dir, 'put.log');

    // Completed, but the run was killed before it printed the File and removed the record.
    const done = jsonLines((await medfiles(['upload', 'report.pdf'], { cwd: dir })).stdout)[0]!;
    await writeRecord(path, done.id, {});
    const again = await medfiles(['upload', 'report.pdf'], { cwd: dir, nodeArgs: preload, env: { CLI_TEST_PUT_LOG: putLog } });
    expectSuccess(again);
    expect(jsonLines(again.stdout)).toEqual([done]);
    await expect(readFile(putLog, 'utf8'), 'nothing is sent again').rejects.toThrow(/ENOENT/);

    // Pending, but started with another category: storing these bytes under it would be wrong.
    const reserved = await patient.postJson('/v1/uploads', { name: 'report.pdf', mimeType: 'application/pdf', size: bytes.length, category: 'imaging' });
    const { fileId: other } = reserved.json<{ fileId: string }>();
    await writeRecord(path, other, { category: 'imaging' });
    const changed = await medfiles(['upload', 'report.pdf', '--category', 'lab_result'], { cwd: dir });
    expectSuccess(changed);
    expect(changed.stderr).toContain(`upload ${other} of this file was started with other options; starting over`);
    expect(jsonLines(changed.stdout)[0]).toMatchObject({ category: 'lab_result', sha256: sha256(bytes) });
    expect((await patient.request(`/v1/uploads/${other}`)).status, 'the other upload is aborted').toBe(404);
    expect(await readdir(join(stateDir, 'uploads'))).toEqual([]);
  });
});

describe('the state directory', () => {
  it('keeps one record per API, account and path: another user or MEDFILES_URL starts its own upload, a refreshed token resumes', async () => {
    const dir = join(work, 'accounts');
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'report.pdf');
    const bytes = pdfOf(5 * MiB);
    await writeFile(path, bytes);
    const fileId = await reserveUpload(bytes);
    await writeRecord(path, fileId, {});

    const other = await Client.as(tenant, 'patient-2', 'patient');
    const asOther = await medfiles(['upload', 'report.pdf'], { cwd: dir, token: other.token });
    expectSuccess(asOther);
    expect(asOther.stderr, 'nothing about the patient-1 upload').toBe('');
    expect(jsonLines(asOther.stdout)[0]).toMatchObject({ ownerId: 'patient-2', sha256: sha256(bytes) });
    expect(jsonLines(asOther.stdout)[0]!.id).not.toBe(fileId);

    // The same API under another name is another MEDFILES_URL: its records are its own.
    const otherUrl = baseUrl().replace('127.0.0.1', 'localhost');
    const viaOtherUrl = await medfiles(['upload', 'report.pdf'], { cwd: dir, url: otherUrl });
    expectSuccess(viaOtherUrl);
    expect(viaOtherUrl.stderr).toBe('');
    expect(jsonLines(viaOtherUrl.stdout)[0]!.id).not.toBe(fileId);
    expect((await patient.request(`/v1/uploads/${fileId}`)).status, 'still pending, untouched').toBe(200);

    const refreshed = await mintToken({ tenant, sub: 'patient-1', role: 'patient' }, { expiresIn: 1800 });
    expect(refreshed).not.toBe(patient.token);
    const resumed = await medfiles(['upload', 'report.pdf'], { cwd: dir, token: refreshed });
    expectSuccess(resumed);
    expect(resumed.stderr).toContain(`resuming upload ${fileId}`);
    expect(jsonLines(resumed.stdout)[0]).toMatchObject({ id: fileId, sha256: sha256(bytes) });
    expect(await readdir(join(stateDir, 'uploads'))).toEqual([]);
  });

  it('aborts the pending upload of a file changed since, and removes temp files older than a day', async () => {
    const dir = join(work, 'changed');
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'report.pdf');
    const before = pdfOf(5 * MiB);
    await writeFile(path, before);
    const fileId = await reserveUpload(before);
    await writeRecord(path, fileId, {}, { mtimeMs: (await stat(path)).mtimeMs - 60_000 });
    const uploads = join(stateDir, 'uploads');
    const [old, fresh] = [join(uploads, 'a.json.1.tmp'), join(uploads, 'b.json.2.tmp')];
    await writeFile(old, '{');
    await writeFile(fresh, '{');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(old, twoDaysAgo, twoDaysAgo);

    const run = await medfiles(['upload', 'report.pdf'], { cwd: dir });
    expectSuccess(run);
    expect(run.stderr).toBe(`medfiles: the file changed since upload ${fileId} was started; starting over\n`);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ sha256: sha256(before) });
    expect(jsonLines(run.stdout)[0]!.id).not.toBe(fileId);
    expect((await patient.request(`/v1/uploads/${fileId}`)).status, 'the old pending upload is aborted').toBe(404);
    expect(await readdir(uploads), 'the day-old temp file is gone, the fresh one (a save under way) stays').toEqual(['b.json.2.tmp']);
    await rm(fresh);
  });
});

describe('the progress bar', () => {
  it('is drawn on stderr when it is a terminal: bytes, rate and time left, redrawn with \\r', async (context) => {
    const script = await stat('/usr/bin/script').catch(() => undefined);
    if (!script) return context.skip('util-linux `script` (to run the CLI on a pseudo-terminal) is not installed');
    const dir = join(work, 'tty');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'scan.pdf'), pdfOf(6 * MiB));
    const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
    // `script` gives the command a pseudo-terminal for stdin, stdout and stderr, and copies what it shows.
    const shown = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
      const child = spawn('/usr/bin/script', ['-qec', [process.execPath, CLI, 'upload', 'scan.pdf'].map(quote).join(' '), '/dev/null'], {
        cwd: dir,
        env: environment({}),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, text }));
    });
    expect(shown.code, shown.text).toBe(0);
    expect(shown.text).toMatch(/\rscan\.pdf \[#{20}\] 100%  6\.0 MiB\/6\.0 MiB  [\d.]+ [KMG]iB\/s  0s left/);
    expect(shown.text).toMatch(/"originalName":"scan\.pdf"/);
  });
});

describe('medfiles get verifies what it keeps', () => {
  let proxy: Server;
  let proxyUrl: string;

  beforeAll(async () => {
    // Forwards everything to the API, but flips the last byte of every content answer.
    proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${baseUrl()}${req.url}`, {
        method: req.method,
        headers: { ...(req.headers.authorization && { authorization: req.headers.authorization }), ...(req.headers['content-type'] && { 'content-type': req.headers['content-type'] }) },
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        redirect: 'manual',
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (/^\/v1\/files\/[^/]+\/content(\?|$)/.test(req.url ?? '') && upstream.status === 200 && body.length > 0) body[body.length - 1]! ^= 0xff;
      const headers = Object.fromEntries([...upstream.headers].filter(([name]) => !['content-encoding', 'transfer-encoding', 'content-length', 'connection'].includes(name)));
      res.writeHead(upstream.status, headers).end(body);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address() as { port: number };
    proxyUrl = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
  });

  it('refuses bytes whose SHA-256 differs from the File\'s: exit 1, nothing kept, no temporary file left', async () => {
    const file = await patient.createFile('lab.pdf', pdf('tampered'));
    const dir = join(work, 'tampered');
    await mkdir(dir, { recursive: true });

    const run = await medfiles(['get', file.id, '-o', join(dir, 'lab.pdf')], { url: proxyUrl });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^error: sha256_mismatch: .*nothing was kept\n$/);
    expect(run.stdout).toBe('');
    expect(await readdir(dir)).toEqual([]);

    // The same download straight from the API is kept.
    expectSuccess(await medfiles(['get', file.id, '-o', join(dir, 'lab.pdf')]));
    expect(await readdir(dir)).toEqual(['lab.pdf']);
  });
});

describe('medfiles get keeps what is there', () => {
  it('does not replace a file named after the stored name unless --force; a path named with -o is replaced', async () => {
    const dir = join(work, 'no-clobber');
    await mkdir(dir, { recursive: true });
    const bytes = pdf('downloaded');
    const file = await patient.createFile('notes.pdf', bytes);
    const mine = join(dir, 'notes.pdf');
    await writeFile(mine, 'my own notes');

    for (const args of [['get', file.id], ['get', file.id, '-o', '.']]) {
      const refused = await medfiles(args, { cwd: dir });
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toBe(`error: target_exists: ${mine} exists; nothing was replaced (name it with -o, or pass --force to replace it)\n`);
      expect(refused.stdout).toBe('');
    }
    expect(await readFile(mine, 'utf8')).toBe('my own notes');
    expect(await readdir(dir), 'no temporary file left').toEqual(['notes.pdf']);

    expectSuccess(await medfiles(['get', file.id, '--force'], { cwd: dir }));
    expect((await readFile(mine)).equals(bytes)).toBe(true);
    await writeFile(mine, 'my own notes');
    expectSuccess(await medfiles(['get', file.id, '-o', 'notes.pdf'], { cwd: dir }));
    expect((await readFile(mine)).equals(bytes)).toBe(true);
  });

  it('saves a stored name with leading dots without them', async () => {
    const dir = join(work, 'dot-names');
    await mkdir(dir, { recursive: true });
    const file = await patient.createFile('.profile.pdf', pdf('dotted'));
    const run = await medfiles(['get', file.id], { cwd: dir });
    expectSuccess(run);
    expect(jsonLines<{ path: string }>(run.stdout)[0]!.path).toBe(join(dir, 'profile.pdf'));
    expect(await readdir(dir)).toEqual(['profile.pdf']);
  });
});

describe('exit statuses', () => {
  it('exits 2 with the usage on bad usage, before any request', async () => {
    const cases: [string[], RunOptions?][] = [
      [[]],
      [['frobnicate']],
      [['upload']],
      [['upload', 'a.pdf', '--expires', 'soon']],
      [['ls', '--limit', '0']],
      [['ls', '--colour']],
      [['get']],
      [['rm', 'a', 'b']],
      [['ls'], { url: null }],
    ];
    const runs = await Promise.all(cases.map(([args, options]) => medfiles(args, options)));
    for (const [i, run] of runs.entries()) {
      expect(run.code, `${JSON.stringify(cases[i]![0])}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain('usage: medfiles <command>');
      expect(run.stdout).toBe('');
    }
  });

  it('exits 1 with the API error code, message and requestId', async () => {
    const [missing, malformed, unauthorized] = await Promise.all([
      medfiles(['get', randomUUID()]),
      medfiles(['rm', 'not-a-uuid']),
      medfiles(['ls'], { token: 'not-a-token' }),
    ]);
    expectApiError(missing, 'not_found');
    expectApiError(malformed, 'validation_error');
    expectApiError(unauthorized, 'unauthorized');
  });

  it('exits 1 when the API cannot be reached, or a path cannot be read', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const [unreachable, noSuchFile] = await Promise.all([
      medfiles(['ls'], { url: `http://127.0.0.1:${port}` }),
      medfiles(['upload', join(work, 'no-such-file.pdf')]),
    ]);
    expect(unreachable.code, unreachable.stderr).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: network_error: /);
    expect(noSuchFile.code, noSuchFile.stderr).toBe(1);
    expect(noSuchFile.stderr).toMatch(/^error: ENOENT: /);
  });
});
