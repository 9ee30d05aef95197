import { createHash } from 'node:crypto';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

const lambdaAttributes = (
  attributes: Record<string, MessageAttributeValue> | undefined,
): SQSMessageAttributes => {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    out[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
        : {}),
      stringListValues: [...(value.StringListValues ?? [])],
      binaryListValues: (value.BinaryListValues ?? []).map((item) =>
        Buffer.from(item).toString('base64'),
      ),
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
};

/**
 * One received message as the record the event source mapping puts in an `SQSEvent`: camel-case
 * fields, every system attribute (`ApproximateReceiveCount`, `SentTimestamp`, …), message
 * attributes with base64 binaries and the empty list fields Lambda always includes.
 */
export const toSqsRecord = (
  message: Message,
  queue: { arn: string; region: string },
): SQSRecord => {
  const attributes = message.Attributes ?? {};
  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp:
        attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: lambdaAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? md5(body),
    ...(message.MD5OfMessageAttributes !== undefined
      ? { md5OfMessageAttributes: message.MD5OfMessageAttributes }
      : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: queue.region,
  };
};

/** The `SQSEvent` for one received batch, in receive order. */
export const toSqsEvent = (
  messages: readonly Message[],
  queue: { arn: string; region: string },
): SQSEvent => ({ Records: messages.map((message) => toSqsRecord(message, queue)) });
