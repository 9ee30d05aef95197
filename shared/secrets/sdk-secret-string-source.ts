import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretStringSource } from './secret-string-source';

/**
 * The SDK's Secrets Manager client as a `SecretStringSource`, for the functions that keep the SDK
 * (the read API's cursor key) and for tools. Kept in its own module so that importing the port
 * never pulls the SDK into a bundle.
 */
export const sdkSecretStringSource = (client: SecretsManagerClient): SecretStringSource => ({
  getSecretString: async (secretId) =>
    (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString,
});
