/** Turning zod results into the contract's 422 with every offending field listed. */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ValidationError, type FieldIssue } from './errors.ts';

// zod/mini comes without messages (every issue would read "Invalid input"); the contract's are zod's English ones.
// Set here, where issues become messages, so that every bundle that reports issues has them (config.ts reports
// through zodIssues too). package.json lists this module among those with a side effect: bundlers keep it whole
// wherever it is imported, and drop any other module whose exports a handler does not use.
z.config(en());

export function zodIssues(error: z.core.$ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    const message =
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
    return { path: path || '(body)', message };
  });
}

/** Validates `input`; throws one ValidationError with the schema's issues plus `extra` ones. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown, extra: FieldIssue[] = [], prefix = ''): z.infer<S> {
  const result = schema.safeParse(input);
  const issues = [...(result.success ? [] : zodIssues(result.error, prefix)), ...extra];
  if (issues.length > 0) throw new ValidationError(issues);
  return result.data as z.infer<S>;
}

export function isUuid(value: string | undefined): value is string {
  return !!value && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** A path `{id}` that is not a UUID is 422 on every route. Ids are compared in lower case. */
export function requireUuid(value: string | undefined, path = 'id'): string {
  if (!isUuid(value)) throw new ValidationError([{ path, message: 'must be a UUID' }]);
  return value.toLowerCase();
}
