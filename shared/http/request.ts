/** Reading API Gateway (payload v2) requests: bodies, JSON, query, path ids, origin. */
import type { Config } from '../config.ts';
import type { RequestOrigin } from '../domain/audit/records.ts';
import { BadRequestError, UnsupportedMediaTypeError } from '../domain/errors.ts';
import { requireUuid } from '../domain/validation.ts';
import type { ApiEvent } from './api.ts';

export function header(event: ApiEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

export function rawBody(event: ApiEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** The media type of the request without parameters, lower case. */
export function mediaType(event: ApiEvent): string {
  return (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

export function jsonBody(event: ApiEvent): unknown {
  // A text body arrives as the string API Gateway decoded: parsed as it is, without a round trip through a Buffer.
  const text = event.isBase64Encoded ? rawBody(event).toString('utf8') : (event.body ?? '');
  if (!/\S/.test(text)) throw new BadRequestError('The request body is empty; send JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON');
  }
}

export function queryParams(event: ApiEvent): Record<string, string> {
  return { ...(event.queryStringParameters ?? {}) } as Record<string, string>;
}

export function pathId(event: ApiEvent): string {
  return requireUuid(event.pathParameters?.id);
}

/** Where clients reach this API: MEDFILES_PUBLIC_URL, else API Gateway's domain name and X-Forwarded-Proto. */
export function origin(event: ApiEvent, config: Pick<Config, 'publicUrl'>): string {
  if (config.publicUrl) return config.publicUrl;
  // API Gateway's own domain name, never a Host header the client wrote: a link must not point elsewhere.
  const proto = header(event, 'x-forwarded-proto')?.split(',')[0]?.trim();
  return `${proto === 'http' ? 'http' : 'https'}://${event.requestContext.domainName}`;
}

/** 415 for a body type the route does not take. */
export function unsupportedBody(expected: string): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError(`Send the body as ${expected}`, [{ path: 'Content-Type', message: `must be ${expected}` }]);
}

/** A User-Agent is kept to this many characters in the audit trail. */
const USER_AGENT_MAX = 256;

/**
 * Where a request came from, for the audit trail: API Gateway's request id and source IP (the connection's, not a
 * header a client could set) and the User-Agent, cut to 256 characters without control characters.
 */
export function requestOrigin(event: ApiEvent, requestId: string): RequestOrigin {
  const http = event.requestContext?.http;
  const agent = http?.userAgent || header(event, 'user-agent');
  const userAgent = agent ? Array.from(agent.replace(/\p{C}/gu, '')).slice(0, USER_AGENT_MAX).join('') : '';
  return { requestId, sourceIp: http?.sourceIp || null, userAgent: userAgent || null };
}
