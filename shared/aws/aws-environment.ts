import type { Env } from '../config/env';

/** The services the lean clients call, by their signing name. */
export type AwsServiceId = 'sqs' | 'secretsmanager' | 'dynamodb';

/**
 * The variable that overrides each service's endpoint: the SDK's own names, so the local stack,
 * the tests and the benchmark point the lean clients where they pointed the SDK, unchanged.
 */
export const ENDPOINT_VARIABLES: Readonly<Record<AwsServiceId, string>> = {
  sqs: 'AWS_ENDPOINT_URL_SQS',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
};

/** The signing credentials Lambda hands a function (its execution role's, temporary). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where and as whom a function calls AWS, read once from its environment. */
export interface AwsEnvironment {
  /** `AWS_REGION` (`AWS_DEFAULT_REGION` as the SDK falls back); absent fails at the first call. */
  readonly region: string | undefined;
  /** Absent fails at the first call, not at load: a handler still loads to answer 5xx. */
  readonly credentials: AwsCredentials | undefined;
  /** Endpoint overrides by service (`AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`). */
  readonly endpoints: Readonly<Partial<Record<AwsServiceId, string>>>;
}

const nonEmpty = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/**
 * Reads region, credentials and endpoint overrides once, at module load, as the SDK's environment
 * credential provider does. Why the environment and nothing else: Lambda always gives a function
 * its role's credentials as `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` for
 * the life of the container (the deployed bundles already kept only this link of the SDK's chain),
 * and the local stack and the benchmark set the same variables.
 */
export const readAwsEnvironment = (env: Env): AwsEnvironment => {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  const shared = nonEmpty(env.AWS_ENDPOINT_URL);
  const endpoints: Partial<Record<AwsServiceId, string>> = {};
  for (const [service, variable] of Object.entries(ENDPOINT_VARIABLES) as [
    AwsServiceId,
    string,
  ][]) {
    const endpoint = nonEmpty(env[variable]) ?? shared;
    if (endpoint !== undefined) endpoints[service] = endpoint;
  }
  return {
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION),
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
        : undefined,
    endpoints,
  };
};
