/**
 * The console's HTTP security headers, in one place: the local server (local/console.ts) and the CDK hosting
 * (CloudFront response headers policy) both send exactly these, so the deployed page cannot be looser than the
 * one the browser tests check.
 *
 * The page loads only its own script and stylesheet; it talks to the API and, for direct uploads, thumbnails
 * and previews, to the storage origins that signed links point at. Nothing may frame it.
 */
export interface ConsoleOrigins {
  /** Origin of the API (scheme://host[:port]); empty when the API is served from the console's own origin. */
  apiOrigin: string;
  /** Origins signed links and direct uploads point at (the bucket's endpoint), if not the API's origin. */
  storageOrigins: readonly string[];
}

export function consoleSecurityHeaders({ apiOrigin, storageOrigins }: ConsoleOrigins): Record<string, string> {
  const remote = [...new Set([apiOrigin, ...storageOrigins].filter((origin) => origin !== ''))].join(' ');
  const withRemote = (...sources: string[]) => [...sources, remote].filter((s) => s !== '').join(' ');
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${withRemote("'self'", 'blob:', 'data:')}`,
    `connect-src ${withRemote("'self'")}`,
    // A PDF preview is an <iframe> on a signed link.
    `frame-src ${withRemote("'self'")}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    // Ignored by browsers over plain http (the local runtime); in force behind CloudFront.
    'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  };
}
