/**
 * The sample API Gateway events of test/events/, ready to hand to a handler module: a fresh copy with a
 * real bearer token in place of the `<token>` placeholder, and a minimal Lambda context.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import createFilesJson from '../events/create-files-json.json' with { type: 'json' };
import getFile from '../events/get-file.json' with { type: 'json' };
import health from '../events/health.json' with { type: 'json' };
import listFiles from '../events/list-files.json' with { type: 'json' };
import putFileContentBinary from '../events/put-file-content-binary.json' with { type: 'json' };

const samples = {
  'health.json': health,
  'list-files.json': listFiles,
  'get-file.json': getFile,
  'create-files-json.json': createFilesJson,
  'put-file-content-binary.json': putFileContentBinary,
} as const;

export type SampleEvent = keyof typeof samples;

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** A deep copy of a sample event; `token` replaces the placeholder (or, when null, the header is removed). */
export function sampleEvent(name: SampleEvent, options: { token?: string | null; query?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  const event = structuredClone(samples[name]) as APIGatewayProxyEventV2;
  if (options.token === null) delete event.headers.authorization;
  else if (options.token !== undefined) event.headers.authorization = `Bearer ${options.token}`;
  if (options.query) {
    event.queryStringParameters = { ...event.queryStringParameters, ...options.query };
    event.rawQueryString = new URLSearchParams(event.queryStringParameters as Record<string, string>).toString();
  }
  return event;
}

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'integration-test',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'integration',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
