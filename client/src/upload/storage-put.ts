/**
 * One PUT of a part (or of a whole single-PUT object) to its presigned storage URL, with retries: network
 * errors, 429 and 5xx are tried again with backoff; a 403 usually means the URL expired, so the part gets a fresh
 * URL (POST /v1/uploads/{fileId}/renew) and is sent again, once; a fresh URL refused too is a real refusal.
 */
import { backoffDelay, sleep } from '../backoff.ts';
import { MedFilesError, networkError } from '../errors.ts';
import { discardBody } from '../transport.ts';
import type { PartTarget, PlannedPart } from './part-plan.ts';

export interface PartSender {
  fetch: typeof fetch;
  blob: Blob;
  retries: number;
  signal: AbortSignal;
  /** A fresh URL for the part. */
  renew(partNumber: number): Promise<PartTarget>;
}

/** Sends the part and answers the ETag storage gave it (needed to complete a multipart upload). */
export async function putPart(sender: PartSender, part: PlannedPart, initial: PartTarget | undefined): Promise<string> {
  const { signal } = sender;
  let target = initial ?? (await sender.renew(part.partNumber));
  let renewed = initial === undefined;
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
    const reason = await storageReason(response);
    if (response.status === 403 && !renewed) {
      renewed = true;
      target = await sender.renew(part.partNumber);
      continue;
    }
    const transient = response.status === 429 || response.status >= 500;
    if (!transient || attempt >= sender.retries) throw storageRefusal(response.status, part, reason);
    await sleep(backoffDelay(attempt, response.headers.get('retry-after')), signal);
  }
}

function storageRefusal(status: number, part: PlannedPart, reason: string): MedFilesError {
  return new MedFilesError({ status, code: 'storage_error', message: `Storage refused part ${part.partNumber}: ${reason}` });
}

/** S3's error code and message from its XML body, e.g. `AccessDenied: Request has expired`. */
async function storageReason(response: Response): Promise<string> {
  const xml = await response.text().catch(() => '');
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  return [code, message].filter(Boolean).join(': ') || `HTTP ${response.status}`;
}
