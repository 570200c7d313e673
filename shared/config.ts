/**
 * Configuration, read and validated once per process (Lambda container or local runtime).
 * Nothing else in the code reads `process.env`. A bad value fails loudly at cold start, naming the variable.
 * Each function asks for the settings it needs (`config('bucket', 'table')`, called by its wiring at module
 * init): a missing one stops that function's init with the variable's name, and a function is never made to
 * carry a resource name it does not use (health needs none; the thumbnail worker only the bucket).
 */
import * as z from 'zod/mini';
import { zodIssues } from './domain/validation.ts';

const MiB = 1024 * 1024;

const positiveInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);
const bool = (fallback: boolean) =>
  z.pipe(
    z._default(z.enum(['true', 'false', '1', '0']), fallback ? 'true' : 'false'),
    z.transform((v) => v === 'true' || v === '1'),
  );
/** An origin as browsers send it: scheme, host and optional port; no path, no wildcard. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/i;

const list = (fallback: string) =>
  z.pipe(z._default(z.string(), fallback), z.transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)));

/** The default allow-list of stored types (see API.md, "The File resource"). */
export const DEFAULT_ALLOWED_TYPES = [
  'image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/heif', 'image/tiff',
  'application/pdf', 'application/dicom', 'text/plain', 'text/csv',
  'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'video/mp4', 'video/quicktime',
].join(',');

const EnvSchema = z.object({
  MEDFILES_BUCKET: z.optional(z.string().check(z.minLength(3))),
  MEDFILES_TABLE: z.optional(z.string().check(z.minLength(3))),
  MEDFILES_EVENT_BUS: z.optional(z.string()),
  /** The audit trail's own table (append-only). */
  MEDFILES_AUDIT_TABLE: z.optional(z.string().check(z.minLength(3))),
  /** The Object Lock bucket the audit records are archived to (deployed). */
  MEDFILES_AUDIT_ARCHIVE_BUCKET: z.optional(z.string().check(z.minLength(3))),
  /** HS256 secret for local tokens. When set, tokens are verified with it (local runtime, tests). */
  MEDFILES_JWT_SECRET: z.optional(z.string().check(z.minLength(32))),
  /** JWKS of the OIDC issuer (deployed): RS256/ES256 with issuer and audience checked. */
  MEDFILES_JWT_JWKS_URL: z.optional(z.url()),
  MEDFILES_JWT_ISSUER: z.optional(z.string()),
  MEDFILES_JWT_AUDIENCE: z.optional(z.string()),
  MEDFILES_CLAIM_TENANT: z._default(z.string(), 'tenant'),
  MEDFILES_CLAIM_ROLE: z._default(z.string(), 'role'),
  /** Key for signed content links and list cursors: given directly (local) or as a Secrets Manager ARN. */
  MEDFILES_SIGNING_SECRET: z.optional(z.string().check(z.minLength(32))),
  MEDFILES_SIGNING_SECRET_ARN: z.optional(z.string()),
  MEDFILES_PUBLIC_URL: z.optional(z.url()),
  /** Browser origins allowed by CORS, comma-separated (`https://app.example.com`); unset, no CORS. */
  MEDFILES_CORS_ORIGINS: z.pipe(
    z.pipe(list(''), z.array(z.string().check(z.regex(ORIGIN, 'must be origins like https://app.example.com, comma-separated')))),
    // Browsers send scheme and host in lower case.
    z.transform((origins: string[]) => origins.map((origin) => origin.toLowerCase())),
  ),
  MEDFILES_DOWNLOAD_URL_TTL_SECONDS: positiveInt(900),
  MEDFILES_REDIRECT_URL_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(60)), 60),
  MEDFILES_INLINE_UPLOAD_MAX_BYTES: positiveInt(4 * MiB),
  /** Larger content is answered with a redirect to storage (Lambda responses are capped at 6 MB of base64). */
  MEDFILES_INLINE_RESPONSE_MAX_BYTES: positiveInt(4 * MiB),
  MEDFILES_MAX_UPLOAD_BYTES: positiveInt(5 * 1024 * MiB),
  MEDFILES_ALLOWED_TYPES: list(DEFAULT_ALLOWED_TYPES),
  /** The thumbnail function (deployed); unset, thumbnails are made in-process (local runtime). */
  MEDFILES_THUMBNAIL_FUNCTION: z.optional(z.string()),
  /** Images with more pixels are not decoded (thumbnails are 422); the header is still read on upload. */
  MEDFILES_IMAGE_PIXEL_LIMIT: positiveInt(100_000_000),
  /** Originals larger than this get no thumbnail (422): the thumbnail function holds the bytes in memory. */
  MEDFILES_THUMBNAIL_MAX_INPUT_BYTES: positiveInt(100 * MiB),
  /**
   * Seconds to wait before each webhook retry; attempts = 1 + the number of delays. Default: 7 attempts over
   * about 26.5 hours (1 min, 5 min, 30 min, 2 h, 6 h, 18 h).
   */
  MEDFILES_WEBHOOK_RETRY_DELAYS: z
    .pipe(
      z._default(z.string(), '60,300,1800,7200,21600,64800'),
      z.transform((v) => v.split(',').map((d) => d.trim()).filter(Boolean).map(Number)),
    )
    .check(
      z.refine(
        (delays) => delays.length > 0 && delays.length <= 20 && delays.every((d) => Number.isInteger(d) && d >= 1 && d <= 172_800),
        'must be 1-20 whole numbers of seconds (1 to 172800), comma-separated',
      ),
    ),
  /** Per-attempt timeout of a webhook delivery. */
  MEDFILES_WEBHOOK_TIMEOUT_SECONDS: positiveInt(10),
  /** Loopback, private and link-local webhook targets: refused when deployed, allowed by the local runtime. */
  MEDFILES_WEBHOOK_ALLOW_PRIVATE_TARGETS: bool(false),
  /** SQS queue for deliveries that failed their last attempt (deployed). */
  MEDFILES_WEBHOOK_DLQ_URL: z.optional(z.string()),
  /** Local runtime: a JSON-lines file standing in for the dead-letter queue. */
  MEDFILES_WEBHOOK_DLQ_FILE: z.optional(z.string()),
  /** Local runtime: how often the expiry sweeper does what DynamoDB TTL and its stream do in AWS. */
  MEDFILES_EXPIRY_SWEEP_SECONDS: positiveInt(60),
  /** Path-style S3 addressing, needed by local S3-compatible servers. */
  MEDFILES_S3_FORCE_PATH_STYLE: bool(false),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
});

