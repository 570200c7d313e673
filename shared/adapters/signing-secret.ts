/** The signing key from Secrets Manager (deployed): the key for signed content links and list cursors. */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Secrets shorter than this are refused: the key is stretched, but a short one is guessable. */
const MIN_LENGTH = 32;

export async function readSigningSecret(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!out.SecretString || out.SecretString.length < MIN_LENGTH) throw new Error('signing secret is missing or too short');
  return out.SecretString;
}
