/**
 * `medfiles get <id> [-o PATH]`: downloads a file's content and keeps it only once its SHA-256 matches the one
 * the API recorded. Without `-o` (or with `-o` naming a directory) the file keeps its stored name. Prints one
 * JSON line `{ id, path, size, sha256 }`.
 */
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { printJson, type Command } from '../command.ts';
import { oneId, parseCommandArgs } from '../usage.ts';
import { saveVerified } from '../verified-download.ts';

interface GetArgs {
  id: string;
  output?: string;
}

export const get: Command<GetArgs> = {
  parse(args) {
    const { values, positionals } = parseCommandArgs(args, { output: { type: 'string', short: 'o' } });
    return { id: oneId('get', positionals), output: values.output };
  },

  async run({ id, output }, { client, stdout, signal }) {
    const file = await client.files.get(id);
    const target = await targetPath(output, file.originalName);
    const response = await client.files.content(id, { download: true, signal });
    const size = await saveVerified(response.body!, target, file, signal);
    printJson(stdout, { id: file.id, path: target, size, sha256: file.sha256 });
  },
};

/** `-o` as given, or the stored name (its last segment only) in `-o`'s directory or the working directory. */
async function targetPath(output: string | undefined, storedName: string): Promise<string> {
  const name = basename(storedName);
  if (output === undefined) return resolve(name);
  const isDirectory = await stat(output).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDirectory ? resolve(join(output, name)) : resolve(output);
}
