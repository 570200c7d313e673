/**
 * The error body of every 4xx and 5xx (API.md, "Errors"), for the OpenAPI document and for tests that read
 * answers. shared/http/api.ts renders it.
 */
import * as z from 'zod/mini';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      requestId: z.string(),
    }),
  })
  .register(z.globalRegistry, { id: 'Error' });
