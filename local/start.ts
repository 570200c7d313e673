/**
 * `npm start`: the API on http://127.0.0.1:${PORT:-3000} with embedded S3/DynamoDB servers (or the ones named by
 * AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL_DYNAMODB), printing the URL and demo tokens.
 */
import { startLocalRuntime } from './runtime.ts';

const numberEnv = (name: string) => (process.env[name] !== undefined ? Number(process.env[name]) : undefined);

try {
  const runtime = await startLocalRuntime({
    s3Port: numberEnv('MEDFILES_S3_PORT') ?? 4569,
    dynamodbPort: numberEnv('MEDFILES_DYNAMODB_PORT') ?? 4567,
    emulatorHost: process.env.MEDFILES_EMULATOR_HOST,
  });
  const lines = [
    `MedFiles API listening on ${runtime.url}`,
    `  console: ${runtime.url}/console/`,
    `  storage: S3 ${runtime.endpoints.s3}, DynamoDB ${runtime.endpoints.dynamodb}${runtime.endpoints.external ? ' (external)' : ' (embedded)'}`,
    `  demo tenant "${runtime.tenant}" tokens (valid 12 h):`,
  ];
  for (const [role, token] of Object.entries(await runtime.demoTokens())) lines.push(`  ${role.toUpperCase()}_TOKEN=${token}`);
  lines.push(`  try: curl -H "Authorization: Bearer $PROVIDER_TOKEN" ${runtime.url}/v1/files`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = async () => {
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`MedFiles could not start: ${(error as Error).message}\n`);
  process.exit(1);
}
