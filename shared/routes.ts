/**
 * The route table: every HTTP route of the API, once.
 *
 * The CDK stack (infra/) makes one Lambda function and one HTTP API route per entry, and the local runtime
 * (local/) serves the same entries with the same handler modules, so the deployed API and the local one
 * cannot drift. An infra test checks that every entry is in the synthesized template. The OpenAPI document's
 * paths are made from it too (shared/http/openapi/), and the tests read it instead of keeping their own list.
 * Plain data only (no imports): infra, local and the tests read it, and http/api.ts names each request's function
 * from it in the logs.
 */

/** What a function may touch; the CDK construct turns each into an IAM grant plus the env var it needs. */
export type Grant =
  | 'bucket:read'
  | 'bucket:write'
  | 'bucket:delete'
  | 'table:read'
  | 'table:write'
  | 'bus:put'
  | 'signing-key:read'
  | 'queue:send'
  /** Append to the audit trail (PutItem only: no function may update or delete an audit record). */
  | 'audit:write'
  /** Query the audit trail. */
  | 'audit:read'
  /** Write objects to the audit archive bucket (Object Lock). */
  | 'audit-archive:write';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A function: handler module `functions/<name>.ts`, its size and what it may touch. */
export interface FunctionDef {
  /** Logical name; also the handler module `functions/<name>.ts`. */
  readonly name: string;
  /** Lambda memory; more memory also means more CPU (hashing, base64, sniffing, image work). */
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly grants: readonly Grant[];
  /** Packages with native code shipped for linux-arm64 next to the bundle instead of bundled (sharp). */
  readonly nativeModules?: readonly string[];
  /** Workers this function invokes synchronously; each gets the worker's env var and an invoke grant. */
  readonly invokes?: readonly WorkerName[];
}

