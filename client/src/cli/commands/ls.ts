/** `medfiles ls`: the caller's files as JSON lines, every page, or at most `--limit` files. */
import type { FileQuery } from '../../index.ts';
import { printJson, type Command } from '../command.ts';
import { parseCommandArgs, positiveInteger, UsageError } from '../usage.ts';

/** The API's largest page. */
const MAX_PAGE = 100;

interface LsArgs {
  query: FileQuery;
  limit?: number;
}

export const ls: Command<LsArgs> = {
  parse(args) {
    const { values, positionals } = parseCommandArgs(args, {
      owner: { type: 'string' },
      category: { type: 'string' },
      state: { type: 'string' },
      limit: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`ls takes no arguments (got ${positionals.length})`);
    const limit = positiveInteger('--limit', values.limit);
    // Category and state go to the API as given: it checks them and names the allowed values (422, exit 1).
    const query: FileQuery = {
      ...(values.owner !== undefined && { ownerId: values.owner }),
      ...(values.category !== undefined && { category: values.category as FileQuery['category'] }),
      ...(values.state !== undefined && { state: values.state as FileQuery['state'] }),
      ...(limit !== undefined && { limit: Math.min(limit, MAX_PAGE) }),
    };
    return { query, limit };
  },

  async run({ query, limit }, { client, stdout }) {
    let printed = 0;
    for await (const file of client.files.list(query)) {
      printJson(stdout, file);
      if (++printed === limit) return;
    }
  },
};
