import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readAwsEnvironment } from '../../shared/aws/aws-environment';
import { createSqsMessageSender } from '../../shared/aws/sqs-send-message';
import { requiredString } from '../../shared/config/env';

/**
 * The physical floor of an ingest request, for the CPU comparison: parse the JSON body and put it
 * on the queue with ONE SendMessage through the same SQS client ingest uses (the lean JSON client:
 * same SigV4 signer, serialization, MD5 checks, timeouts). No authentication, no validation, no envelope, no logs:
 * whatever ours spends above this is the price of those.
 */
const queueUrl = requiredString(process.env, 'QUEUE_URL');
const sqs = createSqsMessageSender(readAwsEnvironment(process.env));

export const handler = async (
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const text = event.body ?? '';
  const payload: unknown = JSON.parse(text);
  if (typeof payload !== 'object' || payload === null) return { statusCode: 400, body: '{}' };
  await sqs.sendMessage({ queueUrl, body: text, attributes: {} });
  return { statusCode: 200, body: '{"status":"accepted"}' };
};
