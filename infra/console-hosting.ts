/**
 * The deployed MedFiles Console (issue 10): the static files of console/dist in a private bucket behind a CloudFront
 * distribution that reads it through Origin Access Control and sends the console's security headers
 * (console/security-headers.ts, the same function the local runtime uses). The console is served at the root of
 * its own distribution (its URLs are relative, so the path it sits under does not matter; `/console/` exists
 * locally only because there it shares the API's origin).
 *
 * Two phases, because of a dependency cycle. The API's CORS and the files bucket's CORS must name the
 * distribution's domain, which CloudFront only makes up when it creates the distribution; so the distribution
 * (and its response headers policy) cannot name the API or the files bucket in turn. `addConsoleHosting` builds
 * the distribution before the stack builds storage and the API; its Content-Security-Policy header allows the
 * API and storage endpoints of the stack's Region by wildcard (`https://*.execute-api.<region>...`,
 * `https://*.s3.<region>...`), which needs no reference. `deployConsole` then writes the files and narrows that
 * policy: the index.html it deploys carries a `<meta>` Content-Security-Policy with the exact API origin and the
 * files bucket's endpoint. A browser enforces both policies, so what the page may reach is exactly what the
 * local runtime allows; `frame-ancestors`, which a `<meta>` policy cannot carry, comes from the header.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type ResponseSecurityHeadersBehavior,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { PRIVATE_BUCKET } from './private-bucket.ts';
import { consoleSecurityHeaders } from '../console/security-headers.ts';
import {
  acknowledgeConsoleBucket,
  acknowledgeConsoleDeployment,
  acknowledgeConsoleDistribution,
  acknowledgeConsoleLogBucket,
} from './nag-acknowledgements.ts';

/** Where `npm run console:build` writes the console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../console/dist', import.meta.url));

/** The files `npm run console:build` makes (issue 10, shared decisions). */
const CONSOLE_FILES = ['index.html', 'app.js', 'app.css'] as const;

/** The stack writes config.json itself: any config.json found in the build is skipped, so demo tokens never ship. */
const CONFIG_FILE = 'config.json';

export interface ConsoleHostingOptions {
  /** The built console. @default console/dist */
  readonly distPath?: string;
}

export interface ConsoleHostingProps {
  /** How long the distribution's and the console bucket's access logs are kept. @default 365 days */
  readonly logExpiration?: Duration;
}

export interface ConsoleHosting {
  readonly bucket: Bucket;
  /** Receives the distribution's standard logs and the console bucket's S3 server access logs. */
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution domain>`: the origin the API and the files bucket must allow by CORS. */
  readonly origin: string;
}

/** Adds the console bucket, its log bucket and the distribution to `scope`. */
export function addConsoleHosting(scope: Construct, props: ConsoleHostingProps = {}): ConsoleHosting {
  // CloudFront standard logging writes with an object ACL, so its bucket must allow ACLs (the stack's
  // access-log bucket enforces bucket ownership, which disables them): a bucket of its own, for all console logs.
  const logBucket = new Bucket(scope, 'ConsoleLogBucket', {
    ...PRIVATE_BUCKET,
    // CloudFront standard logging and S3 server access logging both deliver to SSE-S3 buckets.
    encryption: BucketEncryption.S3_MANAGED,
    objectOwnership: ObjectOwnership.OBJECT_WRITER,
    lifecycleRules: [
      { id: 'expire-console-logs', expiration: props.logExpiration ?? Duration.days(365), noncurrentVersionExpiration: Duration.days(1) },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeConsoleLogBucket(logBucket);

  const bucket = new Bucket(scope, 'ConsoleBucket', {
    ...PRIVATE_BUCKET,
    // SSE-S3: CloudFront's Origin Access Control reads it with no key policy; the objects are the public app code.
    encryption: BucketEncryption.S3_MANAGED,
    serverAccessLogsBucket: logBucket,
    serverAccessLogsPrefix: 'console-bucket/',
    lifecycleRules: [{ id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(30) }],
    // CloudFormation cannot delete a bucket that still holds objects, and the deployment leaves them on delete.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeConsoleBucket(bucket);

  const headers = consoleSecurityHeaders({
    apiOrigin: `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    storageOrigins: [`https://*.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`],
  });
  const responseHeadersPolicy = new ResponseHeadersPolicy(scope, 'ConsoleResponseHeaders', {
    comment: 'MedFiles Console security headers (console/security-headers.ts)',
    securityHeadersBehavior: securityHeadersBehavior(headers),
  });

  const distribution = new Distribution(scope, 'ConsoleDistribution', {
    comment: 'MedFiles Console',
    defaultRootObject: 'index.html',
    defaultBehavior: {
      origin: S3BucketOrigin.withOriginAccessControl(bucket),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      responseHeadersPolicy,
    },
    // No minimumProtocolVersion: with the default *.cloudfront.net certificate CloudFront fixes the policy (TLSv1)
    // and ignores it; a custom domain with its ACM certificate should set TLS_V1_2_2021.
    httpVersion: HttpVersion.HTTP2_AND_3,
    priceClass: PriceClass.PRICE_CLASS_100,
    enableLogging: true,
    logBucket,
    logFilePrefix: 'console-distribution/',
  });
  acknowledgeConsoleDistribution(distribution);
  return { bucket, logBucket, distribution, origin: `https://${distribution.distributionDomainName}` };
}

