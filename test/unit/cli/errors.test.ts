/** What a failure prints and which exit status it gives. */
import { describe, expect, it } from 'vitest';
import { MedFilesError } from '../../../client/src/errors.ts';
import { CliError, reportError } from '../../../client/src/cli/errors.ts';
import { UsageError } from '../../../client/src/cli/usage.ts';

function report(error: unknown): { status: number; text: string } {
  let text = '';
  const status = reportError(error, { write: (t: string) => (text += t) });
  return { status, text };
}

describe('reportError', () => {
  it('prints the API error code, message and requestId, exit 1', () => {
    const { status, text } = report(new MedFilesError({ status: 404, code: 'not_found', message: 'File not found', requestId: 'req-1' }));
    expect(status).toBe(1);
    expect(text).toBe('error: not_found: File not found (requestId req-1)\n');
  });

  it('lists every offending field of a 422 under the error line', () => {
    const error = new MedFilesError({ status: 422, code: 'validation_error', message: 'Invalid query', requestId: 'req-2', details: [{ path: 'state', message: 'must be active, archived or all' }] });
    expect(report(error).text).toBe('error: validation_error: Invalid query (requestId req-2)\n  state: must be active, archived or all\n');
  });

  it('reports a network failure (no answer, no requestId) as exit 1', () => {
    const { status, text } = report(new MedFilesError({ status: 0, code: 'network_error', message: 'GET /v1/files failed: connect ECONNREFUSED' }));
    expect(status).toBe(1);
    expect(text).toBe('error: network_error: GET /v1/files failed: connect ECONNREFUSED\n');
  });

  it('prints the usage for bad usage, exit 2', () => {
    const { status, text } = report(new UsageError('ls takes no arguments'));
    expect(status).toBe(2);
    expect(text).toMatch(/^error: ls takes no arguments\nusage: medfiles <command>/);
  });

  it('reports local failures with their code, exit 1', () => {
    expect(report(new CliError('sha256_mismatch', 'nothing was kept'))).toEqual({ status: 1, text: 'error: sha256_mismatch: nothing was kept\n' });
    const missing = Object.assign(new Error("ENOENT: no such file or directory, stat '/x'"), { code: 'ENOENT' });
    expect(report(missing)).toEqual({ status: 1, text: "error: ENOENT: no such file or directory, stat '/x'\n" });
  });

  it('reports an interruption (Ctrl-C) with exit 1, the contract has no other status for it', () => {
    expect(report(new DOMException('This operation was aborted', 'AbortError'))).toEqual({ status: 1, text: 'interrupted; run the same command again to continue\n' });
  });
});
