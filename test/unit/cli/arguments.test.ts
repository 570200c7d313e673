/** Every command's arguments: what they become, and what is bad usage (exit 2, before any request). */
import { describe, expect, it } from 'vitest';
import { get, localName } from '../../../client/src/cli/commands/get.ts';
import { ls } from '../../../client/src/cli/commands/ls.ts';
import { rm } from '../../../client/src/cli/commands/rm.ts';
import { upload } from '../../../client/src/cli/commands/upload.ts';
import { run } from '../../../client/src/cli/run.ts';
import { readSettings } from '../../../client/src/cli/settings.ts';
import { UsageError } from '../../../client/src/cli/usage.ts';

describe('upload', () => {
  it('maps the options to the upload metadata', () => {
    const args = upload.parse(['a.pdf', 'b.png', '--owner', 'p-1', '--category', 'lab_result', '--record-type', 'medical', '--description', 'x', '--expires', '3600', '--request', 'r-1']);
    expect(args).toEqual({
      paths: ['a.pdf', 'b.png'],
      metadata: { ownerId: 'p-1', category: 'lab_result', recordType: 'medical', description: 'x', expiryInterval: 3600, fileRequestId: 'r-1' },
    });
    expect(upload.parse(['a.pdf'])).toEqual({ paths: ['a.pdf'], metadata: {} });
  });

  it.each([[[]], [['a.pdf', '--expires', '0']], [['a.pdf', '--expires', '1.5']], [['a.pdf', '--expires']], [['a.pdf', '--colour', 'red']], [['a.pdf', '-x']]])(
    'refuses %j',
    (args) => expect(() => upload.parse(args)).toThrow(UsageError),
  );
});

describe('ls', () => {
  it('pages at most 100 at a time and stops at --limit', () => {
    expect(ls.parse(['--limit', '250', '--owner', 'p-1', '--state', 'all', '--category', 'imaging'])).toEqual({
      query: { ownerId: 'p-1', category: 'imaging', state: 'all', limit: 100 },
      limit: 250,
    });
    expect(ls.parse(['--limit', '3'])).toEqual({ query: { limit: 3 }, limit: 3 });
    expect(ls.parse([])).toEqual({ query: {}, limit: undefined });
  });

  it.each([[['x']], [['--limit', '0']], [['--limit', 'ten']], [['--sort', 'size']]])('refuses %j', (args) => expect(() => ls.parse(args)).toThrow(UsageError));
});

describe('get and rm', () => {
  it('take exactly one id', () => {
    expect(get.parse(['id-1', '-o', 'out.pdf'])).toEqual({ id: 'id-1', output: 'out.pdf', force: false });
    expect(get.parse(['--output', 'out.pdf', 'id-1', '--force'])).toEqual({ id: 'id-1', output: 'out.pdf', force: true });
    expect(get.parse(['id-1'])).toEqual({ id: 'id-1', output: undefined, force: false });
    expect(rm.parse(['id-1'])).toEqual({ id: 'id-1', permanent: false });
    expect(rm.parse(['id-1', '--permanent'])).toEqual({ id: 'id-1', permanent: true });
    for (const args of [[], ['a', 'b']]) {
      expect(() => get.parse(args)).toThrow(UsageError);
      expect(() => rm.parse(args)).toThrow(UsageError);
    }
    expect(() => rm.parse(['id-1', '--permanent=yes'])).toThrow(UsageError);
  });
});

describe('get: a stored name (chosen by whoever uploaded it) as a local file name', () => {
  it.each([
    ['scan.pdf', 'scan.pdf'],
    ['../x', 'x'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\x.pdf', 'x.pdf'],
    ['/abs/path/y.pdf', 'y.pdf'],
    ['.bashrc', 'bashrc'],
    ['...hidden.txt', 'hidden.txt'],
    ['..', 'file-1'],
    ['dir/', 'file-1'],
  ])('%j becomes %j', (stored, local) => expect(localName(stored, 'file-1')).toBe(local));
});

describe('settings', () => {
  it('needs an http(s) MEDFILES_URL; the state directory defaults to ~/.medfiles', () => {
    expect(() => readSettings({})).toThrow(UsageError);
    expect(() => readSettings({ MEDFILES_URL: 'ftp://x' })).toThrow(UsageError);
    expect(() => readSettings({ MEDFILES_URL: 'not a url' })).toThrow(UsageError);
    const settings = readSettings({ MEDFILES_URL: 'http://127.0.0.1:3000/', MEDFILES_TOKEN: 't' });
    expect(settings).toMatchObject({ baseUrl: 'http://127.0.0.1:3000', token: 't' });
    expect(settings.stateDir).toMatch(/\.medfiles$/);
    expect(readSettings({ MEDFILES_URL: 'http://x', MEDFILES_STATE_DIR: '/tmp/s' }).stateDir).toBe('/tmp/s');
  });
});

describe('run', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: {
        env: {},
        stdout: { write: (t: string) => (out.stdout += t) },
        stderr: { write: (t: string) => (out.stderr += t) },
        signal: new AbortController().signal,
      },
    };
  };

  it('exits 2 with the usage for an unknown command, no command, or no MEDFILES_URL', async () => {
    for (const argv of [['frobnicate'], [], ['ls']]) {
      const { out, io: streams } = io();
      expect(await run(argv, streams)).toBe(2);
      expect(out.stderr).toContain('usage: medfiles <command>');
      expect(out.stdout).toBe('');
    }
  });

  it('prints the usage on stdout for --help and exits 0', async () => {
    const { out, io: streams } = io();
    expect(await run(['--help'], streams)).toBe(0);
    expect(out.stdout).toContain('medfiles upload <path>...');
  });
});
