/**
 * What every invocation gets, HTTP route or event consumer: its keys on every log line written while it runs
 * (./log-fields.ts: function, Lambda request id, cold start, and API Gateway's request id for a route), what it
 * counted flushed once it ends (by ./metrics.ts, when the handler counts anything: routes that count nothing do not
 * load Powertools Metrics at all), and, when it throws, an ERROR line with the error's class before
 * the error goes back to the trigger (which retries).
 *
 * Instead of Powertools' middy middlewares: `injectLambdaContext` keeps the context in the logger, shared by the
 * local runtime's interleaved invocations (lines of deliver-webhooks came out named after an upload), and
 * `logMetrics` prints a warning on every invocation that counted nothing.
 */
import type { Context } from 'aws-lambda';
import { errorName, withInvocation, type InvocationKeys } from './log-fields.ts';
import { logger } from './logger.ts';

type Identity = Pick<InvocationKeys, 'function' | 'requestId'>;

/** Run after every invocation with the function's name (metrics.ts registers its flush here when loaded). */
const afterInvocation: ((functionName: string) => void)[] = [];

export function onInvocationEnd(hook: (functionName: string) => void): void {
  afterInvocation.push(hook);
}

/**
 * `identify`: the function's entry name (shared/routes.ts, shared/events.ts), or how to read it and the request id
 * from the event. The first invocation of each handler module is its container's cold start.
 */
export function observed<TEvent, TResult>(
  identify: string | ((event: TEvent) => Identity),
  handler: (event: TEvent, context: Context) => Promise<TResult>,
): (event: TEvent, context: Context) => Promise<TResult> {
  let coldStart = true;
  return (event, context) => {
    const keys: InvocationKeys = {
      ...(typeof identify === 'string' ? { function: identify } : identify(event)),
      // Tests call handlers without a context; Lambda always passes one.
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      cold_start: coldStart,
    };
    coldStart = false;
    return withInvocation(keys, async () => {
      try {
        return await handler(event, context);
      } catch (error) {
        logger.error('invocation failed', { error: errorName(error) });
        throw error;
      } finally {
        for (const hook of afterInvocation) hook(keys.function);
      }
    });
  };
}
