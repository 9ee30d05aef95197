import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { requiredString } from '../../shared/config/env';
import { createIngestSqsClient } from '../../shared/queue/event-queue';

/**
 * The physical floor of an ingest request, for the CPU comparison: parse the JSON body and put it
 * on the queue with ONE SendMessage through the same SQS client ingest uses (same SDK, SigV4,
 * serialization, MD5 check, timeouts). No authentication, no validation, no envelope, no logs:
 * whatever ours spends above this is the price of those.
 */
const queueUrl = requiredString(process.env, 'QUEUE_URL');
const sqs = createIngestSqsClient();

export const handler = async (
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const text = event.body ?? '';
  const payload: unknown = JSON.parse(text);
  if (typeof payload !== 'object' || payload === null) return { statusCode: 400, body: '{}' };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: text }));
  return { statusCode: 200, body: '{"status":"accepted"}' };
};
