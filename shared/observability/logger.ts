import { Logger } from '@aws-lambda-powertools/logger';

/**
 * A structured JSON logger (Powertools) for one function. Each handler module creates its own at
 * module scope: a logger keeps the keys it was last given, so handlers that shared one in a
 * process (the local stack runs all of them in one) would print each other's request ids. Each
 * line names the function by `service` and the invocation by `function_request_id`, and not by
 * the Lambda context's name, ARN and memory size: the log group says those once. Handlers add the
 * vendor and `eventId` as keys; nothing logs secrets, tokens, signatures or the personal data of
 * a body, so no redaction pass is needed.
 */
export const createLogger = (): Logger =>
  new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'vendor-webhooks' });
