/** `medfiles rm`: archive a file (soft delete), or with `--permanent` (admin) remove it for good. */
import type { Command } from '../command.ts';
import { oneId, parseCommandArgs } from '../usage.ts';

interface RmArgs {
  id: string;
  permanent: boolean;
}

export const rm: Command<RmArgs> = {
  parse(args) {
    const { values, positionals } = parseCommandArgs(args, { permanent: { type: 'boolean' } });
    return { id: oneId('rm', positionals), permanent: values.permanent === true };
  },

  async run({ id, permanent }, { client }) {
    if (permanent) await client.files.deletePermanently(id);
    else await client.files.archive(id);
  },
};
