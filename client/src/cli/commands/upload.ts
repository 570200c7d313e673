/**
 * `medfiles upload <path>...`: uploads each file in turn (inline when small, else direct to storage, resumably)
 * and prints each stored File as one JSON line. A progress bar per file on stderr when it is a terminal.
 */
import { basename } from 'node:path';
import { printJson, type Command } from '../command.ts';
import { ProgressBar } from '../progress-bar.ts';
import { uploadResumably } from '../resumable-upload.ts';
import { UploadState, type UploadMetadata } from '../upload-state.ts';
import { parseCommandArgs, positiveInteger, UsageError } from '../usage.ts';

interface UploadArgs {
  paths: string[];
  metadata: UploadMetadata;
}

export const upload: Command<UploadArgs> = {
  parse(args) {
    const { values, positionals } = parseCommandArgs(args, {
      owner: { type: 'string' },
      category: { type: 'string' },
      'record-type': { type: 'string' },
      description: { type: 'string' },
      expires: { type: 'string' },
      request: { type: 'string' },
    });
    if (positionals.length === 0) throw new UsageError('upload needs at least one path');
    const expiryInterval = positiveInteger('--expires', values.expires);
    // Category and record type go to the API as given: it checks them and names the allowed values (exit 1).
    const metadata: UploadMetadata = {
      ...(values.owner !== undefined && { ownerId: values.owner }),
      ...(values.category !== undefined && { category: values.category as UploadMetadata['category'] }),
      ...(values['record-type'] !== undefined && { recordType: values['record-type'] as UploadMetadata['recordType'] }),
      ...(values.description !== undefined && { description: values.description }),
      ...(expiryInterval !== undefined && { expiryInterval }),
      ...(values.request !== undefined && { fileRequestId: values.request }),
    };
    return { paths: positionals, metadata };
  },

  async run({ paths, metadata }, { client, settings, stdout, stderr, signal }) {
    const state = new UploadState(settings.stateDir, settings);
    await state.removeLeftovers();
    const note = (line: string) => stderr.write(`medfiles: ${line}\n`);
    for (const path of paths) {
      const bar = stderr.isTTY ? new ProgressBar(stderr, basename(path)) : undefined;
      try {
        const file = await uploadResumably(path, { client, state, metadata, note, signal, onProgress: bar && ((p) => bar.update(p)) });
        printJson(stdout, file);
      } finally {
        bar?.finish();
      }
    }
  },
};
