/**
 * What a log line carries: the invocation it belongs to, and fields from an allow-list, nothing else. Log lines
 * leave the data's protection in practice (exported, searched, kept a year), so what they may hold is decided here
 * once: ids, outcomes, counts, sizes and timings. A key that is not listed is dropped, whoever added it
 * (`logger.info(msg, { body })`, `POWERTOOLS_LOGGER_LOG_EVENT`, an Error passed whole): never a file name,
 * description, message, token, URL, header value or body.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/** Which invocation a line is from; on every line written while it runs, whoever writes it. */
export interface InvocationKeys {
  /** The function's entry name in shared/routes.ts or shared/events.ts: the same in every deployment. */
  function: string;
  /** API Gateway's request id, the one the client sees (`x-request-id`, error bodies). */
  requestId?: string;
  /** Lambda's name of the function and id of the invocation. */
  function_name?: string;
  function_request_id?: string;
  cold_start: boolean;
}

/**
 * An AsyncLocalStorage scope rather than state in the logger (Powertools' `injectLambdaContext`): the local runtime
 * runs every function in one process with invocations interleaved, and a line must name its own invocation.
 */
const invocation = new AsyncLocalStorage<InvocationKeys>();

/** Runs `work` as the invocation `keys` names. */
export function withInvocation<T>(keys: InvocationKeys, work: () => T): T {
  return invocation.run(keys, work);
}

/** Set by the code that logs (shared/http/api.ts, the consumers, the domain's reporters). */
const LOGGED_FIELDS: ReadonlySet<string> = new Set([
  'method',
  'status',
  'code', // the error code of a 4xx answer (API.md, "Errors")
  'durationMs',
  'error', // the error's class name only; messages can echo request data
  // Records and events, by id
  'fileId',
  'webhookId',
  'deliveryId',
  'eventId',
  'eventType',
  'types', // event types
  // Webhook runs (RunSummary)
  'attempted',
  'succeeded',
  'retrying',
  'failed',
  'created',
  'deferred',
  'errors',
]);

/** An error's class name (`ConditionalCheckFailedException`, `TimeoutError`), never its message or stack. */
export function errorName(error: unknown): string {
  const name = (error as Error | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : 'unknown';
}

type Scalar = string | number | boolean;
const isScalar = (value: unknown): value is Scalar => ['string', 'number', 'boolean'].includes(typeof value);

/** Scalars and lists of scalars; objects (which could hold anything) are dropped. */
function scalarOrList(value: unknown): Scalar | Scalar[] | undefined {
  if (isScalar(value)) return value;
  return Array.isArray(value) && value.every(isScalar) ? value : undefined;
}

/**
 * Powertools' JSON layout: level, message, timestamp, service, then the invocation's keys and the X-Ray trace, then
 * the allow-listed fields. An Error given as a field becomes its class name.
 */
export class AllowListLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const fields: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      ...invocation.getStore(),
      xray_trace_id: attributes.xRayTraceId,
    };
    for (const [key, value] of Object.entries(additional)) {
      if (LOGGED_FIELDS.has(key)) fields[key] = value instanceof Error ? errorName(value) : scalarOrList(value);
    }
    return new LogItem({ attributes: fields });
  }
}
