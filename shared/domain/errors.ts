/**
 * The one error model. Domain code throws these; one middleware renders them as the contract's error body.
 * `expose` says whether the message may reach the client: messages of exposed errors are written for
 * clients and never contain patient data (no file names, no descriptions); anything else renders as a
 * generic 500 with no message, stack or internal name.
 */

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly expose: boolean;
  readonly details: FieldIssue[];
  /** Extra response headers, e.g. `WWW-Authenticate`. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: FieldIssue[]; expose?: boolean; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.expose = options.expose ?? status < 500;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details?: FieldIssue[]) {
    super(400, 'bad_request', message, { details });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Missing, invalid or expired credentials') {
    super(401, 'unauthorized', message, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role may not do this') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class PreconditionFailedError extends AppError {
  constructor(message = 'If-Match does not match the current ETag') {
    super(412, 'precondition_failed', message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string, details?: FieldIssue[]) {
    super(413, 'payload_too_large', message, { details });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string, details?: FieldIssue[]) {
    super(415, 'unsupported_media_type', message, { details });
  }
}

export class ValidationError extends AppError {
  constructor(details: FieldIssue[], message = 'The request breaks one or more rules') {
    super(422, 'validation_error', message, { details });
  }
}

/**
 * A record that must be written with the request (the audit trail) could not be written: nothing else changed, and
 * the client should retry.
 */
export class UnavailableError extends AppError {
  constructor(message = 'The audit trail could not be written, so nothing was done; try again') {
    super(503, 'unavailable', message, { expose: true, headers: { 'Retry-After': '1' } });
  }
}

/** A dependency failed (storage, database). Never exposed: the client sees a plain 500. */
export class InternalError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(500, 'internal', message, { expose: false });
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
