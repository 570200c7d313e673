/**
 * Every API request goes through here: the base URL, the bearer token, JSON bodies, retries of transient
 * failures and the translation of refused answers into MedFilesError.
 *
 * Retries never repeat a side effect: a 429 or a 503 means the request was not carried out (the contract's 503
 * `unavailable`: "nothing changed; retry"), so any request is sent again; a lost connection, 502 or 504 may
 * come after the server acted, so only idempotent requests (GET, PUT, DELETE and the POSTs marked so) are.
 */
import { backoffDelay, sleep, TRANSIENT_STATUSES } from './backoff.ts';
import { errorFromResponse, networkError } from './errors.ts';

export interface ClientOptions {
  /** The API's origin (and stage path, if any), e.g. `https://files.example.org`; `/v1/...` is appended. */
  baseUrl: string;
  /** A bearer token, or a function asked before every request (to hand out a refreshed one). */
  token?: string | (() => string | Promise<string>);
  /** Used for every request, to the API and to storage (default: the global fetch). */
  fetch?: typeof fetch;
  /** Retries of a transient failure (network, 429, 502-504) with backoff and jitter; default 3. */
  retries?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValues = Record<string, string | number | boolean | null | undefined>;

export interface ApiRequest {
  method: HttpMethod;
  /** e.g. `/v1/files/${id}`, ids already encoded. */
  path: string;
  query?: QueryValues;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as is (and again on a retry, so no one-shot streams). */
  body?: Blob | Uint8Array<ArrayBuffer> | FormData | string;
  headers?: Record<string, string>;
  /** Safe to send twice; default: true for GET, PUT and DELETE. */
  idempotent?: boolean;
  /**
   * A 404 on a retry means the request was carried out: a DELETE whose first answer was lost (connection lost,
   * 502, 504) may have removed the thing already. It then answers as an empty 204.
   */
  goneOnRetryIsDone?: boolean;
  /** No token (health, the OpenAPI document). */
  anonymous?: boolean;
  signal?: AbortSignal;
}

const DEFAULT_RETRIES = 3;
const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);
/** Answers that mean the request was not carried out, whatever its method. */
const NOT_CARRIED_OUT: ReadonlySet<number> = new Set([429, 503]);

export class Transport {
  readonly #baseUrl: string;
  readonly #token: ClientOptions['token'];
  readonly #retries: number;
  /** The fetch every request uses, to the API and to storage. */
  readonly fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#retries = options.retries ?? DEFAULT_RETRIES;
    // Called through a closure: a detached `window.fetch` throws "Illegal invocation".
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** The answer when it is 2xx (or a followed redirect's); a MedFilesError otherwise. */
  async send(request: ApiRequest): Promise<Response> {
    const url = this.url(request.path, request.query);
    const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
    const { signal } = request;
    /** An earlier attempt may have been carried out though its answer was lost. */
    let mayHaveActed = false;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      let response: Response;
      try {
        response = await this.fetch(url, {
          method: request.method,
          headers: await this.#headers(request),
          body: request.json !== undefined ? JSON.stringify(request.json) : request.body,
          signal,
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!idempotent || attempt >= this.#retries) throw networkError(`${request.method} ${request.path}`, error);
        mayHaveActed = true;
        await sleep(backoffDelay(attempt), signal);
        continue;
      }
      if (response.ok) return response;
      if (response.status === 404 && mayHaveActed && request.goneOnRetryIsDone) {
        discardBody(response);
        return new Response(null, { status: 204 });
      }
      const retryable = TRANSIENT_STATUSES.has(response.status) && (idempotent || NOT_CARRIED_OUT.has(response.status));
      if (!retryable || attempt >= this.#retries) throw await errorFromResponse(response);
      mayHaveActed ||= !NOT_CARRIED_OUT.has(response.status);
      discardBody(response);
      await sleep(backoffDelay(attempt, response.headers.get('retry-after')), signal);
    }
  }

  async json<T>(request: ApiRequest): Promise<T> {
    return (await (await this.send(request)).json()) as T;
  }

  /** For answers without a body (204, 202). */
  async empty(request: ApiRequest): Promise<void> {
    discardBody(await this.send(request));
  }

  url(path: string, query: QueryValues = {}): string {
    const url = new URL(`${this.#baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  async #headers(request: ApiRequest): Promise<Record<string, string>> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    if (!request.anonymous && this.#token !== undefined) {
      const token = typeof this.#token === 'function' ? await this.#token() : this.#token;
      headers.authorization = `Bearer ${token}`;
    }
    return headers;
  }
}

/**
 * Lets go of a body nobody reads, so the connection is free again. Not awaited: cancelling one branch of a
 * teed body (a fetch wrapper that clones) settles only once the other branch is done too.
 */
export function discardBody(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}
