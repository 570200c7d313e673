/** Configuration is parsed once and fails loudly, naming the variable, on a missing or bad value. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_TYPES, parseConfig, requireSettings, type Need } from '../../shared/config.ts';

const MiB = 1024 * 1024;
const minimal = {
  MEDFILES_BUCKET: 'medfiles-bucket',
  MEDFILES_TABLE: 'medfiles-table',
  MEDFILES_JWT_SECRET: 'j'.repeat(32),
  MEDFILES_SIGNING_SECRET: 's'.repeat(32),
};

function failure(env: Record<string, string | undefined>): string {
  try {
    parseConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return expect.fail('expected parseConfig to throw');
}

describe('parseConfig', () => {
  it('has the documented defaults', () => {
    const config = parseConfig(minimal);
    expect(config).toMatchObject({
      bucket: 'medfiles-bucket',
      table: 'medfiles-table',
      eventBus: undefined,
      region: 'us-east-1',
      s3ForcePathStyle: false,
      jwt: { secret: 'j'.repeat(32), jwksUrl: undefined, issuer: undefined, audience: undefined, tenantClaim: 'tenant', roleClaim: 'role' },
      signing: { secret: 's'.repeat(32), secretArn: undefined },
      publicUrl: undefined,
      downloadUrlTtlSeconds: 900,
      redirectUrlTtlSeconds: 60,
      inlineUploadMaxBytes: 4 * MiB,
      inlineResponseMaxBytes: 4 * MiB,
      maxUploadBytes: 5 * 1024 * MiB,
      thumbnailFunction: undefined,
      imagePixelLimit: 100_000_000,
      thumbnailMaxInputBytes: 100 * MiB,
    });
    expect([...config.allowedTypes].sort()).toEqual(DEFAULT_ALLOWED_TYPES.split(',').sort());
  });

  it('the default allow-list holds the documented types and no markup or executables', () => {
    const types = new Set(DEFAULT_ALLOWED_TYPES.split(','));
    for (const t of ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/heif', 'image/tiff', 'application/pdf', 'application/dicom', 'text/plain', 'text/csv', 'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'video/mp4', 'video/quicktime']) {
      expect(types.has(t), t).toBe(true);
    }
    for (const t of ['text/html', 'image/svg+xml', 'application/javascript', 'application/xml', 'application/zip', 'application/x-msdownload']) {
      expect(types.has(t), t).toBe(false);
    }
  });

  it('reads every setting', () => {
    const config = parseConfig({
      ...minimal,
      MEDFILES_EVENT_BUS: 'bus',
      MEDFILES_CLAIM_TENANT: 'custom:tenant',
      MEDFILES_CLAIM_ROLE: 'custom:role',
      MEDFILES_PUBLIC_URL: 'https://files.example.org/',
      MEDFILES_DOWNLOAD_URL_TTL_SECONDS: '300',
      MEDFILES_REDIRECT_URL_TTL_SECONDS: '30',
      MEDFILES_INLINE_UPLOAD_MAX_BYTES: '1000',
      MEDFILES_INLINE_RESPONSE_MAX_BYTES: '2000',
      MEDFILES_MAX_UPLOAD_BYTES: '3000',
      MEDFILES_ALLOWED_TYPES: ' application/pdf , image/png,,',
      MEDFILES_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'eu-central-1',
    });
    expect(config).toMatchObject({
      eventBus: 'bus',
      region: 'eu-central-1',
      s3ForcePathStyle: true,
      jwt: { tenantClaim: 'custom:tenant', roleClaim: 'custom:role' },
      publicUrl: 'https://files.example.org',
      downloadUrlTtlSeconds: 300,
      redirectUrlTtlSeconds: 30,
      inlineUploadMaxBytes: 1000,
      inlineResponseMaxBytes: 2000,
      maxUploadBytes: 3000,
    });
    expect([...config.allowedTypes]).toEqual(['application/pdf', 'image/png']);
  });

  it('accepts the deployed shape: JWKS and a Secrets Manager ARN instead of local secrets', () => {
    const config = parseConfig({
      MEDFILES_BUCKET: 'b-1',
      MEDFILES_TABLE: 't-1',
      MEDFILES_JWT_JWKS_URL: 'https://cognito-idp.eu-central-1.amazonaws.com/pool/.well-known/jwks.json',
      MEDFILES_JWT_ISSUER: 'https://issuer',
      MEDFILES_JWT_AUDIENCE: 'aud',
      MEDFILES_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:x',
    });
    expect(config.jwt.secret).toBeUndefined();
    expect(config.jwt.jwksUrl).toMatch(/^https:/);
    expect(config.signing.secretArn).toMatch(/^arn:/);
  });

  it('names every bad variable at once', () => {
    const message = failure({ MEDFILES_JWT_SECRET: 'short', MEDFILES_BUCKET: 'b', MEDFILES_DOWNLOAD_URL_TTL_SECONDS: 'abc' });
    for (const name of ['MEDFILES_BUCKET', 'MEDFILES_JWT_SECRET', 'MEDFILES_DOWNLOAD_URL_TTL_SECONDS']) expect(message).toContain(name);
  });

  it('a function that verifies no tokens and signs nothing starts without those secrets (checked where used)', () => {
    const config = parseConfig({ MEDFILES_BUCKET: 'b-1', MEDFILES_TABLE: 't-1' });
    expect(config.jwt.secret).toBeUndefined();
    expect(config.jwt.jwksUrl).toBeUndefined();
    expect(config.signing).toEqual({ secret: undefined, secretArn: undefined });
  });

  it.each([
    ['MEDFILES_JWT_SECRET', 'j'.repeat(31)],
    ['MEDFILES_SIGNING_SECRET', 's'.repeat(31)],
    ['MEDFILES_JWT_JWKS_URL', 'not a url'],
    ['MEDFILES_PUBLIC_URL', 'files.example.org'],
    ['MEDFILES_DOWNLOAD_URL_TTL_SECONDS', 'abc'],
    ['MEDFILES_DOWNLOAD_URL_TTL_SECONDS', '0'],
    ['MEDFILES_DOWNLOAD_URL_TTL_SECONDS', '-5'],
    ['MEDFILES_DOWNLOAD_URL_TTL_SECONDS', '1.5'],
    ['MEDFILES_DOWNLOAD_URL_TTL_SECONDS', ''],
    ['MEDFILES_REDIRECT_URL_TTL_SECONDS', '61'],
    ['MEDFILES_REDIRECT_URL_TTL_SECONDS', '0'],
    ['MEDFILES_INLINE_UPLOAD_MAX_BYTES', '4MiB'],
    ['MEDFILES_INLINE_RESPONSE_MAX_BYTES', 'NaN'],
    ['MEDFILES_MAX_UPLOAD_BYTES', 'Infinity'],
    ['MEDFILES_IMAGE_PIXEL_LIMIT', '1e'],
    ['MEDFILES_THUMBNAIL_MAX_INPUT_BYTES', '-1'],
    ['MEDFILES_S3_FORCE_PATH_STYLE', 'yes'],
    ['MEDFILES_BUCKET', 'ab'],
  ])('%s=%j throws naming it', (name, value) => {
    expect(failure({ ...minimal, [name]: value })).toContain(name);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('MEDFILES_S3_FORCE_PATH_STYLE=%s is %s', (value, expected) => {
    expect(parseConfig({ ...minimal, MEDFILES_S3_FORCE_PATH_STYLE: value }).s3ForcePathStyle).toBe(expected);
  });

  it('does not echo secret values in its error', () => {
    const message = failure({ ...minimal, MEDFILES_JWT_SECRET: 'tiny-secret', MEDFILES_BUCKET: undefined });
    expect(message).not.toContain('tiny-secret');
  });
});

describe('requireSettings: a function requires only the settings it uses', () => {
  const required = (env: Record<string, string | undefined>, needs: Need[]) => {
    try {
      requireSettings(parseConfig(env), needs);
    } catch (error) {
      return (error as Error).message;
    }
    return 'ok';
  };

  it('a function with no needs (health, openapi) starts with an empty environment', () => {
    expect(required({}, [])).toBe('ok');
  });

  it.each([
    ['bucket', 'MEDFILES_BUCKET'],
    ['table', 'MEDFILES_TABLE'],
    ['eventBus', 'MEDFILES_EVENT_BUS'],
    ['auth', 'MEDFILES_JWT_SECRET (local) or MEDFILES_JWT_JWKS_URL (deployed)'],
    ['signing', 'MEDFILES_SIGNING_SECRET (local) or MEDFILES_SIGNING_SECRET_ARN (deployed)'],
    ['deadLetters', 'MEDFILES_WEBHOOK_DLQ_URL (deployed) or MEDFILES_WEBHOOK_DLQ_FILE (local)'],
  ] as const)('needing %s without it throws naming %s', (need, variables) => {
    expect(required({}, [need])).toBe(`MedFiles configuration is invalid: ${variables} is required`);
  });

  it('names every missing variable at once, and is satisfied by either form of a pair', () => {
    const message = required({ MEDFILES_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:x' }, ['bucket', 'table', 'signing']);
    expect(message).toContain('MEDFILES_BUCKET');
    expect(message).toContain('MEDFILES_TABLE');
    expect(message).not.toContain('SIGNING');
    expect(required({ ...minimal, MEDFILES_WEBHOOK_DLQ_URL: 'https://sqs/q' }, ['bucket', 'table', 'auth', 'signing', 'deadLetters'])).toBe('ok');
  });
});
