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
  | 'queue:send';

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
  /** One line for the OpenAPI operation (and the generated client's doc comment). */
  readonly summary: string;
  /** What a caller must know beyond the summary: roles, limits, the order of checks. Markdown. */
  readonly description: string;
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

/** Every webhook route's rule (webhook payloads and targets are tenant configuration). */
const ADMINS_ONLY = 'Admin and service only (403 for other roles).';

/** The table itself; `routes` below is its typed view, `RouteName` the union of its names. */
const table = [
  {
    name: 'health', method: 'GET', path: '/v1/health', memoryMb: 256, timeoutSeconds: 3, grants: [], public: true,
    summary: 'Liveness: the function runs',
    description: 'Touches no dependency; needs no token.',
  },
  {
    name: 'openapi', method: 'GET', path: '/v1/openapi.json', memoryMb: 256, timeoutSeconds: 5, grants: [], public: true,
    summary: 'This OpenAPI document',
    description: 'Made at build time (`npm run openapi`) from the route table and the schemas the handlers validate with; needs no token.',
  },
  {
    name: 'create-files', method: 'POST', path: '/v1/files', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:write', 'bucket:delete'], nativeModules: SHARP,
    summary: 'Upload 1–20 files inline (all or nothing)',
    description:
      'JSON with base64 `contents`, or `multipart/form-data` with parts named `file` plus text fields; per-file fields ' +
      'win over request-level ones. If any file is rejected, none is stored. At most 4 MiB of decoded bytes per ' +
      'request by default (413 above: use `POST /v1/uploads`).',
  },
  {
    name: 'put-file-content', method: 'PUT', path: '/v1/files/{id}/content', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:write', 'bucket:delete'], nativeModules: SHARP,
    summary: 'Upload the raw body under a client-chosen UUID (idempotent)',
    description:
      'The declared type is `Content-Type`; `name` is required; other metadata are query parameters named as the ' +
      'multipart fields. 201 when new, 200 when the id already holds these bytes, 409 when it holds different bytes.',
  },
  // Large files go straight to storage: these two only sign URLs, then verify what arrived (streamed hash).
  {
    name: 'create-upload', method: 'POST', path: '/v1/uploads', memoryMb: 512, timeoutSeconds: 10,
    grants: [...CHANGE, 'bucket:write', 'bucket:delete'],
    summary: 'Start a large upload, straight to storage',
    description:
      'Reserves a file id (404 everywhere until completed) and returns a presigned PUT URL with the headers ' +
      'to send (they are signed; up to 100 MiB), or a part size and one presigned URL per part (above 100 MiB). ' +
      'Checks in order: `size` over the maximum (413), declared type not allowed (415), then every other rule (422). ' +
      'URLs hold no file name. An upload not completed within 24 hours is removed.',
  },
  {
    name: 'complete-upload', method: 'POST', path: '/v1/uploads/{fileId}/complete', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:read', 'bucket:write', 'bucket:delete'], nativeModules: SHARP,
    summary: 'Verify an uploaded object and create the File',
    description:
      'Verifies the object: it exists and has the declared size and SHA-256 (422 otherwise), and its first bytes ' +
      'are the declared type (415 otherwise); on any failure the object is deleted and no file exists. Multipart ' +
      'uploads list every part with its ETag. Completing again returns the same File. Only the uploader or staff.',
  },
  {
    name: 'list-files', method: 'GET', path: '/v1/files', memoryMb: 512, timeoutSeconds: 10, grants: SIGNED_READ,
    summary: 'List files (cursor pages)',
    description:
      'Filters combine; each page is one index query per partition. Walking the cursors returns every matching file ' +
      'exactly once; expired files are never listed. A patient sees the files it owns, and with `includeShared=true` ' +
      'also those shared with it. `count` is the number of files in this page.',
  },
  {
    name: 'get-file', method: 'GET', path: '/v1/files/{id}', memoryMb: 512, timeoutSeconds: 10, grants: SIGNED_READ,
    summary: "A file's metadata and a signed download link",
    description:
      '`downloadUrl` reads the content without a token for 15 minutes (configurable), bound to the caller; ' +
      '`imageSize`, `format` and `download` may be appended to it. Archived files have no `downloadUrl`.',
  },
  {
    name: 'get-file-content', method: 'GET', path: '/v1/files/{id}/content', memoryMb: 1024, timeoutSeconds: 29,
    grants: [...SIGNED_READ, 'bucket:read'], invokes: ['make-thumbnail'],
    summary: 'The bytes (bearer token or signed link)',
    description:
      '`imageSize=WxH` (each 1–4096) answers a thumbnail, cached in storage (`X-Cache: hit` or `miss`), in `format` ' +
      '(`jpeg`, `png` or `webp`); `download=true` makes it an attachment. Content over the inline response limit is a ' +
      '302 to a short-lived storage URL. Archived or expired files are 404.',
  },
  {
    name: 'update-file', method: 'PATCH', path: '/v1/files/{id}', memoryMb: 512, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:read', 'bucket:write', 'bucket:delete'],
    summary: "Change a file's metadata or who it is shared with",
    description: 'With `If-Match`, only if the file still has that ETag (412 otherwise). Answers the file with its new ETag.',
  },
  {
    name: 'delete-file', method: 'DELETE', path: '/v1/files/{id}', memoryMb: 512, timeoutSeconds: 29,
    grants: [...WRITE, 'bucket:read', 'bucket:delete'],
    summary: 'Archive a file, or delete it for good',
    description:
      'An archived file keeps its metadata (`state: archived`); its content is 404. With `permanent=true` (admin) ' +
      'the object, its thumbnails and its metadata are removed: 404 everywhere after.',
  },
  {
    name: 'restore-file', method: 'POST', path: '/v1/files/{id}/restore', memoryMb: 512, timeoutSeconds: 10,
    grants: WRITE,
    summary: 'Make an archived file active again',
    description: 'Provider, admin and service (403 for patients).',
  },
  {
    name: 'create-file-request', method: 'POST', path: '/v1/file-requests', memoryMb: 512, timeoutSeconds: 10, grants: WRITE,
    summary: 'Ask a patient for files (provider, admin, service)',
    description:
      'The request starts `open`. Uploads that name it in `fileRequestId` are added to it; its message is never ' +
      'sent in events.',
  },
  {
    name: 'list-file-requests', method: 'GET', path: '/v1/file-requests', memoryMb: 512, timeoutSeconds: 10, grants: SIGNED_READ,
    summary: 'List file requests, newest first (cursor pages); patients see only theirs',
    description: "Filters by `ownerId` and `status`. A patient asking for another owner's requests gets an empty page.",
  },
  {
    name: 'get-file-request', method: 'GET', path: '/v1/file-requests/{id}', memoryMb: 512, timeoutSeconds: 10, grants: READ,
    summary: 'One file request',
    description: 'Staff see every request of their tenant; a patient only those addressed to it (404 otherwise).',
  },
  {
    name: 'update-file-request', method: 'PATCH', path: '/v1/file-requests/{id}', memoryMb: 512, timeoutSeconds: 10,
    grants: WRITE,
    summary: 'Staff change message or status; the patient asked may mark an open request fulfilled',
    description:
      'Staff may set any status and change the message; the patient asked may only mark an open request `fulfilled` ' +
      '(403 otherwise). 409 when it keeps changing concurrently: try again.',
  },
  // Webhooks (admin, service). Registration resolves the target's host (up to 5 s) when private targets are refused.
  {
    name: 'create-webhook', method: 'POST', path: '/v1/webhooks', memoryMb: 512, timeoutSeconds: 10, grants: CHANGE,
    summary: 'Register a webhook; the answer holds its signing secret, shown only here',
    description:
      `${ADMINS_ONLY} Deployed stacks refuse URLs whose host is, or resolves to, a loopback, private, link-local or ` +
      'other non-public address.',
  },
  {
    name: 'list-webhooks', method: 'GET', path: '/v1/webhooks', memoryMb: 512, timeoutSeconds: 10, grants: READ,
    summary: "The tenant's webhooks, oldest first (at most 50; no secrets)",
    description: ADMINS_ONLY,
  },
  {
    name: 'get-webhook', method: 'GET', path: '/v1/webhooks/{id}', memoryMb: 512, timeoutSeconds: 10, grants: READ,
    summary: 'One webhook (no secret)',
    description: ADMINS_ONLY,
  },
  {
    name: 'update-webhook', method: 'PATCH', path: '/v1/webhooks/{id}', memoryMb: 512, timeoutSeconds: 10, grants: CHANGE,
    summary: 'Change url, events, active or description',
    description: `${ADMINS_ONLY} An inactive webhook receives nothing; its pending deliveries fail.`,
  },
  {
    name: 'delete-webhook', method: 'DELETE', path: '/v1/webhooks/{id}', memoryMb: 512, timeoutSeconds: 10, grants: CHANGE,
    summary: 'Delete a webhook',
    description: `${ADMINS_ONLY} Nothing more is sent to it, pending retries included.`,
  },
  {
    name: 'list-webhook-deliveries', method: 'GET', path: '/v1/webhooks/{id}/deliveries', memoryMb: 512, timeoutSeconds: 10,
    grants: SIGNED_READ,
    summary: "A webhook's deliveries, newest first (cursor pages)",
    description: ADMINS_ONLY,
  },
  {
    name: 'retry-webhook-delivery', method: 'POST', path: '/v1/webhooks/{id}/deliveries/{deliveryId}/retry', memoryMb: 512,
    timeoutSeconds: 10, grants: CHANGE,
    summary: 'Send a delivery again: pending, due now, with a fresh attempt budget',
    description:
      `${ADMINS_ONLY} Any status may be retried; the webhook must be active (else 422). The retry poller sends it ` +
      'within a minute.',
  },
] as const satisfies readonly RouteDef[];

/** The name of a route: also its handler module `functions/<name>.ts`. */
export type RouteName = (typeof table)[number]['name'];

export const routes: readonly (RouteDef & { readonly name: RouteName })[] = table;
