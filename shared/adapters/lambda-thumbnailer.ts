/** Thumbnailer that invokes the thumbnail function (deployed), or calls its handler in-process (local). */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { InternalError } from '../domain/errors.ts';
import { fromThumbnailReply, type ThumbnailReply, type ThumbnailRequest, type ThumbnailResult } from '../domain/thumbnail-payload.ts';
import type { Thumbnailer } from '../domain/thumbnails.ts';

/** The thumbnail function's handler (functions/make-thumbnail.ts). */
export type ThumbnailHandler = (event: ThumbnailRequest) => Promise<ThumbnailReply>;

/** The result of a reply; a payload that is not one is the thumbnail function failing. */
function resultOf(payload: unknown): ThumbnailResult {
  const result = fromThumbnailReply(payload);
  if (!result) throw new InternalError('thumbnail function answered an unexpected payload');
  return result;
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
    return resultOf(JSON.parse(Buffer.from(out.Payload).toString('utf8')));
  }
}

/** Same handler, same payloads, no network: what the local runtime uses. */
export class InProcessThumbnailer implements Thumbnailer {
  constructor(private readonly handler: ThumbnailHandler) {}

  async make(request: ThumbnailRequest): Promise<ThumbnailResult> {
    // Through JSON like a real invoke, so nothing passes that Lambda could not carry.
    return resultOf(JSON.parse(JSON.stringify(await this.handler(structuredClone(request)))));
  }
}
