/**
 * One error type for everything the API (or storage) refuses, so callers branch on `status` and `code` and can
 * quote `requestId` to an operator. Built from the contract's error body
 * (`{ "error": { code, message, details, requestId } }`); answers without one (a gateway's HTML page, a storage
 * XML error) still get a status-derived code and the `X-Request-Id` header when there is one.
 */
export interface ErrorDetail {
  path: string;
  message: string;
}

export interface MedFilesErrorInit {
  status: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
  requestId?: string;
  cause?: unknown;
}

export class MedFilesError extends Error {
  /** The HTTP status; 0 when no answer arrived (`code: "network_error"`). */
  readonly status: number;
  /** The contract's error code (`not_found`, `validation_error`, ...), `storage_error` or `network_error`. */
  readonly code: string;
  /** Every offending field of a 422. */
  readonly details: ErrorDetail[];
  /** The server's id for the request: quote it when reporting a problem. */
  readonly requestId?: string;

  constructor(init: MedFilesErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'MedFilesError';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    if (init.requestId !== undefined) this.requestId = init.requestId;
  }
}

/** Codes of the contract's error table, for answers that come without an error body. */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_error',
  500: 'internal',
  503: 'unavailable',
};

/** Reads a refused answer's body (it is consumed) into a MedFilesError. */
export async function errorFromResponse(response: Response): Promise<MedFilesError> {
  const text = await response.text().catch(() => '');
  const headerRequestId = response.headers.get('x-request-id') ?? undefined;
  const body = parseErrorBody(text);
  if (body) return new MedFilesError({ status: response.status, ...body, requestId: body.requestId ?? headerRequestId });
  return new MedFilesError({
    status: response.status,
    code: CODE_OF_STATUS[response.status] ?? `http_${response.status}`,
    message: `HTTP ${response.status} ${response.statusText}`.trim(),
    requestId: headerRequestId,
  });
}

function parseErrorBody(text: string): Omit<MedFilesErrorInit, 'status'> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: Partial<MedFilesErrorInit> } | null)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') return undefined;
  return {
    code: error.code,
    message: error.message,
    details: Array.isArray(error.details) ? error.details : [],
    ...(typeof error.requestId === 'string' ? { requestId: error.requestId } : {}),
  };
}

/** No answer at all (DNS, refused connection, reset): status 0. */
export function networkError(what: string, cause: unknown): MedFilesError {
  const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
  return new MedFilesError({ status: 0, code: 'network_error', message: `${what} failed: ${reason}`, cause });
}
