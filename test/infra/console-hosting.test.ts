/**
 * The console hosting in the template (issue 10, "Deployed"): off by default; on, a private bucket read only by
 * its CloudFront distribution through Origin Access Control, HTTPS only, the console's security headers, a
 * config.json with the API URL and no demo tokens, the distribution's origin allowed by the API's and the files
 * bucket's CORS, and no dependency cycle (which CloudFormation would refuse at deploy time, not at synth).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleSecurityHeaders } from '../../console/security-headers.ts';
import { consoleDistFixture } from './console-dist.ts';
import { logicalIdOf, synthMedFiles } from './synth.ts';

const dist = consoleDistFixture();
const ORIGINS = ['https://app.example.com'];

/** A CloudFormation value as text: `${Ref}` and `${Id.Attr}` for references, joins flattened. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `\${${String(v.Ref)}}`;
  if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any>; DependsOn?: string | string[] }>;

/** Every logical id a value refers to (Ref, Fn::GetAtt, ${...} in Fn::Sub), pseudo parameters left out. */
function referencesIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) referencesIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt') found.add((Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]) as string);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const [, name] of String(text).matchAll(/\$\{([^}.!]+)/g)) found.add(name!);
        referencesIn(inner, found);
      } else referencesIn(inner, found);
    }
  }
  return found;
}

