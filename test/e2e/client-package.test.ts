/**
 * `npm pack -w @medfiles/client` gives a tarball that installs into an empty project (offline: it has no
 * dependencies) and works from plain Node: import it, call the running API, run its `medfiles` command.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl } from '../support/e2e-client.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

let workDir: string;
let project: string;
let tarball: string;
let packed: { path: string }[];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'medfiles-client-pack-'));
  // `npm test` has just built dist/; --ignore-scripts skips the prepack build.
  const { stdout } = await run('npm', ['pack', '-w', '@medfiles/client', '--ignore-scripts', '--json', '--pack-destination', workDir], { cwd: repoRoot });
  const [result] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(workDir, result!.filename);
  packed = result!.files;
  project = join(workDir, 'app');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: project });
}, 60_000);
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('the packed client', () => {
  it('holds the build, the command, the README and package.json only', () => {
    const paths = packed.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'bin/medfiles.js', 'dist/index.js', 'dist/index.d.ts', 'dist/browser.js', 'dist/cli.js', 'dist/open-path.node.js']),
    );
    expect(paths.filter((p) => !/^(dist\/|bin\/medfiles\.js$|package\.json$|README\.md$)/.test(p))).toEqual([]);
  });

  it('installs with no dependencies and works from plain Node', async () => {
    expect((await readdir(join(project, 'node_modules'))).filter((name) => !name.startsWith('.'))).toEqual(['@medfiles']);
    const script = `
      import { MedFilesClient, MedFilesError, verifyWebhook } from '@medfiles/client';
      const client = new MedFilesClient({ baseUrl: process.argv[1] });
      const health = await client.health();
      const refused = await client.files.listPage().catch((e) => e);
      console.log(JSON.stringify({ health, refused: refused instanceof MedFilesError && refused.code, verify: typeof verifyWebhook }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, baseUrl()], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ health: { status: 'ok' }, refused: 'unauthorized', verify: 'function' });
  });

  it('links the medfiles command', async () => {
    const usage = await run(join(project, 'node_modules', '.bin', 'medfiles'), [], { cwd: project }).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage/) });
  });
});
