import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../stack/local-names';
import { LocalStackError } from '../stack/local-stack-error';

/**
 * The `context` Lambda hands a handler, for one local invocation: the same fields, and a
 * `getRemainingTimeInMillis` that counts down the function timeout the local runner enforces.
 */
export const lambdaContext = (
  functionName: string,
  timeoutMs: number,
  awsRequestId: string = randomUUID(),
): Context => {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new LocalStackError('callback-style context methods are not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
};
