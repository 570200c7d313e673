/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0): matches a request against the route
 * table, turns it into the same event API Gateway would send, invokes the same handler module Lambda runs,
 * and writes the handler's result back. One log line per request: method, route, status, milliseconds.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { corsHeaders } from '../shared/http/cors.ts';
import type { RouteDef } from '../shared/routes.ts';

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalRoute {
  def: RouteDef;
  handler: LambdaHandler;
}

/** API Gateway refuses larger requests; Lambda's own limit is 6 MB. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|merge-patch\+json|x-www-form-urlencoded|xml)\b)/i;

interface CompiledRoute extends LocalRoute {
  pattern: RegExp;
  params: string[];
}

function compile(route: LocalRoute): CompiledRoute {
  const params: string[] = [];
  const source = route.def.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a, b) => {
    params.push(a ?? b);
    return '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), params };
}

function errorBody(status: number, code: string, message: string, requestId: string) {
  return { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ error: { code, message, details: [], requestId } }) };
}

function lambdaContext(route: RouteDef, requestId: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `medfiles-${route.name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:medfiles-${route.name}`,
    memoryLimitInMB: String(route.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/medfiles-${route.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Past this the connection is closed rather than read to its end. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * The whole body, or 'too-large'. An oversize body is still read to its end (up to a bound) so the 413 reaches
 * a client that is still sending, instead of a connection reset.
 */
async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk as Buffer);
    else if (size > MAX_DRAIN_BYTES) break;
  }
  return size > MAX_REQUEST_BYTES ? 'too-large' : Buffer.concat(chunks);
}

const decodeSegment = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    // API Gateway would not route a malformed escape; here the raw text reaches the handler, which refuses it.
    return segment;
  }
};

const VALID_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

function toEvent(req: IncomingMessage, url: URL, route: CompiledRoute, match: RegExpExecArray, body: Buffer, requestId: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-forwarded-proto'] ??= 'http';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const pathParameters: Record<string, string> = {};
  route.params.forEach((name, i) => {
    pathParameters[name] = decodeSegment(match[i + 1]!);
  });
  const contentType = headers['content-type'] ?? '';
  // Text goes as a string, as API Gateway sends it; bytes that are not valid UTF-8 go as base64 so they arrive intact.
  const isText = body.length === 0 || (TEXT_TYPES.test(contentType) && isUtf8(body));
  const now = new Date();
  const routeKey = `${route.def.method} ${route.def.path}`;
  // API Gateway's domainName is its own; never a Host header a client made up.
  const domainName = headers.host && VALID_HOST.test(headers.host) ? headers.host : `127.0.0.1:${req.socket.localPort}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie ? req.headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: route.params.length ? pathParameters : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0]!,
      http: {
        method: route.def.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: !isText,
  };
}

function write(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

export interface LocalServerOptions {
  log?: (line: string) => void;
  /** Origins allowed by CORS (MEDFILES_CORS_ORIGINS), answered as API Gateway's CORS settings do. */
  corsOrigins?: readonly string[];
  /** Serves the web console's paths (local/console.ts): the status it answered with, undefined for other paths. */
  console?: (req: IncomingMessage, res: ServerResponse) => Promise<number | undefined>;
}

export function createLocalServer(routes: LocalRoute[], options: LocalServerOptions = {}): Server {
  const compiled = routes.map(compile);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  return createServer(async (req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    let routeName = 'unmatched';
    let result: APIGatewayProxyStructuredResultV2;
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const cors = options.corsOrigins ?? [];
    const consoleStatus = await options.console?.(req, res);
    if (consoleStatus !== undefined) {
      log(`${req.method} /console ${consoleStatus} ${Math.round(performance.now() - started)}ms`);
      return;
    }
    // A preflight is answered by API Gateway itself, for any path: 204, with CORS headers for an allowed origin.
    if (req.method === 'OPTIONS' && cors.length > 0 && req.headers['access-control-request-method'] !== undefined) {
      await readBody(req);
      write(res, { statusCode: 204, headers: corsHeaders(cors, origin, true) });
      log(`OPTIONS preflight 204 ${Math.round(performance.now() - started)}ms`);
      return;
    }
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const candidates = compiled.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).filter((c) => c.m);
      const hit = candidates.find((c) => c.r.def.method === req.method);
      if (!hit) {
        await readBody(req);
        result = errorBody(404, 'not_found', 'No such route', requestId);
      } else {
        routeName = hit.r.def.path;
        const body = await readBody(req);
        if (body === 'too-large') {
          result = errorBody(413, 'payload_too_large', 'Requests are limited to 6 MB; upload larger files with POST /v1/uploads', requestId);
          result.headers = { ...result.headers, connection: 'close' };
        } else {
          const deadline = Date.now() + hit.r.def.timeoutSeconds * 1000;
          const event = toEvent(req, url, hit.r, hit.m!, body, requestId);
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<APIGatewayProxyStructuredResultV2>((resolve) => {
            timer = setTimeout(() => resolve(errorBody(504, 'internal', 'The function timed out', requestId)), deadline - Date.now());
          });
          result = await Promise.race([hit.r.handler(event, lambdaContext(hit.r.def, requestId, deadline)), timeout]);
          clearTimeout(timer);
        }
      }
    } catch {
      result = errorBody(500, 'internal', 'Internal error', requestId);
    }
    result.headers = { ...result.headers, ...corsHeaders(cors, origin, false) };
    write(res, result);
    log(`${req.method} ${routeName} ${result.statusCode ?? 200} ${Math.round(performance.now() - started)}ms`);
  });
}
