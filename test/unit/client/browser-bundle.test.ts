/**
 * What a browser app gets from the built package (`npm test` builds it first): no Node built-ins by either
 * route a bundler may take (the `browser` export, or `#open-path` resolved without the `node` condition), and a
 * small size. Measured: about 15 KB minified, 5.5 KB gzipped.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const MAX_GZIPPED_BYTES = 8 * 1024;

/** Bundles `source` for browsers as an app bundler would, minified. */
async function browserBundle(source: string, conditions?: string[]): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    ...(conditions ? { conditions } : {}),
  });
  return result.outputFiles[0]!.text;
}

describe('the browser build', () => {
  it('the `browser` export is self-contained, free of Node built-ins and globals, and small', async () => {
    const code = await browserBundle("export * from '@medfiles/client';");
    expect(code).not.toMatch(/\bnode:|\brequire\(|\bBuffer\b|\bprocess\./);
    expect(code).toContain('Paths can only be uploaded in Node');
    expect(gzipSync(code).length).toBeLessThan(MAX_GZIPPED_BYTES);
  });

  it('dist/index.js bundled without the `browser` condition still takes the browser path opener', async () => {
    const code = await browserBundle("export * from './client/dist/index.js';", ['import']);
    expect(code).not.toMatch(/\bnode:|openAsBlob/);
  });
});
