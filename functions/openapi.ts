import document from '../shared/http/openapi/openapi.json' with { type: 'json' };
import { json, publicHandler } from '../shared/http/api.ts';

/**
 * `GET /v1/openapi.json`: the document made ahead of time from the route table and the schemas the handlers
 * validate with (`npm run openapi`), bundled as JSON so this function loads neither zod nor an AWS SDK.
 */
export const handler = publicHandler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
