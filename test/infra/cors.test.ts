/**
 * CORS in the template (issue 9, API.md "Browsers"): none by default; with origins, API Gateway answers preflights
 * with the route table's methods and the contract's headers, and the files bucket lets those origins PUT and GET
 * through presigned URLs with ETag exposed. The local server's answers come from the same policy (shared/http/cors.ts).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.ts';
import { logicalIdOf, synthMedFiles } from './synth.ts';

const ORIGINS = ['https://app.example.com', 'http://localhost:5173'];

describe('CORS', () => {
  it('is off unless origins are given: no API CORS, no bucket CORS', () => {
    const { template } = synthMedFiles();
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.CorsConfiguration).toBeUndefined();
    }
  });

  it('with origins: the API answers their preflights with every route method and exposes ETag, Location, X-Request-Id', () => {
    const { template } = synthMedFiles({ corsOrigins: ORIGINS });
    const methods = [...new Set(routes.map((r) => r.method))].sort();
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api'));
    const cors = api!.Properties.CorsConfiguration;
    expect(cors.AllowOrigins).toEqual(ORIGINS);
    expect([...cors.AllowMethods].sort()).toEqual(methods);
    expect(cors.AllowHeaders).toEqual(['authorization', 'content-type', 'if-match']);
    expect(cors.ExposeHeaders).toEqual(['etag', 'location', 'x-request-id']);
    expect(cors.AllowCredentials ?? false).toBe(false);
    expect(cors.MaxAge).toBe(600);
  });

  it('with origins: only the files bucket gets CORS, PUT and GET from those origins, ETag exposed', () => {
    const { template, stack } = synthMedFiles({ corsOrigins: ORIGINS });
    const buckets = template.findResources('AWS::S3::Bucket');
    const withCors = Object.entries(buckets).filter(([, b]) => b.Properties.CorsConfiguration);
    expect(withCors.map(([id]) => id)).toEqual([logicalIdOf(stack.bucket)]);
    expect(withCors[0]![1].Properties.CorsConfiguration.CorsRules).toEqual([
      {
        AllowedOrigins: ORIGINS,
        AllowedMethods: ['PUT', 'GET'],
        AllowedHeaders: ['content-type', 'content-disposition', 'x-amz-checksum-sha256'],
        ExposedHeaders: ['ETag'],
        MaxAge: 600,
      },
    ]);
  });
});
