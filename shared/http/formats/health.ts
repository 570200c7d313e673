/** `GET /v1/health`'s answer, for the OpenAPI document (the handler itself loads no schema). */
import * as z from 'zod/mini';

export const Health = z.object({ status: z.literal('ok') }).register(z.globalRegistry, { id: 'Health' });
