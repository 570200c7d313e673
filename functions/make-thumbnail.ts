import { thumbnailMaker } from '../shared/adapters/wiring/ports.ts';
import { ThumbnailRequest, toThumbnailReply, type ThumbnailReply } from '../shared/domain/thumbnail-payload.ts';
import { observed } from '../shared/observability/invocation.ts';

const maker = thumbnailMaker();

/**
 * Makes one thumbnail (sharp, own memory size) and caches it in storage; see shared/domain/thumbnails.ts. Invoked by
 * the content function only; the payloads are shared/domain/thumbnail-payload.ts.
 */
export const handler = observed('make-thumbnail', async (event: unknown): Promise<ThumbnailReply> =>
  toThumbnailReply(await maker.make(ThumbnailRequest.parse(event))));
