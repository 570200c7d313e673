/**
 * What the OpenAPI document says of each route in words: a one-line summary and what a caller must know beyond it
 * (roles, limits, the order of checks; Markdown). Keyed by route name and complete (`satisfies Record<RouteName,
 * …>`), so a route added to shared/routes.ts does not compile until it is described here. Kept apart from the route
 * table, which every Lambda bundle reads, so that the prose ships only in the OpenAPI document.
 */
import type { RouteName } from '../../routes.ts';

export interface RouteDoc {
  /** One line for the OpenAPI operation (and the generated client's doc comment). */
  readonly summary: string;
  /** What a caller must know beyond the summary. Markdown. */
  readonly description: string;
}

export const routeDocs = {
  'health': {
    summary: "Liveness: the function runs",
    description:
      "Touches no dependency; needs no token.",
  },
  'openapi': {
    summary: "This OpenAPI document",
    description:
      "Made at build time (`npm run openapi`) from the route table and the schemas the handlers validate with; needs no token.",
  },
  'create-files': {
    summary: "Upload 1–20 files inline (all or nothing)",
    description:
      "JSON with base64 `contents`, or `multipart/form-data` with parts named `file` plus text fields; per-file fields win over request-level ones. If any file is rejected, none is stored. At most 4 MiB of decoded bytes per request by default (413 above: use `POST /v1/uploads`).",
  },
  'put-file-content': {
    summary: "Upload the raw body under a client-chosen UUID (idempotent)",
    description:
      "The declared type is `Content-Type`; `name` is required; other metadata are query parameters named as the multipart fields. 201 when new, 200 when the id already holds these bytes, 409 when it holds different bytes.",
  },
  'create-upload': {
    summary: "Start a large upload, straight to storage",
    description:
      "Reserves a file id (404 everywhere until completed) and returns a presigned PUT URL with the headers to send (they are signed; up to 100 MiB), or a part size and one presigned URL per part (above 100 MiB). Checks in order: `size` over the maximum (413), declared type not allowed (415), then every other rule (422). URLs hold no file name. An upload not completed within 24 hours is removed.",
  },
  'complete-upload': {
    summary: "Verify an uploaded object and create the File",
    description:
      "Verifies the object: it exists and has the declared size and SHA-256 (422 otherwise), and its first bytes are the declared type (415 otherwise); on any failure the object is deleted and no file exists. Multipart uploads list every part with its ETag. Completing again returns the same File. Only the uploader, or an admin or service of its tenant; anyone else 404.",
  },
  'get-upload': {
    summary: "What storage holds of a direct upload, to resume it",
    description:
      "For a multipart upload its uploaded parts (number, size, ETag), for a single PUT part 1 once the object arrived; a client sends only what is missing, then completes. `completed` once the File exists. Only the uploader, or an admin or service of its tenant; anyone else, and an aborted or expired upload, 404.",
  },
  'renew-upload': {
    summary: "Fresh URLs for the parts still missing (or the ones asked)",
    description:
      "Same answer as `POST /v1/uploads`, with only the parts asked for (`partNumbers`), or else every part storage does not hold yet. A URL never outlives its upload. A completed upload is 409; part numbers outside the upload are 422. Only the uploader, or an admin or service of its tenant.",
  },
  'delete-upload': {
    summary: "Abort a direct upload",
    description:
      "The multipart upload is aborted (or the object removed) and the pending upload forgotten: the id is 404 from then on, so aborting twice is 404. A completed upload is 409 (delete the File instead). Only the uploader, or an admin or service of its tenant.",
  },
  'list-files': {
    summary: "List files (cursor pages)",
    description:
      "Filters combine; each page is one index query per partition. Walking the cursors returns every matching file exactly once; expired files are never listed. A patient sees the files it owns, and with `includeShared=true` also those shared with it. `count` is the number of files in this page.",
  },
  'get-file': {
    summary: "A file's metadata and a signed download link",
    description:
      "`downloadUrl` reads the content without a token for 15 minutes (configurable), bound to the caller; `imageSize`, `format` and `download` may be appended to it. Archived files have no `downloadUrl`.",
  },
  'get-file-content': {
    summary: "The bytes (bearer token or signed link)",
    description:
      "`imageSize=WxH` (each 1–4096) answers a thumbnail, cached in storage (`X-Cache: hit` or `miss`), in `format` (`jpeg`, `png` or `webp`); `download=true` makes it an attachment. Content over the inline response limit is a 302 to a short-lived storage URL. Archived or expired files are 404.",
  },
  'update-file': {
    summary: "Change a file's metadata or who it is shared with",
    description:
      "With `If-Match`, only if the file still has that ETag (412 otherwise). Answers the file with its new ETag.",
  },
  'delete-file': {
    summary: "Archive a file, or delete it for good",
    description:
      "An archived file keeps its metadata (`state: archived`); its content is 404. With `permanent=true` (admin) the object, its thumbnails and its metadata are removed: 404 everywhere after.",
  },
  'restore-file': {
    summary: "Make an archived file active again",
    description:
      "Provider, admin and service (403 for patients).",
  },
  'create-file-request': {
    summary: "Ask a patient for files (provider, admin, service)",
    description:
      "The request starts `open`. Uploads that name it in `fileRequestId` are added to it; its message is never sent in events.",
  },
  'list-file-requests': {
    summary: "List file requests, newest first (cursor pages); patients see only theirs",
    description:
      "Filters by `ownerId` and `status`. A patient asking for another owner's requests gets an empty page.",
  },
  'get-file-request': {
    summary: "One file request",
    description:
      "Staff see every request of their tenant; a patient only those addressed to it (404 otherwise).",
  },
  'update-file-request': {
    summary: "Staff change message or status; the patient asked may mark an open request fulfilled",
    description:
      "Staff may set any status and change the message; the patient asked may only mark an open request `fulfilled` (403 otherwise). 409 when it keeps changing concurrently: try again.",
  },
  'create-webhook': {
    summary: "Register a webhook; the answer holds its signing secret, shown only here",
    description:
      "Admin and service only (403 for other roles). Deployed stacks refuse URLs whose host is, or resolves to, a loopback, private, link-local or other non-public address.",
  },
  'list-webhooks': {
    summary: "The tenant's webhooks, oldest first (at most 50; no secrets)",
    description:
      "Admin and service only (403 for other roles).",
  },
  'get-webhook': {
    summary: "One webhook (no secret)",
    description:
      "Admin and service only (403 for other roles).",
  },
  'update-webhook': {
    summary: "Change url, events, active or description",
    description:
      "Admin and service only (403 for other roles). An inactive webhook receives nothing; its pending deliveries fail.",
  },
  'delete-webhook': {
    summary: "Delete a webhook",
    description:
      "Admin and service only (403 for other roles). Nothing more is sent to it, pending retries included.",
  },
  'list-webhook-deliveries': {
    summary: "A webhook's deliveries, newest first (cursor pages)",
    description:
      "Admin and service only (403 for other roles).",
  },
  'retry-webhook-delivery': {
    summary: "Send a delivery again: pending, due now, with a fresh attempt budget",
    description:
      "Admin and service only (403 for other roles). Any status may be retried; the webhook must be active (else 422). The retry poller sends it within a minute.",
  },
  'list-audit-events': {
    summary: "The audit trail, newest first (cursor pages)",
    description:
      "Admin and service only (403 for other roles). Every metadata read (a list page records one read per listed file, with `listed: true`), download, thumbnail, create, update, share, archive, restore and permanent delete, and every denied attempt on an existing file (outcome `denied`). `fileId`, `actorId` and `action` combine; each page is one index query, so a page with filters may hold fewer than `limit` events while `nextCursor` goes on. Append-only; never expires; survives the file's permanent delete. Records hold ids, roles, actions and outcomes only.",
  },
  'get-file-access-log': {
    summary: "Who accessed this file, newest first (cursor pages)",
    description:
      "The file's owner, and provider, admin and service. Successful reads, downloads, thumbnails and changes, without source IP or user agent. Anyone else (even a patient the file is shared with) gets 404.",
  },
} as const satisfies Record<RouteName, RouteDoc>;
