import { countThumbnail } from '../shared/observability/metrics.ts';
import { authenticator } from '../shared/adapters/wiring/ports.ts';
import { contentLinks, fileContent } from '../shared/adapters/wiring/use-cases.ts';
import { ValidationError } from '../shared/domain/errors.ts';
import { etagOf } from '../shared/domain/file.ts';
import { parseThumbnailQuery } from '../shared/domain/images.ts';
import { ContentQuery } from '../shared/http/formats/files.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { publicHandler, type ApiResult } from '../shared/http/api.ts';
import { header, pathId, queryParams, requestOrigin } from '../shared/http/request.ts';

const auth = authenticator();
const links = await contentLinks();
const content = fileContent();

/**
 * `GET /v1/files/{id}/content`: the bytes, for a bearer token or a valid signed link; `imageSize=WxH`
 * (and `format`) gives a cached thumbnail of an image. Content over the inline response limit is a 302 to a
 * short-lived storage URL (whose headers come from the stored object).
 */
export const handler = publicHandler(async ({ event, requestId }): Promise<ApiResult> => {
  // Authentication first (401), then the id (422): a link is verified against the id as given.
  const query = queryParams(event);
  const authorization = header(event, 'authorization');
  const verified =
    authorization !== undefined || query.signature === undefined
      ? await auth.authenticate(authorization)
      : links.verify(event.pathParameters?.id ?? '', query.expires, query.signature, new Date());
  const caller = { ...verified, origin: requestOrigin(event, requestId) };
  const id = pathId(event);
  parseOrThrow(ContentQuery, query);
  const thumbnail = parseThumbnailQuery(query.imageSize, query.format);
  if (!thumbnail.ok) throw new ValidationError(thumbnail.errors);
  const result = await content.getContent(caller, id, {
    download: query.download === 'true',
    thumbnail: thumbnail.size ? { ...thumbnail.size, format: thumbnail.format } : undefined,
  });
  if (result.kind === 'redirect') {
    return { status: 302, headers: { location: result.url, 'cache-control': 'no-store' } };
  }
  countThumbnail(result.cache);
  const etag = etagOf(result.file);
  return {
    status: 200,
    bytes: result.bytes,
    headers: {
      'content-type': result.contentType,
      'content-length': String(result.bytes.length),
      'content-disposition': result.disposition,
      etag: result.variant ? `${etag.slice(0, -1)}-${result.variant}"` : etag,
      'cache-control': 'private',
      ...(result.cache ? { 'x-cache': result.cache } : {}),
    },
  };
});
