/**
 * Minimal API Gateway (payload v2) events for unit tests of shared/http/: only what the HTTP shell reads (headers
 * in lower case, as API Gateway gives them; body and its encoding; query and path parameters; request context).
 */
import type { ApiEvent } from '../../shared/http/api.ts';

export interface EventParts {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** When `body` is a string: whether it is base64 already. A Buffer body is always sent as base64. */
  isBase64Encoded?: boolean;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  requestId?: string;
  domainName?: string;
}

export function apiEvent(parts: EventParts = {}): ApiEvent {
  const binary = Buffer.isBuffer(parts.body);
  const domainName = parts.domainName ?? 'a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com';
  return {
    version: '2.0',
    routeKey: 'POST /v1/files',
    rawPath: '/v1/files',
    rawQueryString: new URLSearchParams(parts.query ?? {}).toString(),
    headers: parts.headers ?? {},
    queryStringParameters: parts.query,
    pathParameters: parts.pathParameters,
    body: binary ? (parts.body as Buffer).toString('base64') : (parts.body as string | undefined),
    isBase64Encoded: binary || (parts.isBase64Encoded ?? false),
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName,
      domainPrefix: 'a1b2c3d4e5',
      http: { method: 'POST', path: '/v1/files', protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'unit' },
      requestId: parts.requestId ?? 'req-unit-1',
      routeKey: 'POST /v1/files',
      stage: '$default',
      time: '22/Nov/2026:15:04:05 +0000',
      timeEpoch: 1795359845123,
    },
  };
}

export interface FormPart {
  /** The part's name; `file` for files. */
  name: string;
  value: string | Uint8Array;
  /** Makes the part a file with this name. */
  filename?: string;
  type?: string;
}

/** A multipart/form-data request encoded as a browser would (web FormData), with a base64 body. */
export async function multipartEvent(parts: FormPart[], extra: EventParts = {}): Promise<ReturnType<typeof apiEvent>> {
  const form = new FormData();
  for (const p of parts) {
    if (p.filename === undefined && typeof p.value === 'string') form.append(p.name, p.value);
    else form.append(p.name, new Blob([Buffer.from(p.value)], { type: p.type ?? '' }), p.filename ?? 'blob');
  }
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  return apiEvent({ ...extra, headers: { 'content-type': encoded.headers.get('content-type')!, ...extra.headers }, body });
}
