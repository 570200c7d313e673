import { openApiDocument } from '../shared/domain/openapi.ts';
import { json, publicHandler } from '../shared/http/api.ts';

const document = openApiDocument();

/** `GET /v1/openapi.json`: generated from the schemas the handlers validate with. */
export const handler = publicHandler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