export interface ConsoleDeploymentProps {
  /** The API's URL, written to config.json. */
  readonly apiUrl: string;
  /** The API's origin (`https://<id>.execute-api.<region>.<suffix>`), for the page's exact policy. */
  readonly apiOrigin: string;
  /** The files bucket: signed links and direct uploads point at its regional endpoint. */
  readonly filesBucket: IBucket;
  readonly logsKey: IKey;
  readonly logRetention: RetentionDays;
  /** The token claims that hold the tenant and the role (deployment parameters): the console reads them too. */
  readonly tenantClaim: string;
  readonly roleClaim: string;
  /** @default console/dist */
  readonly distPath?: string;
}

/**
 * Deploys the built console with a config.json naming the API (never demo tokens), and an index.html narrowed to
 * the exact API and storage origins; then invalidates the distribution's cache, since the file names are fixed.
 */
export function deployConsole(scope: Construct, hosting: ConsoleHosting, props: ConsoleDeploymentProps): BucketDeployment {
  const dist = props.distPath ?? CONSOLE_DIST;
  const missing = CONSOLE_FILES.filter((file) => !existsSync(path.join(dist, file)));
  if (missing.length > 0) {
    throw new Error(`The console is on but ${dist} lacks ${missing.join(', ')}: run \`npm run console:build\` first`);
  }
  const exact = consoleSecurityHeaders({
    apiOrigin: props.apiOrigin,
    storageOrigins: [`https://${props.filesBucket.bucketRegionalDomainName}`],
  })['Content-Security-Policy']!;
  const index = withPolicyMeta(readFileSync(path.join(dist, 'index.html'), 'utf8'), exact);

  const deployment = new BucketDeployment(scope, 'ConsoleDeployment', {
    sources: [
      Source.asset(dist, { exclude: ['index.html', CONFIG_FILE] }),
      Source.data('index.html', index),
      Source.jsonData(CONFIG_FILE, { apiUrl: props.apiUrl, tenantClaim: props.tenantClaim, roleClaim: props.roleClaim }),
    ],
    destinationBucket: hosting.bucket,
    // Browsers ask again each time (52 KB in all): a new index.html (whose policy names the API) never runs with an
    // old app.js from the browser's cache, nor the other way round.
    cacheControl: [CacheControl.noCache()],
    distribution: hosting.distribution,
    distributionPaths: ['/*'],
    logGroup: new LogGroup(scope, 'ConsoleDeploymentLogs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    }),
  });
  acknowledgeConsoleDeployment(deployment, hosting.bucket);
  return deployment;
}

/**
 * `html` with a `<meta>` Content-Security-Policy at the top of its head (after the charset declaration, which must
 * stay within the first 1024 bytes), so it governs every resource the page loads. `frame-ancestors` is left out:
 * browsers ignore it in a `<meta>` policy (the header carries it).
 */
function withPolicyMeta(html: string, csp: string): string {
  const content = csp
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ')
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;');
  const anchor = /<meta charset[^>]*>/i.exec(html) ?? /<head[^>]*>/i.exec(html);
  if (!anchor) throw new Error('console/dist/index.html has no <head>');
  const at = anchor.index + anchor[0].length;
  return `${html.slice(0, at)}\n<meta http-equiv="Content-Security-Policy" content="${content}">${html.slice(at)}`;
}

/**
 * The CloudFront form of the console's headers. CloudFront takes these as typed security headers (it refuses them
 * as custom headers), so each is mapped; a header this does not know fails the synth rather than being dropped.
 */
function securityHeadersBehavior(headers: Record<string, string>): ResponseSecurityHeadersBehavior {
  const behavior: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    switch (name.toLowerCase()) {
      case 'content-security-policy':
        behavior.contentSecurityPolicy = { contentSecurityPolicy: value, override: true };
        break;
      case 'x-content-type-options':
        if (value !== 'nosniff') throw new Error(`X-Content-Type-Options: ${value} has no CloudFront form`);
        behavior.contentTypeOptions = { override: true };
        break;
      case 'x-frame-options':
        behavior.frameOptions = { frameOption: HeadersFrameOption[value as keyof typeof HeadersFrameOption], override: true };
        break;
      case 'referrer-policy':
        behavior.referrerPolicy = { referrerPolicy: value as HeadersReferrerPolicy, override: true };
        break;
      case 'strict-transport-security': {
        const maxAge = /max-age=(\d+)/i.exec(value);
        if (!maxAge) throw new Error(`Strict-Transport-Security: ${value} has no max-age`);
        behavior.strictTransportSecurity = {
          accessControlMaxAge: Duration.seconds(Number(maxAge[1])),
          includeSubdomains: /includeSubDomains/i.test(value),
          preload: /preload/i.test(value),
          override: true,
        };
        break;
      }
      default:
        throw new Error(`The console header ${name} has no CloudFront mapping in infra/console-hosting.ts`);
    }
  }
  return behavior as ResponseSecurityHeadersBehavior;
}
