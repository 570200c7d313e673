/**
 * One PUT of a part (or of a whole single-PUT object) to its presigned storage URL, with retries. Why storage
 * refused decides what happens next, read from the `<Code>` of S3's XML error body as the AWS SDKs do:
 * - expired: the URL gets renewed (with the other unsent parts, see PartUrls) and the part is sent again, once; a
 *   fresh URL refused too is a real refusal. Any 403 (a presigned URL past its time answers `AccessDenied:
 *   Request has expired`), and `400 ExpiredToken` (the URL was signed with session credentials that have since
 *   expired).
 * - transient: tried again with backoff, like network errors. 429, any 5xx (`InternalError`, `SlowDown`), and
 *   `400 RequestTimeout` (storage gave up on a slow socket), which every AWS SDK retries.
 * - anything else (`BadDigest`, a size or checksum that does not match): final.
 */
import { backoffDelay, sleep } from '../backoff.ts';
import { MedFilesError, networkError } from '../errors.ts';
import { discardBody } from '../transport.ts';
import type { PartTarget, PlannedPart } from './part-plan.ts';
import type { PartUrls } from './part-urls.ts';

export interface PartSender {
  fetch: typeof fetch;
  blob: Blob;
  retries: number;
  signal: AbortSignal;
  urls: Pick<PartUrls, 'forPart' | 'afterExpired'>;
}

/** S3 error codes worth another try with the same URL. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['RequestTimeout', 'SlowDown', 'InternalError']);

/** Sends the part and answers the ETag storage gave it (needed to complete a multipart upload). */
export async function putPart(sender: PartSender, part: PlannedPart): Promise<string> {
  const { signal, urls } = sender;
  let target: PartTarget = await urls.forPart(part.partNumber);
  let renewed = false;
  for (let attempt = 0; ; attempt++) {
    signal.throwIfAborted();
    let response: Response;
    try {
      response = await sender.fetch(target.url, {
        method: 'PUT',
        headers: target.headers,
        body: sender.blob.slice(part.start, part.end),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (attempt >= sender.retries) throw networkError(`Sending part ${part.partNumber} to storage`, error);
      await sleep(backoffDelay(attempt), signal);
      continue;
    }
    if (response.ok) {
      discardBody(response);
      const etag = response.headers.get('etag');
      if (!etag) throw storageRefusal(response.status, part, 'no ETag header in the answer (the bucket CORS rules must expose ETag)');
      return etag;
    }
    const refusal = await storageError(response);
    const kind = refusalKind(response.status, refusal);
    if (kind === 'expired' && !renewed) {
      renewed = true;
      target = await urls.afterExpired(part.partNumber, target);
      continue;
    }
    if (kind !== 'transient' || attempt >= sender.retries) throw storageRefusal(response.status, part, describe(refusal, response.status));
    await sleep(backoffDelay(attempt, response.headers.get('retry-after')), signal);
  }
}

interface S3Error {
  code?: string;
  message?: string;
}

/** What a refused PUT means (see the module comment). */
export function refusalKind(status: number, { code }: S3Error): 'expired' | 'transient' | 'final' {
  // S3 answers `AccessDenied: Request has expired` with 403, like its other refusals of a URL's signature.
  if (status === 403 || code === 'ExpiredToken') return 'expired';
  if (status === 429 || status >= 500 || (code !== undefined && TRANSIENT_CODES.has(code))) return 'transient';
  return 'final';
}

function storageRefusal(status: number, part: PlannedPart, reason: string): MedFilesError {
  return new MedFilesError({ status, code: 'storage_error', message: `Storage refused part ${part.partNumber}: ${reason}` });
}

/** S3's error code and message from its XML body (`<Error><Code>…</Code><Message>…</Message></Error>`). */
async function storageError(response: Response): Promise<S3Error> {
  const xml = await response.text().catch(() => '');
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** e.g. `AccessDenied: Request has expired`, or the status when the body says nothing. */
function describe({ code, message }: S3Error, status: number): string {
  return [code, message].filter(Boolean).join(': ') || `HTTP ${status}`;
}
