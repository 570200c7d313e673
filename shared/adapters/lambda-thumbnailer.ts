/** Thumbnailer that invokes the thumbnail function (deployed), or calls its handler in-process (local). */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { InternalError } from '../domain/errors.ts';
import type { Thumbnailer, ThumbnailRequest, ThumbnailResult } from '../domain/thumbnails.ts';

/** The thumbnail function's handler contract (functions/make-thumbnail.ts). */
export type ThumbnailHandler = (event: ThumbnailRequest) => Promise<{
  status: 'ok' | 'unreadable';
  message?: string;
  contentType?: string;
  size?: number;
  bytes?: string;
}>;

function toResult(payload: Awaited<ReturnType<ThumbnailHandler>>): ThumbnailResult {
  if (payload.status === 'unreadable') return { status: 'unreadable', message: payload.message ?? 'The image cannot be decoded' };
  return {
    status: 'ok',
    contentType: payload.contentType ?? 'application/octet-stream',
    size: payload.size ?? 0,
    bytes: payload.bytes !== undefined ? Buffer.from(payload.bytes, 'base64') : undefined,
  };
}

export class LambdaThumbnailer implements Thumbnailer {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async make(request: ThumbnailRequest): Promise<ThumbnailResult> {
    const out = await this.client
      .send(new InvokeCommand({ FunctionName: this.functionName, Payload: Buffer.from(JSON.stringify(request)) }))
      .catch((error: unknown) => {
        throw new InternalError('thumbnail function invoke failed', { cause: error });
      });
    if (out.FunctionError || !out.Payload) throw new InternalError('thumbnail function failed');
    return toResult(JSON.parse(Buffer.from(out.Payload).toString('utf8')));
  }
}

/** Same handler, same payloads, no network: what the local runtime uses. */
export class InProcessThumbnailer implements Thumbnailer {
  constructor(private readonly handler: ThumbnailHandler) {}

  async make(request: ThumbnailRequest): Promise<ThumbnailResult> {
    // Through JSON like a real invoke, so nothing passes that Lambda could not carry.
    return toResult(JSON.parse(JSON.stringify(await this.handler(structuredClone(request)))));
  }
}
