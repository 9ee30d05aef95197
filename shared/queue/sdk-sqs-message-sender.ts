import {
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SqsMessageSender } from '../aws/sqs-send-message';

const stringAttributes = (
  attributes: Readonly<Record<string, string>>,
): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, text]) => [
      name,
      { DataType: 'String', StringValue: text },
    ]),
  );

/**
 * The SDK's SQS client as an `SqsMessageSender`, for tools that already hold one (quarantine
 * redrive) and for tests that compare the two. In its own module so that the event queue never
 * pulls the SDK into an ingest bundle.
 */
export const sdkSqsMessageSender = (client: SQSClient): SqsMessageSender => ({
  sendMessage: async (input) => {
    const output = await client.send(
      new SendMessageCommand({
        QueueUrl: input.queueUrl,
        MessageBody: input.body,
        MessageAttributes: stringAttributes(input.attributes),
      }),
    );
    return { messageId: output.MessageId ?? '' };
  },
});
