/**
 * `npm run openapi`: writes openapi.json beside this file, which `GET /v1/openapi.json` serves. Run it after
 * changing a route, a schema or a text of the document, and commit the result; a unit test
 * (test/unit/http/openapi/document.test.ts) fails while the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument, serializeDocument } from './document.ts';

const file = fileURLToPath(new URL('./openapi.json', import.meta.url));
writeFileSync(file, serializeDocument(openApiDocument()));
console.log(`wrote ${file}`);