export interface Config {
  /** Resource names: present only in the functions that use them; see `config(...needs)`. */
  bucket: string | undefined;
  table: string | undefined;
  eventBus: string | undefined;
  auditTable: string | undefined;
  auditArchiveBucket: string | undefined;
  region: string;
  s3ForcePathStyle: boolean;
  jwt: {
    secret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
    tenantClaim: string;
    roleClaim: string;
  };
  signing: { secret: string | undefined; secretArn: string | undefined };
  publicUrl: string | undefined;
  corsOrigins: readonly string[];
  downloadUrlTtlSeconds: number;
  redirectUrlTtlSeconds: number;
  inlineUploadMaxBytes: number;
  inlineResponseMaxBytes: number;
  maxUploadBytes: number;
  allowedTypes: ReadonlySet<string>;
  thumbnailFunction: string | undefined;
  imagePixelLimit: number;
  thumbnailMaxInputBytes: number;
  webhooks: {
    retryDelaysSeconds: readonly number[];
    timeoutSeconds: number;
    allowPrivateTargets: boolean;
    deadLetterQueueUrl: string | undefined;
    deadLetterFile: string | undefined;
  };
  expirySweepSeconds: number;
}

/** Parses an environment; exported for tests. Throws with every bad variable named. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = zodIssues(parsed.error).map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new Error(`MedFiles configuration is invalid: ${problems}`);
  }
  const e = parsed.data;
  return {
    bucket: e.MEDFILES_BUCKET,
    table: e.MEDFILES_TABLE,
    eventBus: e.MEDFILES_EVENT_BUS,
    auditTable: e.MEDFILES_AUDIT_TABLE,
    auditArchiveBucket: e.MEDFILES_AUDIT_ARCHIVE_BUCKET,
    region: e.AWS_REGION,
    s3ForcePathStyle: e.MEDFILES_S3_FORCE_PATH_STYLE,
    jwt: {
      secret: e.MEDFILES_JWT_SECRET,
      jwksUrl: e.MEDFILES_JWT_JWKS_URL,
      issuer: e.MEDFILES_JWT_ISSUER,
      audience: e.MEDFILES_JWT_AUDIENCE,
      tenantClaim: e.MEDFILES_CLAIM_TENANT,
      roleClaim: e.MEDFILES_CLAIM_ROLE,
    },
    signing: { secret: e.MEDFILES_SIGNING_SECRET, secretArn: e.MEDFILES_SIGNING_SECRET_ARN },
    publicUrl: e.MEDFILES_PUBLIC_URL?.replace(/\/+$/, ''),
    corsOrigins: e.MEDFILES_CORS_ORIGINS,
    downloadUrlTtlSeconds: e.MEDFILES_DOWNLOAD_URL_TTL_SECONDS,
    redirectUrlTtlSeconds: e.MEDFILES_REDIRECT_URL_TTL_SECONDS,
    inlineUploadMaxBytes: e.MEDFILES_INLINE_UPLOAD_MAX_BYTES,
    inlineResponseMaxBytes: e.MEDFILES_INLINE_RESPONSE_MAX_BYTES,
    maxUploadBytes: e.MEDFILES_MAX_UPLOAD_BYTES,
    allowedTypes: new Set(e.MEDFILES_ALLOWED_TYPES),
    thumbnailFunction: e.MEDFILES_THUMBNAIL_FUNCTION,
    imagePixelLimit: e.MEDFILES_IMAGE_PIXEL_LIMIT,
    thumbnailMaxInputBytes: e.MEDFILES_THUMBNAIL_MAX_INPUT_BYTES,
    webhooks: {
      retryDelaysSeconds: e.MEDFILES_WEBHOOK_RETRY_DELAYS,
      timeoutSeconds: e.MEDFILES_WEBHOOK_TIMEOUT_SECONDS,
      allowPrivateTargets: e.MEDFILES_WEBHOOK_ALLOW_PRIVATE_TARGETS,
      deadLetterQueueUrl: e.MEDFILES_WEBHOOK_DLQ_URL,
      deadLetterFile: e.MEDFILES_WEBHOOK_DLQ_FILE,
    },
    expirySweepSeconds: e.MEDFILES_EXPIRY_SWEEP_SECONDS,
  };
}

/** What a function can require of its environment; each is one variable or a local/deployed pair. */
const NEEDS = {
  bucket: { variables: 'MEDFILES_BUCKET', present: (c: Config) => c.bucket !== undefined },
  table: { variables: 'MEDFILES_TABLE', present: (c: Config) => c.table !== undefined },
  eventBus: { variables: 'MEDFILES_EVENT_BUS', present: (c: Config) => c.eventBus !== undefined },
  auditTable: { variables: 'MEDFILES_AUDIT_TABLE', present: (c: Config) => c.auditTable !== undefined },
  auditArchiveBucket: { variables: 'MEDFILES_AUDIT_ARCHIVE_BUCKET', present: (c: Config) => c.auditArchiveBucket !== undefined },
  auth: {
    variables: 'MEDFILES_JWT_SECRET (local) or MEDFILES_JWT_JWKS_URL (deployed)',
    present: (c: Config) => c.jwt.secret !== undefined || c.jwt.jwksUrl !== undefined,
  },
  signing: {
    variables: 'MEDFILES_SIGNING_SECRET (local) or MEDFILES_SIGNING_SECRET_ARN (deployed)',
    present: (c: Config) => c.signing.secret !== undefined || c.signing.secretArn !== undefined,
  },
  thumbnailFunction: { variables: 'MEDFILES_THUMBNAIL_FUNCTION', present: (c: Config) => c.thumbnailFunction !== undefined },
  deadLetters: {
    variables: 'MEDFILES_WEBHOOK_DLQ_URL (deployed) or MEDFILES_WEBHOOK_DLQ_FILE (local)',
    present: (c: Config) => c.webhooks.deadLetterQueueUrl !== undefined || c.webhooks.deadLetterFile !== undefined,
  },
} as const;

export type Need = keyof typeof NEEDS;

/** The configuration with the resource names a function asked for known to be present. */
export type ConfigWith<N extends Need> = Config & { [K in Extract<N, 'bucket' | 'table' | 'eventBus' | 'auditTable' | 'auditArchiveBucket' | 'thumbnailFunction'>]: string };

/** Checks that `config` holds every setting in `needs`; throws naming each missing variable. Exported for tests. */
export function requireSettings<N extends Need>(config: Config, needs: readonly N[]): ConfigWith<N> {
  const missing = needs.filter((need) => !NEEDS[need].present(config)).map((need) => `${NEEDS[need].variables} is required`);
  if (missing.length > 0) throw new Error(`MedFiles configuration is invalid: ${missing.join('; ')}`);
  return config as ConfigWith<N>;
}

let cached: Config | undefined;

/**
 * The process's configuration, parsed on first use, with the settings in `needs` required. Call it at module
 * init (the wiring does) so that a missing or bad variable stops the cold start with its name.
 */
export function config<N extends Need = never>(...needs: N[]): ConfigWith<N> {
  cached ??= parseConfig(process.env);
  return requireSettings(cached, needs);
}
