/** The HTTP API stage: JSON access logs without personal data, default throttling, no authorizer. */
import { describe, expect, it } from 'vitest';
import { synthMedFiles } from './synth.ts';

const { template } = synthMedFiles();
const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));

describe('API stage', () => {
  it('is the auto-deployed $default stage', () => {
    expect(Object.keys(template.findResources('AWS::ApiGatewayV2::Stage'))).toHaveLength(1);
    expect(stage?.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true });
  });

  it('writes JSON access logs with request id, method, route, status and latency to its own log group', () => {
    const settings = stage?.Properties.AccessLogSettings;
    const logGroupId = settings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(template.toJSON().Resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      method: '$context.httpMethod',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
  });

  it('logs no path, query string, source IP, user agent, headers or identity', () => {
    const format = stage?.Properties.AccessLogSettings.Format as string;
    // $context.path and $context.requestPath carry ids and signed-link query strings; IPs and user agents are
    // identifiers. routeKey (the path template) is what the log needs.
    for (const variable of ['$context.path', '$context.requestPath', '$context.identity', '$context.authorizer', '$input', '$request']) {
      expect(format).not.toContain(variable);
    }
    expect(format.toLowerCase()).not.toContain('useragent');
  });

  it('throttles by default', () => {
    const throttle = stage?.Properties.DefaultRouteSettings;
    expect(throttle.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(throttle.ThrottlingBurstLimit).toBeGreaterThan(0);
  });

  it('has no API Gateway authorizer: the functions verify tokens, so signed links need no header', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });
});
