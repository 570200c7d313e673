/**
 * WebhookSender on node:http/https, and the DNS HostResolver used when webhooks are registered.
 *
 * One POST per attempt, on a fresh connection (`agent: false`), with a hard timeout over the whole exchange.
 * Redirects are never followed (node:http does not follow them; a 3xx is a failed attempt). When private targets
 * are not allowed, the address is checked at connection time, not only at registration: an IP literal is
 * classified before connecting, and a host name goes through a `lookup` that drops every address that is not
 * public, so a name that later resolves to 127.0.0.1 or 169.254.169.254 (DNS rebinding) is never reached.
 * Response bodies are drained and discarded, never read into an error message.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AttemptResult } from '../domain/webhooks/delivery-rules.ts';
import type { DeliveryRequest, WebhookSender } from '../domain/webhooks/ports.ts';
import { classifyAddress, isAllowedTarget, targetHost } from '../domain/webhooks/targets.ts';

export const TARGET_NOT_ALLOWED = 'target address not allowed';
const USER_AGENT = 'MedFiles-Webhooks/1.0';
/** More response than this is not worth reading: the status is all that counts. */
const MAX_DRAIN_BYTES = 64 * 1024;

class TargetNotAllowedError extends Error {
  readonly code = 'ETARGETNOTALLOWED';
}

/**
 * A socket `lookup` that resolves like the default one but yields only addresses `allowed` accepts, and fails
 * with "target address not allowed" when none is left. Answers both forms sockets ask for: one address, or all
 * of them (`all: true`, which Node's happy-eyeballs connect uses).
 */
export function lookupAllowing(allowed: (address: string) => boolean): LookupFunction {
  return ((hostname: string, options: LookupAllOptions | Record<string, unknown>, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...(options as object), all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const usable = addresses.filter((a) => allowed(a.address));
      if (usable.length === 0) return callback(new TargetNotAllowedError(TARGET_NOT_ALLOWED));
      if ((options as { all?: boolean }).all) return callback(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  }) as unknown as LookupFunction;
}

const publicOnlyLookup = lookupAllowing(isAllowedTarget);

export interface HttpWebhookSenderOptions {
  /** Whole attempt: connect, send, response headers. */
  timeoutMs: number;
  allowPrivateTargets: boolean;
}

export class HttpWebhookSender implements WebhookSender {
  constructor(private readonly options: HttpWebhookSenderOptions) {}

  send(request: DeliveryRequest): Promise<AttemptResult> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve(failure('invalid target URL'));
    }
    const literal = classifyAddress(targetHost(request.url));
    if (!this.options.allowPrivateTargets && literal !== null && literal !== 'public') {
      return Promise.resolve(failure(TARGET_NOT_ALLOWED));
    }

    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: AttemptResult) => {
        if (!settled) {
          settled = true;
          resolve(result);
        }
      };
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, {
        method: 'POST',
        agent: false,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)), 'user-agent': USER_AGENT },
        lookup: this.options.allowPrivateTargets ? undefined : publicOnlyLookup,
      });
      // One timer for the whole exchange; after the status is known it only bounds the drain of the body.
      const timer = setTimeout(() => {
        settle(failure(`timeout after ${Math.round(this.options.timeoutMs / 100) / 10} s`));
        req.destroy();
      }, this.options.timeoutMs);

      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) settle({ ok: true, statusCode: status });
        else if (status >= 300 && status < 400) settle({ ok: false, statusCode: status, error: 'redirect not followed', transport: false });
        else settle({ ok: false, statusCode: status, error: `receiver answered ${status}`, transport: false });
        let drained = 0;
        res.on('data', (chunk: Buffer) => {
          drained += chunk.length;
          if (drained > MAX_DRAIN_BYTES) req.destroy();
        });
        res.on('error', () => undefined);
        res.on('close', () => clearTimeout(timer));
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        settle(failure(describe(error)));
      });
      req.on('close', () => clearTimeout(timer));
      req.end(request.body);
    });
  }
}

function failure(error: string): AttemptResult {
  return { ok: false, statusCode: null, error, transport: true };
}

/** A short, fixed description: never the error's message, which may echo a host name or response text. */
function describe(error: Error & { code?: string }): string {
  if (error instanceof TargetNotAllowedError || error.code === 'ETARGETNOTALLOWED') return TARGET_NOT_ALLOWED;
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return 'host not found';
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'host unreachable';
    default:
      if (/TLS|SSL|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(error.code ?? '')) return 'TLS error';
      return 'connection failed';
  }
}
