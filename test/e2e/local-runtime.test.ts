/**
 * The local runtime's own contract: `npm start` prints the URL and working demo tokens, logs one line per
 * request with no personal data, keeps data (and a generated secret) under MEDFILES_DATA_DIR across
 * restarts, honours PORT, and stops its storage servers with it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import {
  call,
  Client,
  expectError,
  expectStatus,
  newTenant,
  randomId,
  type FileBody,
} from '../support/e2e-client.ts';
import { pdf } from '../support/e2e-files.ts';
import { startRuntime, type Runtime } from '../support/e2e-runtime.ts';
import { freePort } from '../support/free-port.ts';

const readLog = async () => (await readFile(inject('e2eRuntimeLog'), 'utf8')).split('\n').filter(Boolean);

function demoTokens(lines: string[]): Record<'patient' | 'provider' | 'admin', string> {
  const token = (name: string) => {
    const line = lines.find((l) => l.includes(`${name}_TOKEN=`));
    expect(line, `no ${name}_TOKEN line in the runtime's output`).toBeDefined();
    return /_TOKEN=(\S+)/.exec(line!)![1]!;
  };
  return { patient: token('PATIENT'), provider: token('PROVIDER'), admin: token('ADMIN') };
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start', () => {
  it('prints the URL and working demo tokens for a patient, a provider and an admin', async () => {
    const lines = await readLog();
    expect(lines.some((l) => l.includes(`listening on ${inject('e2eBaseUrl')}`))).toBe(true);
    const tokens = demoTokens(lines);
    for (const [role, token] of Object.entries(tokens)) {
      expect(claims(token)).toMatchObject({ role, tenant: expect.any(String), sub: expect.any(String) });
      expectStatus(await call('/v1/files', { token }), 200);
    }
    const tenant = claims(tokens.patient).tenant;
    expect(claims(tokens.provider).tenant).toBe(tenant);
    expect(claims(tokens.admin).tenant).toBe(tenant);

    const patient = new Client({ tenant: String(tenant), sub: String(claims(tokens.patient).sub), role: 'patient' }, tokens.patient);
    const file = await patient.createFile('demo.pdf', pdf('demo'));
    expect(file).toMatchObject({ tenantId: tenant, createdBy: { id: claims(tokens.patient).sub, role: 'patient' } });
    const provider = new Client({ tenant: String(tenant), sub: String(claims(tokens.provider).sub), role: 'provider' }, tokens.provider);
    expectStatus(await provider.get(file.id), 200);
    const admin = new Client({ tenant: String(tenant), sub: String(claims(tokens.admin).sub), role: 'admin' }, tokens.admin);
    expectStatus(await admin.deletePermanently(file.id), 204);
  });

  it('logs one line per request, with no file names, descriptions or query values', async () => {
    const marker = `Zq${randomBytes(6).toString('hex')}`;
    const client = await Client.as(newTenant('logs'), 'provider-1', 'provider');
    const before = (await readLog()).length;

    const requests: (() => Promise<unknown>)[] = [
      () => client.uploadJson([{ name: `${marker}-name.pdf`, contents: pdf(marker), description: `${marker} description` }], { ownerId: `owner-${marker}`, entity: { type: 'visit', id: `v-${marker}` } }),
      () => client.uploadJson([{ name: `bad/${marker}.pdf`, contents: pdf() }]),
      () => client.list({ ownerId: `owner-${marker}`, entityType: 'visit', entityId: `v-${marker}` }),
      () => client.put(randomId(), pdf(marker), { contentType: 'application/pdf', query: { name: `${marker}-put.pdf`, description: `${marker} put` } }),
      () => client.request('/v1/files', { query: { limit: marker } }),
      () => call('/v1/health'),
    ];
    for (const send of requests) await send();
    const uploaded = ((await client.list({ ownerId: `owner-${marker}` })).json<{ files: FileBody[] }>()).files[0]!;
    await client.patch(uploaded.id, { originalName: `${marker}-renamed.pdf`, description: `${marker} patched` });
    await client.content(uploaded.id, { download: 'true' });
    await client.get(uploaded.id);
    const sent = requests.length + 4;

    // The line is written after the response: give the runtime a moment.
    let lines: string[] = [];
    for (let i = 0; i < 20 && lines.length < sent; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      lines = (await readLog()).slice(before);
    }
    expect(lines, lines.join('\n')).toHaveLength(sent);
    for (const line of lines) {
      expect(line).not.toContain(marker);
      expect(line).toMatch(/\b(GET|POST|PUT|PATCH|DELETE)\b/);
    }
  });

  it('keeps no file name in storage keys', async () => {
    const marker = `Kq${randomBytes(6).toString('hex')}`;
    const client = await Client.as(newTenant('keys'), 'provider-1', 'provider');
    const file = await client.createFile(`${marker} Befund.pdf`, pdf(marker), { ownerId: 'patient-1', description: marker });
    expectStatus(await client.patch(file.id, { originalName: `${marker} renamed.pdf` }), 200);
    const paths = await filesUnder(inject('e2eDataDir'));
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      expect(path).not.toContain(marker);
      expect(path).not.toContain('Befund');
    }
  });
});

describe('a runtime of its own', () => {
  it('generates a JWT secret when none is set and keeps it, and the data, across a restart on a given PORT; SIGTERM stops its storage servers too', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'medfiles-e2e-runtime-'));
    const dataDir = join(workDir, 'data');
    const port = String(await freePort());
    let first: Runtime | undefined;
    try {
      // Configurable: the public origin of links and their lifetime (2 s here, to see a link expire for real).
      first = await startRuntime({ dataDir, port, env: { MEDFILES_PUBLIC_URL: 'https://files.example.test', MEDFILES_DOWNLOAD_URL_TTL_SECONDS: '2' } });
      expect(first.url).toBe(`http://127.0.0.1:${port}`);
      const tokens = demoTokens(first.output);
      const storage = first.output.find((l) => l.includes('storage:'));
      expect(storage, first.output.join('\n')).toBeDefined();
      const storagePorts = [...storage!.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
      expect(storagePorts).toHaveLength(2);

      const upload = await call(`${first.url}/v1/files`, {
        method: 'POST',
        token: tokens.provider,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ files: [{ name: 'persist.pdf', contents: pdf('persist').toString('base64') }] }),
      });
      expectStatus(upload, 201);
      const id = upload.json<{ files: FileBody[] }>().files[0]!.id;

      const meta = await call(`${first.url}/v1/files/${id}`, { token: tokens.provider });
      expectStatus(meta, 200);
      const { downloadUrl, downloadUrlExpiresAt } = meta.json<FileBody>();
      const link = new URL(downloadUrl!);
      expect(link.origin).toBe('https://files.example.test');
      const local = `${first.url}${link.pathname}${link.search}`;
      expectStatus(await call(local), 200);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(downloadUrlExpiresAt!) - Date.now()) + 1100));
      expectError(await call(local), 401, 'unauthorized');
      // A token signed with some other secret is refused: the runtime really uses its own.
      expectError(await call(`${first.url}/v1/files`, { token: (await Client.as('demo', 'x', 'admin')).token }), 401, 'unauthorized');

      await first.stop();
      expect(await first.exited).toBe(0);
      for (const p of [Number(port), ...storagePorts]) expect(await accepts(p), `port ${p} still open after SIGTERM`).toBe(false);

      first = await startRuntime({ dataDir, port });
      expect(first.url).toBe(`http://127.0.0.1:${port}`);
      const again = await call(`${first.url}/v1/files/${id}/content`, { token: tokens.provider });
      expectStatus(again, 200);
      expect(again.bytes.equals(pdf('persist'))).toBe(true);
    } finally {
      await first?.stop();
      await rm(workDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('external storage', () => {
  it('uses the S3 and DynamoDB endpoints it is given, creates its bucket and table, and leaves those servers running', async () => {
    // The last one: the runtime may have been restarted (see local-api-setup.ts).
    const storage = (await readLog()).findLast((l) => l.includes('storage:'));
    expect(storage).toBeDefined();
    const [s3, dynamodb] = [...storage!.matchAll(/http:\/\/127\.0\.0\.1:\d+/g)].map((m) => m[0]);
    const workDir = await mkdtemp(join(tmpdir(), 'medfiles-e2e-external-'));
    const suffix = randomBytes(4).toString('hex');
    let runtime: Runtime | undefined;
    try {
      runtime = await startRuntime({
        dataDir: join(workDir, 'data'),
        jwtSecret: inject('e2eJwtSecret'),
        env: {
          AWS_ENDPOINT_URL_S3: s3!,
          AWS_ENDPOINT_URL_DYNAMODB: dynamodb!,
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
          MEDFILES_BUCKET: `e2e-external-${suffix}`,
          MEDFILES_TABLE: `e2e-external-${suffix}`,
        },
      });
      expect(runtime.output.find((l) => l.includes('storage:')), runtime.output.join('\n')).toMatch(/external/);
      const client = await Client.as(newTenant('external'), 'provider-1', 'provider');
      const bytes = pdf('external');
      const upload = await call(`${runtime.url}/v1/files`, {
        method: 'POST',
        token: client.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ files: [{ name: 'external.pdf', contents: bytes.toString('base64') }] }),
      });
      expectStatus(upload, 201);
      const id = upload.json<{ files: FileBody[] }>().files[0]!.id;
      const content = await call(`${runtime.url}/v1/files/${id}/content`, { token: client.token });
      expectStatus(content, 200);
      expect(content.bytes.equals(bytes)).toBe(true);
      // Its own bucket and table: the main runtime does not know the file.
      expectError(await client.get(id), 404, 'not_found');
    } finally {
      await runtime?.stop();
      await rm(workDir, { recursive: true, force: true });
    }
    // Stopping it did not stop the servers it was only using.
    expectStatus(await call('/v1/files', { token: (await Client.as(newTenant('after'), 'p', 'provider')).token }), 200);
    const client = await Client.as(newTenant('after-upload'), 'provider-1', 'provider');
    expectStatus(await client.uploadJson([{ name: 'still.pdf', contents: pdf('still') }]), 201);
  }, 60_000);
});
