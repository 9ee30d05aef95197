import { LOCAL_AWS } from '../servers/dynamodb-local';
import type { LocalQueues } from './queue-layout';
import type { Env } from '../../shared/config/env';

/** Where the local servers and resources are; each part only when that server runs. */
export interface LocalWiring {
  readonly sqsEndpoint?: string;
  readonly dynamoDbEndpoint?: string;
  readonly queues?: LocalQueues;
  readonly tables?: { readonly records: string; readonly ledger: string };
  /** The local change bus: where the publisher's PutEvents go, and the bus's name. */
  readonly changeBus?: { readonly endpoint: string; readonly name: string };
  /** `POWERTOOLS_LOG_LEVEL` for the handlers, when the stack chooses it. */
  readonly logLevel?: string;
}

/** The environment changes to apply before importing handlers: values to set, names to drop. */
export interface EnvironmentOverlay {
  readonly set: Readonly<Record<string, string>>;
  readonly unset: readonly string[];
}

/**
 * Credentials and profiles that would make the SDK reach for a real AWS account (an expired SSO
 * profile fails even against a local endpoint). The local stack drops them and uses dummies.
 */
const REAL_CREDENTIAL_VARIABLES = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE'];

/**
 * The local worker's function timeout: a few seconds short of the visibility timeout (at least
 * 3 s, at most Lambda's 30 s here), and always at least half a second short of it, however short
 * the visibility timeout. A batch that outlived its messages' visibility would see them received
 * again while it still held them, and its deletes would then come with stale receipt handles: a
 * message it had processed would count another receive, and reach the dead-letter queue.
 */
export const localWorkerTimeoutMs = (visibilityTimeoutSeconds: number): number => {
  const visibilityMs = visibilityTimeoutSeconds * 1000;
  return Math.min(30_000, Math.max(3_000, visibilityMs - 5_000), visibilityMs - 500);
};

/**
 * The environment every handler sees locally: the same variable names as in Lambda (QUEUE_URL,
 * RECORDS_TABLE, …), pointed at the local servers through the SDK's own endpoint variables
 * (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_EVENTBRIDGE`), with dummy
 * credentials.
 *
 * Wiring (endpoints, queue URLs, table names, the bus) always comes from the stack, so a shell that still
 * holds a deployed QUEUE_URL cannot leak into local runs. Behaviour settings (MAX_BODY_BYTES,
 * DEDUPE_WINDOW_SECONDS, ARCHIVE_*, log level) and the webhook secrets pass
 * through from the caller's environment; secrets left unset take their printed dev defaults
 * inside the handlers, as outside Lambda they always do.
 */
export const lambdaEnvironment = (env: Env, wiring: LocalWiring): EnvironmentOverlay => {
  const set: Record<string, string> = {
    AWS_REGION: LOCAL_AWS.region,
    AWS_DEFAULT_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  if (env.POWERTOOLS_METRICS_DISABLED === undefined) {
    // EMF metric lines mean something to CloudWatch only; locally they would drown the logs.
    set.POWERTOOLS_METRICS_DISABLED = 'true';
  }
  if (wiring.logLevel !== undefined) set.POWERTOOLS_LOG_LEVEL = wiring.logLevel;
  if (wiring.sqsEndpoint) set.AWS_ENDPOINT_URL_SQS = wiring.sqsEndpoint;
  if (wiring.dynamoDbEndpoint) set.AWS_ENDPOINT_URL_DYNAMODB = wiring.dynamoDbEndpoint;
  if (wiring.queues) {
    set.QUEUE_URL = wiring.queues.main.url;
    set.QUARANTINE_QUEUE_URL = wiring.queues.quarantine.url;
  }
  if (wiring.tables) {
    set.RECORDS_TABLE = wiring.tables.records;
    set.LEDGER_TABLE = wiring.tables.ledger;
  }
  if (wiring.changeBus) {
    set.AWS_ENDPOINT_URL_EVENTBRIDGE = wiring.changeBus.endpoint;
    set.EVENT_BUS_NAME = wiring.changeBus.name;
  }
  const unset = [
    ...REAL_CREDENTIAL_VARIABLES,
    // Lambda-only: with it set, handlers would refuse dev defaults and look for Secrets Manager.
    'AWS_LAMBDA_FUNCTION_NAME',
    'WEBHOOK_SECRETS_ARN',
  ];
  return { set, unset };
};

/** Applies an overlay to `process.env` (before any handler module is imported). */
export const applyEnvironment = (overlay: EnvironmentOverlay): void => {
  for (const name of overlay.unset) delete process.env[name];
  Object.assign(process.env, overlay.set);
};
