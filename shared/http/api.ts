/**
 * The HTTP shell every route handler shares (middy): one log line per request, error rendering last in the chain,
 * bearer authentication through the Authenticator port the handler passes in, and the response shape; around it,
 * what every invocation gets (shared/observability/invocation.ts). Handlers return `ApiResult`s and throw
 * domain errors.
 */
import middy, { type Request } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { observed } from '../observability/invocation.ts';
import { errorName } from '../observability/log-fields.ts';
import { logger } from '../observability/logger.ts';
import { AppError, type FieldIssue } from '../domain/errors.ts';
import type { Caller } from '../domain/file.ts';
import type { Authenticator } from '../domain/ports.ts';
import { routes } from '../routes.ts';
import { requestOrigin } from './request.ts';

export type ApiEvent = APIGatewayProxyEventV2;

export interface ApiResult {
  status: number;
  body?: unknown;
  /** Raw bytes instead of JSON. */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
}

export interface RequestScope {
  event: ApiEvent;
  /** The verified caller, with where the request came from (for the audit trail). */
  caller: Caller;
  requestId: string;
}

const BASE_HEADERS = { 'x-content-type-options': 'nosniff' };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { status, body, headers };
}

function render(result: ApiResult, requestId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { ...BASE_HEADERS, 'x-request-id': requestId };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = v;
  if (result.bytes) {
    return { statusCode: result.status, headers, body: Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength).toString('base64'), isBase64Encoded: true };
  }
  if (result.body === undefined) return { statusCode: result.status, headers };
  headers['content-type'] ??= 'application/json; charset=utf-8';
  headers['cache-control'] ??= 'no-store';
  return { statusCode: result.status, headers, body: JSON.stringify(result.body) };
}

/** An error body lists at most this many details (a body of 100,000 bad values must not answer megabytes). */
const MAX_DETAILS = 100;

function cappedDetails(details: readonly FieldIssue[]): FieldIssue[] {
  if (details.length <= MAX_DETAILS) return [...details];
  return [...details.slice(0, MAX_DETAILS), { path: '', message: `and ${details.length - MAX_DETAILS} more issues not listed` }];
}

export function errorResult(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  const known = error instanceof AppError && error.expose ? error : undefined;
  return render(
    {
      status: known?.status ?? 500,
      headers: known?.headers,
      body: {
        error: {
          code: known?.code ?? 'internal',
          message: known?.message ?? 'Internal error',
          details: cappedDetails(known?.details ?? []),
          requestId,
        },
      },
    },
    requestId,
  );
}

const requestIdOf = (event: ApiEvent | undefined): string => event?.requestContext?.requestId ?? 'unknown';

const functionNames = new Map(routes.map((route) => [`${route.method} ${route.path}`, route.name]));

/** The route's entry in shared/routes.ts, from the route key API Gateway sends (`GET /v1/files/{id}`). */
const identify = (event: ApiEvent) => ({ function: functionNames.get(event.routeKey) ?? 'unknown', requestId: requestIdOf(event) });

type ApiRequest = Request<ApiEvent, APIGatewayProxyStructuredResultV2, Error, Context, { startedAt: number }>;

/**
 * One line per request, once its answer is rendered: method, status, duration, the error code of a 4xx; a 5xx is
 * an ERROR line with the error's class. Never the path, the query, a header or the body.
 */
function logRequest({ event, response, error, internal }: ApiRequest): void {
  const status = response?.statusCode ?? 500;
  const fields = {
    method: event?.requestContext?.http?.method,
    status,
    durationMs: Math.round(performance.now() - internal.startedAt),
  };
  if (status >= 500) logger.error('request failed', { ...fields, error: errorName(error) });
  else logger.info('request', { ...fields, code: error instanceof AppError ? error.code : undefined });
}

function wrap(fn: (event: ApiEvent, requestId: string) => Promise<ApiResult>) {
  const handler = middy<ApiEvent, APIGatewayProxyStructuredResultV2, Error, Context, { startedAt: number }>()
    .use({
      before: (request) => {
        request.internal.startedAt = performance.now();
      },
      after: logRequest,
      onError: logRequest,
    })
    .use({
      // onError handlers run last-registered first: this renders whatever was thrown, then the request log sees it.
      onError: async (request) => {
        request.response = errorResult(request.error, requestIdOf(request.event));
      },
    })
    .handler(async (event) => {
      const requestId = requestIdOf(event);
      return render(await fn(event, requestId), requestId);
    });
  return observed(identify, handler);
}

/** A route that needs a valid bearer token: `auth` names the caller (401 otherwise) before `fn` runs. */
export function apiHandler(auth: Authenticator, fn: (scope: RequestScope) => Promise<ApiResult>) {
  return wrap(async (event, requestId) => {
    const caller = await auth.authenticate(event.headers?.authorization);
    return fn({ event, caller: { ...caller, origin: requestOrigin(event, requestId) }, requestId });
  });
}

/** A route that authenticates on its own terms (or not at all), e.g. health or signed content links. */
export function publicHandler(fn: (scope: { event: ApiEvent; requestId: string }) => Promise<ApiResult>) {
  return wrap((event, requestId) => fn({ event, requestId }));
}