/** A cycle among the template's resources, as a list of logical ids, or undefined. */
function dependencyCycle(resources: Resources): string[] | undefined {
  const edges = new Map(
    Object.entries(resources).map(([id, r]) => {
      const refs = referencesIn(r.Properties);
      for (const dep of [r.DependsOn ?? []].flat()) refs.add(dep);
      return [id, [...refs].filter((ref) => ref in resources)] as const;
    }),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('console hosting', () => {
  it('is off by default: no distribution, no console bucket, no deployment, no ConsoleUrl', () => {
    const { template } = synthMedFiles();
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.startsWith('Console'))).toEqual([]);
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('ConsoleUrl');
  });

  it('fails the synth with a clear message when the console is on but not built', () => {
    expect(() => synthMedFiles({ console: { distPath: path.join(dist, 'missing') } })).toThrow(/npm run console:build/);
  });

  const { app, stack, template } = synthMedFiles({ console: { distPath: dist }, corsOrigins: ORIGINS });
  const resources = template.toJSON().Resources as Resources;
  const distributionId = logicalIdOf(stack.consoleDistribution!);
  const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.startsWith('ConsoleBucket'));
  const [logBucketId] = Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.startsWith('ConsoleLogBucket'));
  const config = resources[distributionId]!.Properties!.DistributionConfig;

  it('reads a private, SSL-only, versioned, logged bucket through Origin Access Control', () => {
    const [origin] = config.Origins;
    expect(config.Origins).toHaveLength(1);
    expect(render(origin.DomainName)).toBe(`\${${bucketId}.RegionalDomainName}`);
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    const oacId = origin.OriginAccessControlId['Fn::GetAtt'][0];
    expect(resources[oacId]!.Properties!.OriginAccessControlConfig).toEqual(
      expect.objectContaining({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    );
    const bucket = resources[bucketId!]!.Properties!;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logBucketId });
  });

  it("lets only cloudfront.amazonaws.com read the bucket, and only for this distribution", () => {
    const [policy] = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (p) => p.Properties.Bucket.Ref === bucketId,
    );
    const statements = policy!.Properties.PolicyDocument.Statement as Record<string, any>[];
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allows[0]!.Action).toBe('s3:GetObject');
    expect(render(allows[0]!.Condition.StringEquals['AWS:SourceArn'])).toBe(
      `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distributionId}}`,
    );
    expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
  });

  it('redirects HTTP to HTTPS, serves index.html at the root and logs to the console log bucket', () => {
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultRootObject).toBe('index.html');
    expect(render(config.Logging.Bucket)).toBe(`\${${logBucketId}.RegionalDomainName}`);
    expect(render(template.toJSON().Outputs.ConsoleUrl.Value)).toBe(`https://\${${distributionId}.DomainName}/`);
  });

  it("sends the console's security headers: CSP with frame-ancestors 'none', nosniff, DENY, HSTS, no-referrer", () => {
    const policyId = config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref;
    const headers = resources[policyId]!.Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = render(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toBe(
      consoleSecurityHeaders({
        apiOrigin: 'https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}',
        storageOrigins: ['https://*.s3.${AWS::Region}.${AWS::URLSuffix}'],
      })['Content-Security-Policy'],
    );
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.StrictTransportSecurity).toEqual(expect.objectContaining({ IncludeSubdomains: true, Override: true }));
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
  });

  // What the deployment writes: each source is a staged asset; markers in it are filled in at deploy time.
  const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
  const assembly = app.synth();
  const sources = (deployment!.Properties.SourceObjectKeys as string[]).map((key, index) => {
    const dir = path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    const markers = (deployment!.Properties.SourceMarkers[index] ?? {}) as Record<string, unknown>;
    const files = Object.fromEntries(
      readdirSync(dir).map((name) => {
        let text = readFileSync(path.join(dir, name), 'utf8');
        for (const [marker, value] of Object.entries(markers)) text = text.replaceAll(marker, render(value));
        return [name, text];
      }),
    );
    return files;
  });
  const file = (name: string) => sources.flatMap((files) => (name in files ? [files[name]!] : []));

  it('writes config.json with the API URL and never demo tokens, and deploys the build without its own config.json', () => {
    expect(render(deployment!.Properties.DestinationBucketName)).toBe(`\${${bucketId}}`);
    expect(file('config.json').map((text) => JSON.parse(text))).toEqual([
      {
        apiUrl: `https://\${${logicalIdOf(stack.api)}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/`,
        // The token claims the functions read (deployment parameters), so the console reads the same ones.
        tenantClaim: '${TenantClaim}',
        roleClaim: '${RoleClaim}',
      },
    ]);
    // Browsers revalidate every file, so a new index.html never runs with an old app.js from their cache.
    expect(deployment!.Properties.SystemMetadata).toMatchObject({ 'cache-control': 'no-cache' });
    expect(file('app.js')).toHaveLength(1);
    expect(file('app.css')).toHaveLength(1);
    expect(JSON.stringify(sources)).not.toMatch(/demoTokens/);
    expect(existsSync(path.join(dist, 'config.json'))).toBe(true);
  });

  it('narrows the page to the exact API origin and files bucket endpoint with a <meta> policy before anything the page loads', () => {
    const [index] = file('index.html');
    const exact = consoleSecurityHeaders({
      apiOrigin: `\${${logicalIdOf(stack.api)}.ApiEndpoint}`,
      storageOrigins: [`https://\${${logicalIdOf(stack.bucket)}.RegionalDomainName}`],
    })['Content-Security-Policy']!.replace("; frame-ancestors 'none'", '');
    expect(index).toContain(`<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${exact}">\n<title>`);
    expect(index).toContain('<script type="module" src="app.js">');
  });

  it("invalidates the distribution's cache after each deploy", () => {
    expect(deployment!.Properties.DistributionId).toEqual({ Ref: distributionId });
    expect(deployment!.Properties.DistributionPaths).toEqual(['/*']);
  });

  it("adds the distribution's origin to the API's and the files bucket's CORS, keeping the configured ones", () => {
    const origin = `https://\${${distributionId}.DomainName}`;
    const api = resources[logicalIdOf(stack.api)]!.Properties!;
    expect(api.CorsConfiguration.AllowOrigins.map(render)).toEqual([...ORIGINS, origin]);
    const [rule] = resources[logicalIdOf(stack.bucket)]!.Properties!.CorsConfiguration.CorsRules;
    expect(rule.AllowedOrigins.map(render)).toEqual([...ORIGINS, origin]);
  });

  it('has no dependency cycle (the distribution names neither the API nor the files bucket)', () => {
    expect(dependencyCycle(resources)).toBeUndefined();
    const uses = referencesIn(resources[distributionId]);
    expect(uses.has(logicalIdOf(stack.api))).toBe(false);
    expect(uses.has(logicalIdOf(stack.bucket))).toBe(false);
  });

  it('finds a cycle when there is one (the check above can fail)', () => {
    expect(
      dependencyCycle({
        A: { Type: 'T', Properties: { x: { Ref: 'B' } } },
        B: { Type: 'T', Properties: { y: { 'Fn::GetAtt': ['A', 'Arn'] } } },
      }),
    ).toEqual(['A', 'B', 'A']);
  });
});
