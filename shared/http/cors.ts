/**
 * The API's CORS policy (API.md, "Browsers"), once: API Gateway's CORS settings (infra/http-api.ts), the local
 * server's answers (local/server.ts) and the files bucket's rules for direct uploads (infra/storage.ts) all read it.
 * Origins come from MEDFILES_CORS_ORIGINS (shared/config.ts); none, no CORS at all.
 */
import { routes, type HttpMethod } from '../routes.ts';

/** Every method of the route table. */
export const CORS_METHODS: readonly HttpMethod[] = [...new Set(routes.map((route) => route.method))];
/** What a browser may send besides the simple headers. */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'if-match'] as const;
/** What a browser's script may read of an answer. */
export const CORS_EXPOSED_HEADERS = ['etag', 'location', 'x-request-id'] as const;
/** How long a browser may reuse a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * Storage, for presigned uploads and downloads straight from a browser: PUT and GET with the headers the presigned
 * PUT signs, and ETag exposed (completing a multipart upload needs each part's ETag).
 */
export const STORAGE_CORS = {
  methods: ['PUT', 'GET'] as const,
  allowedHeaders: ['content-type', 'content-disposition', 'x-amz-checksum-sha256'] as const,
  exposedHeaders: ['ETag'] as const,
};

/**
 * The CORS headers of an answer to `origin`: only `Vary: Origin` unless it is allowed (`allowed` is lower-case, as
 * shared/config.ts makes it). A preflight (OPTIONS with Access-Control-Request-Method) also gets the methods,
 * headers and max age. No origins configured, no CORS headers at all.
 */
export function corsHeaders(allowed: readonly string[], origin: string | undefined, preflight: boolean): Record<string, string> {
  if (allowed.length === 0) return {};
  // Every answer varies by Origin once CORS is on, so a cache never hands one origin's answer to another.
  if (origin === undefined || !allowed.includes(origin.toLowerCase())) return { vary: 'origin' };
  const common = { 'access-control-allow-origin': origin, vary: 'origin' };
  if (!preflight) return { ...common, 'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(',') };
  return {
    ...common,
    'access-control-allow-methods': CORS_METHODS.join(','),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(','),
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  };
}
