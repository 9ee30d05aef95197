import { FUNCTION_ENVIRONMENT_DEFAULTS } from '../../infra/function-environment';
import { isFunctionName } from '../../local/lambda/load-handler';
import type { BundleName } from './build-bundles';
import { INGEST_SIZING, sizingOf } from '../../infra/function-sizing';

/** Where the benchmark's Lambda-like functions send their AWS calls, when anywhere. */
export interface BenchEndpoints {
  /** The SQS (and Secrets Manager) stub server, e.g. `http://127.0.0.1:41234`. */
  readonly awsStub?: string;
  readonly dynamoDb?: string;
  readonly recordsTable?: string;
  readonly ledgerTable?: string;
  /** A server speaking EventBridge's `PutEvents` (the local stack's change bus). */
  readonly eventBridge?: string;
}

const ACCOUNT = '123456789012';

/** The deployed memory of a function's bundle; probes and floors get ingest's default. */
const memoryOf = (name: BundleName): number =>
  isFunctionName(name) ? sizingOf(name).memorySize : INGEST_SIZING.memorySize;
const REGION = 'us-east-1';

/**
 * The environment a bundle sees in Lambda, as the CDK stack configures it: the runtime's
 * variables (function name, region, the execution role's credentials), queue URLs, table names
 * and the Secrets Manager ARNs, so handlers take the same code paths at load as in AWS (Secrets
 * Manager clients created, no dev defaults). Endpoints point at local stand-ins when given. The
 * SDK's Node-version warning is silenced because Lambda runs Node 24, where it never fires.
 */
export const lambdaLikeEnvironment = (
  name: BundleName,
  endpoints: BenchEndpoints = {},
): NodeJS.ProcessEnv => {
  const queueBase = endpoints.awsStub ?? `https://sqs.${REGION}.amazonaws.com`;
  return {
    PATH: process.env.PATH,
    AWS_LAMBDA_FUNCTION_NAME: `vendor-webhooks-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryOf(name)),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'ASIABENCHEXAMPLE0001',
    AWS_SECRET_ACCESS_KEY: 'bench/example/secret/access/key/0000000000',
    AWS_SESSION_TOKEN: 'bench-example-session-token',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: name,
    POWERTOOLS_METRICS_NAMESPACE: 'VendorWebhooks',
    QUEUE_URL: `${queueBase}/${ACCOUNT}/vendor-webhooks-events`,
    QUARANTINE_QUEUE_URL: `${queueBase}/${ACCOUNT}/vendor-webhooks-quarantine`,
    MAX_BODY_BYTES: FUNCTION_ENVIRONMENT_DEFAULTS.MAX_BODY_BYTES,
    SECRETS_CACHE_SECONDS: FUNCTION_ENVIRONMENT_DEFAULTS.SECRETS_CACHE_SECONDS,
    WEBHOOK_SECRETS_ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:bench-webhook-secrets-AbCdEf`,
    CURSOR_SECRET_ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:bench-cursor-key-AbCdEf`,
    RECORDS_TABLE: endpoints.recordsTable ?? 'vendor-webhooks-records',
    LEDGER_TABLE: endpoints.ledgerTable ?? 'vendor-webhooks-ledger',
    EVENT_BUS_NAME: 'vendor-webhooks-changes',
    DEDUPE_WINDOW_SECONDS: FUNCTION_ENVIRONMENT_DEFAULTS.DEDUPE_WINDOW_SECONDS,
    ARCHIVE_EVENTS: FUNCTION_ENVIRONMENT_DEFAULTS.ARCHIVE_EVENTS,
    ARCHIVE_RETENTION_SECONDS: FUNCTION_ENVIRONMENT_DEFAULTS.ARCHIVE_RETENTION_SECONDS,
    ...(endpoints.awsStub
      ? {
          AWS_ENDPOINT_URL_SQS: endpoints.awsStub,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.awsStub,
        }
      : {}),
    ...(endpoints.dynamoDb ? { AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoDb } : {}),
    ...(endpoints.eventBridge ? { AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventBridge } : {}),
  };
};
