import { json, publicHandler } from '../shared/http/api.ts';

/** `GET /v1/health`: the function runs; no dependency is touched. */
export const handler = publicHandler(async () => json(200, { status: 'ok' }));
