import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';

/**
 * Counters of every request a real SDK client puts on the wire, by command name. The middleware
 * sits in the deserialize step, which runs once per HTTP attempt (retries included).
 */
const MIDDLEWARE = { step: 'deserialize', name: 'countWireCalls' } as const;

/** Counts the SQS client's wire calls. */
export const countSqsCalls = (client: SQSClient): string[] => {
  const calls: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    MIDDLEWARE,
  );
  return calls;
};

/** Counts the Secrets Manager client's wire calls. */
export const countSecretsManagerCalls = (client: SecretsManagerClient): string[] => {
  const calls: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    MIDDLEWARE,
  );
  return calls;
};