export interface RouteDef extends FunctionDef {
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/v1/files/{id}`. Every `{parameter}` is a UUID. */
  readonly path: string;
  /** No bearer token is checked (health, the OpenAPI document): the function gets no token settings. */
  readonly public?: true;
}

/** A function invoked by other functions (not an HTTP route). */
export interface WorkerDef extends FunctionDef {
  readonly name: WorkerName;
  /** The env var through which invokers learn the function's name (read by shared/config.ts). */
  readonly envVar: string;
}

export type WorkerName = 'make-thumbnail';

/**
 * Thumbnails have their own function: sharp with enough memory to decode a 100-megapixel image (and the CPU
 * share that comes with it), apart from the content route, which stays small and fast for plain downloads.
 */
export const workers: readonly WorkerDef[] = [
  {
    name: 'make-thumbnail', envVar: 'MEDFILES_THUMBNAIL_FUNCTION', memoryMb: 2048, timeoutSeconds: 15,
    grants: ['bucket:read', 'bucket:write'], nativeModules: ['sharp'],
  },
];

/** Upload routes read image headers (dimensions) with sharp. */
const SHARP = ['sharp'] as const;

const READ: readonly Grant[] = ['table:read'];
/** Reads that seal list cursors or sign content links. */
const SIGNED_READ: readonly Grant[] = [...READ, 'signing-key:read'];
const CHANGE: readonly Grant[] = ['table:read', 'table:write'];
/** Changes that publish an event. */
const WRITE: readonly Grant[] = [...CHANGE, 'bus:put'];
/** Every route that reads or changes a file records it in the audit trail before it answers. */
const AUDITED = 'audit:write' satisfies Grant;


/** The table itself; `routes` below is its typed view, `RouteName` the union of its names. */
const table = [
  {
    name: 'health', method: 'GET', path: '/v1/health', memoryMb: 256, timeoutSeconds: 3, grants: [], public: true,
  },
  {
    name: 'openapi', method: 'GET', path: '/v1/openapi.json', memoryMb: 256, timeoutSeconds: 5, grants: [], public: true,
  },
  {
    name: 'create-files', method: 'POST', path: '/v1/files', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:write', 'bucket:delete', AUDITED], nativeModules: SHARP,
  },
  {
    name: 'put-file-content', method: 'PUT', path: '/v1/files/{id}/content', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:write', 'bucket:delete', AUDITED], nativeModules: SHARP,
  },
  // Large files go straight to storage: these two only sign URLs, then verify what arrived (streamed hash).
  {
    name: 'create-upload', method: 'POST', path: '/v1/uploads', memoryMb: 512, timeoutSeconds: 10,
    grants: [...CHANGE, 'bucket:write', 'bucket:delete'],
  },
  {
    name: 'complete-upload', method: 'POST', path: '/v1/uploads/{fileId}/complete', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:read', 'bucket:write', 'bucket:delete', AUDITED], nativeModules: SHARP,
  },
  // Resuming: what storage holds, fresh URLs, abort. They read storage and sign URLs; only abort deletes.
  {
    name: 'get-upload', method: 'GET', path: '/v1/uploads/{fileId}', memoryMb: 512, timeoutSeconds: 10,
    grants: [...READ, 'bucket:read'],
  },
  {
    name: 'renew-upload', method: 'POST', path: '/v1/uploads/{fileId}/renew', memoryMb: 512, timeoutSeconds: 10,
    grants: [...READ, 'bucket:read', 'bucket:write'],
  },
  {
    name: 'delete-upload', method: 'DELETE', path: '/v1/uploads/{fileId}', memoryMb: 512, timeoutSeconds: 10,
    grants: [...CHANGE, 'bucket:delete'],
  },
  {
    name: 'list-files', method: 'GET', path: '/v1/files', memoryMb: 512, timeoutSeconds: 10, grants: [...SIGNED_READ, AUDITED],
  },
  {
    name: 'get-file', method: 'GET', path: '/v1/files/{id}', memoryMb: 512, timeoutSeconds: 10, grants: [...SIGNED_READ, AUDITED],
  },
  {
    name: 'get-file-content', method: 'GET', path: '/v1/files/{id}/content', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...SIGNED_READ, 'bucket:read', AUDITED], invokes: ['make-thumbnail'],
  },
  {
    name: 'update-file', method: 'PATCH', path: '/v1/files/{id}', memoryMb: 512, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:read', 'bucket:write', 'bucket:delete', AUDITED],
  },
  {
    name: 'delete-file', method: 'DELETE', path: '/v1/files/{id}', memoryMb: 512, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:read', 'bucket:delete', AUDITED],
  },
  {
    name: 'restore-file', method: 'POST', path: '/v1/files/{id}/restore', memoryMb: 512, timeoutSeconds: 10,
    grants: [...WRITE, AUDITED],
  },
  // The audit trail (admin, service), and one file's access log (its owner and staff).
  {
    name: 'list-audit-events', method: 'GET', path: '/v1/audit-events', memoryMb: 512, timeoutSeconds: 10,
    grants: ['audit:read', 'signing-key:read'],
  },
  {
    name: 'get-file-access-log', method: 'GET', path: '/v1/files/{id}/access-log', memoryMb: 512, timeoutSeconds: 10,
    grants: [...SIGNED_READ, 'audit:read', AUDITED],
  },
  {
    name: 'create-file-request', method: 'POST', path: '/v1/file-requests', memoryMb: 512, timeoutSeconds: 10, grants: WRITE,
  },
  {
    name: 'list-file-requests', method: 'GET', path: '/v1/file-requests', memoryMb: 512, timeoutSeconds: 10, grants: SIGNED_READ,
  },
  {
    name: 'get-file-request', method: 'GET', path: '/v1/file-requests/{id}', memoryMb: 512, timeoutSeconds: 10, grants: READ,
  },
  {
    name: 'update-file-request', method: 'PATCH', path: '/v1/file-requests/{id}', memoryMb: 512, timeoutSeconds: 10,
    grants: WRITE,
  },
  // Webhooks (admin, service). Registration resolves the target's host (up to 5 s) when private targets are refused.
  {
    name: 'create-webhook', method: 'POST', path: '/v1/webhooks', memoryMb: 512, timeoutSeconds: 10, grants: CHANGE,
  },
  {
    name: 'list-webhooks', method: 'GET', path: '/v1/webhooks', memoryMb: 512, timeoutSeconds: 10, grants: READ,
  },
  {
    name: 'get-webhook', method: 'GET', path: '/v1/webhooks/{id}', memoryMb: 512, timeoutSeconds: 10, grants: READ,
  },
  {
    name: 'update-webhook', method: 'PATCH', path: '/v1/webhooks/{id}', memoryMb: 512, timeoutSeconds: 10, grants: CHANGE,
  },
  {
    name: 'delete-webhook', method: 'DELETE', path: '/v1/webhooks/{id}', memoryMb: 512, timeoutSeconds: 10, grants: CHANGE,
  },
  {
    name: 'list-webhook-deliveries', method: 'GET', path: '/v1/webhooks/{id}/deliveries', memoryMb: 512, timeoutSeconds: 10,
    grants: SIGNED_READ,
  },
  {
    name: 'retry-webhook-delivery', method: 'POST', path: '/v1/webhooks/{id}/deliveries/{deliveryId}/retry', memoryMb: 512,
    timeoutSeconds: 10, grants: CHANGE,
  },
] as const satisfies readonly RouteDef[];

/** The name of a route: also its handler module `functions/<name>.ts`. */
export type RouteName = (typeof table)[number]['name'];

export const routes: readonly (RouteDef & { readonly name: RouteName })[] = table;
