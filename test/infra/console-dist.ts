/**
 * A stand-in for console/dist (which `npm run console:build` makes and tests must not depend on): the three files
 * the hosting deploys, plus a config.json with demo tokens like the local runtime's, which must never ship.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const FIXTURE_INDEX_HTML =
  '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>MedFiles Console</title>\n' +
  '<link rel="stylesheet" href="app.css">\n<script type="module" src="app.js"></script>\n</head>\n<body></body>\n</html>\n';

/** A new directory shaped like console/dist. */
export function consoleDistFixture(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'medfiles-console-dist-'));
  writeFileSync(path.join(dir, 'index.html'), FIXTURE_INDEX_HTML);
  writeFileSync(path.join(dir, 'app.js'), 'document.title;\n');
  writeFileSync(path.join(dir, 'app.css'), 'body{margin:0}\n');
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ apiUrl: '', demoTokens: { admin: 'local-only' } }));
  return dir;
}
