/** zod schemas as the JSON Schema of an OpenAPI 3.1 document. */
import * as z from 'zod/mini';

export type Json = Record<string, unknown>;

/**
 * Converts schemas one by one and collects the named ones they contain (registered in `z.globalRegistry` with an
 * `id`), which become `components.schemas` entries. zod emits those as local `$defs`, which do not resolve inside
 * an OpenAPI document, so they are hoisted and the references rewritten.
 */
export class SchemaConverter {
  /** Named schemas met so far, by id. */
  readonly named: Record<string, Json> = {};

  /** `io: 'input'` for what a client sends (defaults and transforms apply after it), `output` for answers. */
  toJson(schema: z.ZodMiniType, io: 'input' | 'output' = 'output'): Json {
    const raw = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as Json;
    const rewritten = JSON.parse(JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
    const { $schema: _schema, $defs, $ref, ...rest } = rewritten as Json & { $defs?: Record<string, Json>; $ref?: string };
    for (const [name, def] of Object.entries($defs ?? {})) this.named[name] ??= def;
    // A named schema comes back as a bare reference to its own definition: return the definition itself.
    const self = typeof $ref === 'string' ? $ref.replace('#/components/schemas/', '') : undefined;
    return self && $defs?.[self] ? { ...$defs[self], ...rest } : { ...rest, ...($ref ? { $ref } : {}) };
  }

  /** One OpenAPI parameter per property of an object schema (a query string, or a form's text fields). */
  queryParameters(schema: z.ZodMiniType): Json[] {
    const js = this.toJson(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    return Object.entries(js.properties ?? {}).map(([name, p]) => ({
      name, in: 'query', required: js.required?.includes(name) ?? false, schema: p,
    }));
  }
}
