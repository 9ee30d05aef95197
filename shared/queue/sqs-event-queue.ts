import { type MessageAttributeValue, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ServiceError } from '../errors/service-error';

/** SQS's hard limit on one message: body plus attribute names, types and values. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/** One message, ready to send: its body and its string attributes. */
export interface QueueMessage {
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Where ingest puts messages. A port, so the pipeline is tested with an in-memory queue and runs
 * against SQS in AWS and against the local SQS server unchanged. The event queue and the
 * quarantine queue share this shape.
 */
export interface EventQueue {
  /** Resolves once the message is durably on the queue; rejects with `EnqueueError` otherwise. */
  readonly send: (message: QueueMessage) => Promise<void>;
}

/** The queue did not take a message (throttled, timed out, unreachable, refused). */
export class EnqueueError extends ServiceError {
  readonly retryable = true;

  constructor(
    message: string,
    readonly queueUrl: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EnqueueError';
  }
}

/**
 * SQS accepts only XML characters. JSON.stringify already escapes control characters and lone
 * surrogates; U+FFFE and U+FFFF pass through it raw and would make SQS refuse the message
 * forever, so they are escaped too (valid JSON, same value).
 */
const escapeNonXmlForJson = (json: string): string =>
  json.replace(/[\ufffe\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);

const NON_XML_TEXT =
  // Control characters on purpose: these are exactly the characters SQS refuses.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Attributes are informational (the body is authoritative), so unsendable characters become U+FFFD. */
const xmlSafeText = (text: string): string => text.replace(NON_XML_TEXT, '\ufffd');

/**
 * A message SQS will accept from JSON text already written: the body made XML-safe, empty
 * attribute values left out (SQS refuses them), the others made XML-safe.
 */
export const jsonQueueMessage = (
  json: string,
  attributes: Readonly<Record<string, string>>,
): QueueMessage => {
  const safeAttributes: Record<string, string> = {};
  for (const [name, text] of Object.entries(attributes)) {
    if (text.length > 0) safeAttributes[name] = xmlSafeText(text);
  }
  return { body: escapeNonXmlForJson(json), attributes: safeAttributes };
};

/** Encodes a value as a message SQS will accept: JSON body, string attributes. */
export const toQueueMessage = (
  value: unknown,
  attributes: Readonly<Record<string, string>>,
): QueueMessage => jsonQueueMessage(JSON.stringify(value), attributes);

/** The size SQS counts against `SQS_MAX_MESSAGE_BYTES`. */
export const queueMessageBytes = (message: QueueMessage): number => {
  let bytes = Buffer.byteLength(message.body, 'utf8');
  for (const [name, text] of Object.entries(message.attributes)) {
    bytes += Buffer.byteLength(name, 'utf8') + 'String'.length + Buffer.byteLength(text, 'utf8');
  }
  return bytes;
};

/**
 * An SQS client for the ingest path, to be created once per container (module scope). Short
 * timeouts and at most two attempts, so a hung queue becomes our own 503 (with `Retry-After`) in
 * at most 2 × (0.5 s + 1.5 s) = 4 s: inside the ingest function's timeout even after a cold
 * secrets read (2 s at most), and well inside the shortest vendor deadline (10 s). A 1 MiB SendMessage
 * takes tens of milliseconds from Lambda, so 1.5 s is generous. The endpoint comes from the
 * SDK's own `AWS_ENDPOINT_URL_SQS` where set, so the same code runs against the local server.
 */
export const createIngestSqsClient = (): SQSClient =>
  new SQSClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 500, requestTimeout: 1500, throwOnRequestTimeout: true },
  });

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
 * The SQS adapter: exactly one SendMessage per message, nothing else. SDK errors are translated
 * into `EnqueueError` here, so the pipeline never sees an SDK type.
 */
export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  readonly send = async (message: QueueMessage): Promise<void> => {
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: message.body,
          MessageAttributes: stringAttributes(message.attributes),
        }),
      );
    } catch (error) {
      throw new EnqueueError(
        `SendMessage failed: ${error instanceof Error ? error.name : 'unknown error'}`,
        this.queueUrl,
        { cause: error },
      );
    }
  };
}
