import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

const unsupported = (): never => {
  throw new Error('callback-style context methods are not used by these handlers');
};

/** A Lambda `context` for probe invocations, with the fields the handlers and Powertools read. */
export const benchContext = (functionName: string, timeoutMs: number): Context => {
  const awsRequestId = randomUUID();
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/11/23/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
};
