/**
 * The web console on the API's origin, as `npm start` serves it: /console/ is console/dist (built by
 * `npm run console:build`), and /console/config.json tells the app to use this origin's API and offers the demo
 * users' tokens, which only the local runtime has. Every answer carries the console's security headers
 * (console/security-headers.ts, the same ones the deployed hosting sends).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { consoleSecurityHeaders } from '../console/security-headers.ts';
import type { DemoRole } from './demo-tokens.ts';

const DIST = fileURLToPath(new URL('../console/dist/', import.meta.url));
const PREFIX = '/console';

/** The built files, by their path under /console/. */
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

export interface ConsoleServingOptions {
  /** Where signed links and direct uploads point (the S3 endpoint), for the Content-Security-Policy. */
  storageOrigins: readonly string[];
  /** Asked at each config.json request, so the buttons' tokens never run out while the runtime runs. */
  demoTokens: () => Promise<Record<DemoRole, string>>;
  /** The token claims that hold the tenant and the role (MEDFILES_CLAIM_TENANT, MEDFILES_CLAIM_ROLE). */
  claims: { tenantClaim: string; roleClaim: string };
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A request from this machine to this machine by a loopback name. A web page elsewhere cannot read config.json
 * (no CORS), but one whose DNS name has been re-pointed at 127.0.0.1 (DNS rebinding) would be same-origin with
 * it: its Host header still names it, so it gets no demo tokens.
 */
function fromLoopback(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '') && LOOPBACK_HOSTS.has(host);
}

/** Origins the console is opened from, for the local bucket's CORS rule (direct uploads go from there). */
export function consoleOrigins(host: string, port: number): string[] {
  if (port === 0) return [];
  return host === '127.0.0.1' ? [`http://127.0.0.1:${port}`, `http://localhost:${port}`] : [`http://${host}:${port}`];
}

/**
 * A request handler for /console and below; resolves to the status it answered with, or undefined for any
 * other path (the API's).
 */
export function serveConsole(options: ConsoleServingOptions): (req: IncomingMessage, res: ServerResponse) => Promise<number | undefined> {
  const headers = { ...consoleSecurityHeaders({ apiOrigin: '', storageOrigins: options.storageOrigins }), 'cache-control': 'no-cache' };
  const answer = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
    return status;
  };

  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) return undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'text/plain; charset=utf-8', 'Method not allowed', { allow: 'GET, HEAD' });
    // Relative URLs in index.html need the trailing slash.
    if (path === PREFIX) return answer(res, 301, 'text/plain; charset=utf-8', '', { location: `${PREFIX}/` });
    const rest = path.slice(PREFIX.length);
    if (rest === '/config.json') {
      const config = { apiUrl: '', ...options.claims, ...(fromLoopback(req) ? { demoTokens: await options.demoTokens() } : {}) };
      return answer(res, 200, 'application/json; charset=utf-8', JSON.stringify(config), { 'cache-control': 'no-store' });
    }
    const entry = STATIC[rest];
    if (!entry) return answer(res, 404, 'text/plain; charset=utf-8', 'Not found');
    try {
      return answer(res, 200, entry.type, await readFile(`${DIST}${entry.file}`));
    } catch {
      return answer(res, 503, 'text/plain; charset=utf-8', 'The console is not built: run npm run console:build');
    }
  };
}
