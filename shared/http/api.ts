/**
 * The HTTP shell every route handler shares (middy): error rendering last in the chain, bearer
 * authentication through the Authenticator port the handler passes in, and the response shape. Handlers
 * return `ApiResult`s and throw domain errors.
 */
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { AppError } from '../domain/errors.ts';
import type { Caller } from '../domain/file.ts';
import type { Authenticator } from '../domain/ports.ts';

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
  /** The verified caller. */
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

export function errorResult(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  const known = error instanceof AppError && error.expose ? error : undefined;
  if (!known) {
    // Only the error's class reaches the log: messages of SDK errors can echo request data.
    console.error(JSON.stringify({ level: 'ERROR', requestId, error: (error as Error)?.name ?? 'unknown' }));
  }
  return render(
    {
      status: known?.status ?? 500,
      headers: known?.headers,
      body: {
        error: {
          code: known?.code ?? 'internal',
          message: known?.message ?? 'Internal error',
          details: known?.details ?? [],
          requestId,
        },
      },
    },
    requestId,
  );
}

function wrap(fn: (event: ApiEvent, requestId: string) => Promise<ApiResult>) {
  return middy<ApiEvent, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use({
      // First in the chain, so its onError runs last and renders whatever was thrown.
      onError: async (request) => {
        request.response = errorResult(request.error, request.event?.requestContext?.requestId ?? 'unknown');
      },
    })
    .handler(async (event) => {
      const requestId = event.requestContext?.requestId ?? 'unknown';
      return render(await fn(event, requestId), requestId);
    });
}

/** A route that needs a valid bearer token: `auth` names the caller (401 otherwise) before `fn` runs. */
export function apiHandler(auth: Authenticator, fn: (scope: RequestScope) => Promise<ApiResult>) {
  return wrap(async (event, requestId) => {
    const caller = await auth.authenticate(event.headers?.authorization);
    return fn({ event, caller, requestId });
  });
}

/** A route that authenticates on its own terms (or not at all), e.g. health or signed content links. */
export function publicHandler(fn: (scope: { event: ApiEvent; requestId: string }) => Promise<ApiResult>) {
  return wrap((event, requestId) => fn({ event, requestId }));
}
