import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { AwsCallError } from './aws-call-error';
import type { AwsEnvironment } from './aws-environment';
import { AwsJsonClient, type AwsJsonClientOptions } from './aws-json-client';

/** SQS over the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Operation>`). */
export const SQS_JSON_SERVICE = {
  id: 'sqs',
  jsonVersion: '1.0',
  targetPrefix: 'AmazonSQS',
} as const;

/** One message to send: its body and string attributes, to the queue its URL names. */
export interface SendMessageInput {
  readonly queueUrl: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** What SQS answers for a message it stored. */
export interface SendMessageOutput {
  readonly messageId: string;
}

/**
 * The one SQS operation the ingest path needs. A port, so the event queue adapter does not care
 * whether it is this lean client or (in tools that already hold one) the SDK's.
 */
export interface SqsMessageSender {
  readonly sendMessage: (input: SendMessageInput) => Promise<SendMessageOutput>;
}

const SendMessageAnswerSchema = v.object({
  MessageId: v.string(),
  MD5OfMessageBody: v.string(),
  MD5OfMessageAttributes: v.optional(v.string()),
});

const md5Hex = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');

const lengthPrefixed = (text: string): Buffer => {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

const STRING_TRANSPORT = Buffer.from([1]);

/**
 * SQS's `MD5OfMessageAttributes` of string attributes: per attribute in name order, the
 * length-prefixed name, the length-prefixed data type, a transport byte (1 = string) and the
 * length-prefixed value.
 */
export const messageAttributesMd5 = (attributes: Readonly<Record<string, string>>): string =>
  md5Hex(
    Buffer.concat(
      Object.keys(attributes)
        .sort()
        .flatMap((name) => [
          lengthPrefixed(name),
          lengthPrefixed('String'),
          STRING_TRANSPORT,
          lengthPrefixed(attributes[name] ?? ''),
        ]),
    ),
  );

/**
 * Sends one message with `AmazonSQS.SendMessage`, and checks the digests SQS answers against what
 * was sent, as the SDK does: a message that reached the queue altered is reported as a failure
 * (not retried here: the caller answers 503 and the vendor's retry sends it again, which the
 * worker's deduplication absorbs), never as stored. Two MD5s over a body of at most 1 MiB cost
 * microseconds.
 */
export const sendSqsMessage = async (
  client: AwsJsonClient,
  input: SendMessageInput,
): Promise<SendMessageOutput> => {
  const names = Object.keys(input.attributes);
  const answer = v.safeParse(
    SendMessageAnswerSchema,
    await client.call('SendMessage', {
      QueueUrl: input.queueUrl,
      MessageBody: input.body,
      ...(names.length > 0
        ? {
            MessageAttributes: Object.fromEntries(
              names.map((name) => [
                name,
                { DataType: 'String', StringValue: input.attributes[name] ?? '' },
              ]),
            ),
          }
        : {}),
    }),
  );
  const mismatch = (code: string): AwsCallError =>
    new AwsCallError({ service: 'sqs', operation: 'SendMessage', code, retryable: false });
  if (!answer.success) throw mismatch('InvalidResponse');
  if (answer.output.MD5OfMessageBody !== md5Hex(input.body)) throw mismatch('BodyMd5Mismatch');
  if (
    names.length > 0 &&
    answer.output.MD5OfMessageAttributes !== messageAttributesMd5(input.attributes)
  ) {
    throw mismatch('AttributesMd5Mismatch');
  }
  return { messageId: answer.output.MessageId };
};

/**
 * The ingest path's SQS client, created once per container: at most two attempts of 2 s each
 * (connecting included) with a pause of at most 100 ms between them, so a hung queue becomes our
 * own 503 (with `Retry-After`) in about 4 s, the budget the SDK client had (2 × (0.5 s + 1.5 s)):
 * inside the ingest function's timeout even after a cold secrets read, and well inside the
 * shortest vendor deadline (10 s). A 1 MiB SendMessage takes tens of milliseconds from Lambda.
 */
export const createSqsMessageSender = (
  environment: AwsEnvironment,
  overrides: Partial<Omit<AwsJsonClientOptions, 'service' | 'environment'>> = {},
): SqsMessageSender => {
  const client = new AwsJsonClient({
    service: SQS_JSON_SERVICE,
    environment,
    maxAttempts: 2,
    attemptTimeoutMs: 2000,
    ...overrides,
  });
  return { sendMessage: (input) => sendSqsMessage(client, input) };
};
