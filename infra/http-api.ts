/**
 * The HTTP API: its `$default` stage with throttling and JSON access logs, and one route per route table entry,
 * each integrated with its own function.
 *
 * There is no API Gateway authorizer on purpose: each function verifies the JWT itself (shared/http), because
 * signed content links must work without an Authorization header and `sam local` skips authorizers anyway.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS, CORS_METHODS } from '../shared/http/cors.ts';
import type { RouteDef } from '../shared/routes.ts';
import { acknowledgeHttpApi } from './nag-acknowledgements.ts';
import type { RouteFunction } from './route-function.ts';

/**
 * API Gateway access log line. Only what operating the API needs: no path (it carries ids and the signed-link
 * query string), no source IP or user agent (identifiers under HIPAA), no headers or bodies.
 */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  responseLength: '$context.responseLength',
});

export interface HttpApiProps {
  /** Encrypts the access log group. */
  readonly logsKey: IKey;
  readonly logRetention: RetentionDays;
  /** Stage-wide default throttling. @default 50 requests/s, bursts of 100 */
  readonly throttle?: ThrottleSettings;
  /** Browser origins allowed by CORS (shared/http/cors.ts); API Gateway answers their preflights. @default none */
  readonly corsOrigins?: readonly string[];
}

/** The API and its only stage, which the API URL points at. */
export function addHttpApi(scope: Construct, props: HttpApiProps): { api: HttpApi; stage: HttpStage } {
  const origins = props.corsOrigins ?? [];
  const api = new HttpApi(scope, 'Api', {
    description: 'MedFiles HTTP API v1',
    createDefaultStage: false,
    corsPreflight:
      origins.length > 0
        ? {
            allowOrigins: [...origins],
            allowMethods: CORS_METHODS.map((method) => CorsHttpMethod[method]),
            allowHeaders: [...CORS_ALLOWED_HEADERS],
            exposeHeaders: [...CORS_EXPOSED_HEADERS],
            maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
          }
        : undefined,
  });
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', {
    retention: props.logRetention,
    encryptionKey: props.logsKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const stage = new HttpStage(scope, 'DefaultStage', {
    httpApi: api,
    autoDeploy: true,
    throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
    },
  });
  acknowledgeHttpApi(api);
  return { api, stage };
}

/** The API route of a route table entry, served by `fn` (payload format 2.0). */
export function addRoute(api: HttpApi, route: RouteDef, fn: RouteFunction): void {
  api.addRoutes({
    path: route.path,
    methods: [HttpMethod[route.method]],
    integration: new HttpLambdaIntegration(`Integration-${route.name}`, fn.function, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    }),
  });
}
