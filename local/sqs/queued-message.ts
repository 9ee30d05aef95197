import type { Message, MessageAttributeValue, SendMessageCommandInput } from '@aws-sdk/client-sqs';
import * as v from 'valibot';

/** One message attribute as it is saved: binary values as base64 text. */
const SavedAttributeSchema = v.object({
  dataType: v.string(),
  stringValue: v.optional(v.string()),
  binaryValue: v.optional(v.string()),
});

/**
 * A message lifted out of local SQS, with what it takes to put it back: body, message
 * attributes, and how often it was delivered. JSON-safe, because it is what `.data/sqs/*.json`
 * holds between runs.
 */
export const QueuedMessageSchema = v.object({
  messageId: v.string(),
  body: v.string(),
  messageAttributes: v.record(v.string(), SavedAttributeSchema),
  /** Deliveries so far. A restored message starts again at 0 (SendMessage cannot set it). */
  receiveCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
/** A message held outside SQS: in a snapshot file or in the worker feed's memory. */
export type QueuedMessage = v.InferOutput<typeof QueuedMessageSchema>;

const savedAttributes = (
  attributes: Record<string, MessageAttributeValue> | undefined,
): QueuedMessage['messageAttributes'] => {
  const saved: QueuedMessage['messageAttributes'] = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    saved[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
        : {}),
    };
  }
  return saved;
};

/**
 * A received SDK message as a `QueuedMessage`. `deliveriesBefore` says how many receives to
 * discount: 1 when the receive itself was only a read (a snapshot), 0 when it was a delivery.
 */
export const toQueuedMessage = (message: Message, deliveriesBefore: 0 | 1): QueuedMessage => {
  const count = Number(message.Attributes?.ApproximateReceiveCount ?? '0');
  return {
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    messageAttributes: savedAttributes(message.MessageAttributes),
    receiveCount: Number.isFinite(count) ? Math.max(0, count - deliveriesBefore) : 0,
  };
};

/** The SendMessage that puts a saved message back on a queue, attributes included. */
export const toSendMessageInput = (
  queueUrl: string,
  message: QueuedMessage,
): SendMessageCommandInput => {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.messageAttributes)) {
    attributes[name] = {
      DataType: value.dataType,
      ...(value.stringValue !== undefined ? { StringValue: value.stringValue } : {}),
      ...(value.binaryValue !== undefined
        ? { BinaryValue: Buffer.from(value.binaryValue, 'base64') }
        : {}),
    };
  }
  return {
    QueueUrl: queueUrl,
    MessageBody: message.body,
    ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
  };
};
