/**
 * `medfiles get <id> [-o PATH] [--force]`: downloads a file's content and keeps it only once its SHA-256 matches
 * the one the API recorded. Without `-o` (or with `-o` naming a directory) the file gets its stored name, which
 * another user chose: only its last segment is used, without leading dots (`../x` becomes `x`, `.bashrc`
 * `bashrc`), and an existing file of that name is left alone unless `--force` is given. A path `-o` names exactly
 * is replaced. Prints one JSON line `{ id, path, size, sha256 }`.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { printJson, type Command } from '../command.ts';
import { oneId, parseCommandArgs } from '../usage.ts';
import { pathExists, saveVerified, targetExists } from '../verified-download.ts';

interface GetArgs {
  id: string;
  output?: string;
  force: boolean;
}

export const get: Command<GetArgs> = {
  parse(args) {
    const { values, positionals } = parseCommandArgs(args, { output: { type: 'string', short: 'o' }, force: { type: 'boolean' } });
    return { id: oneId('get', positionals), output: values.output, force: values.force === true };
  },

  async run({ id, output, force }, { client, stdout, signal }) {
    const file = await client.files.get(id);
    const target = await targetPath(output, localName(file.originalName, file.id));
    const replace = force || target.named;
    // Checked before any byte is fetched; saving checks again without a window (see saveVerified).
    if (!replace && (await pathExists(target.path))) throw targetExists(target.path);
    const response = await client.files.content(id, { download: true, signal });
    const size = await saveVerified(response.body!, target.path, file, { replace, signal });
    printJson(stdout, { id: file.id, path: target.path, size, sha256: file.sha256 });
  },
};

/** A stored name as a local file name: its last segment (either separator), no leading dots; else the file id. */
export function localName(storedName: string, fileId: string): string {
  return storedName.split(/[\\/]/).pop()!.replace(/^\.+/, '') || fileId;
}

/** `-o` as given (`named`: the user chose this exact path), or `name` in `-o`'s directory or the working directory. */
async function targetPath(output: string | undefined, name: string): Promise<{ path: string; named: boolean }> {
  if (output === undefined) return { path: resolve(name), named: false };
  const isDirectory = await stat(output).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDirectory ? { path: resolve(join(output, name)), named: false } : { path: resolve(output), named: true };
}
