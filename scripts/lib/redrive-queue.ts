import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { toQueuedMessage, toSendMessageInput } from '../../local/sqs/queued-message';
import { QuarantineRecordSchema } from '../../shared/ingest/quarantine';
import { ENVELOPE_ATTRIBUTES } from '../../shared/queue/event-envelope';
import { SqsEventQueue } from '../../shared/queue/sqs-event-queue';
import { revalidateQuarantined } from './quarantine-revalidation';
import type { RedriveTarget } from './redrive-target';

/** An SQS call of a redrive failed; the message names the call and the queue. */
export class RedriveError extends Error {
  constructor(
    message: string,
    readonly queueUrl: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RedriveError';
  }
}

/** Runs one SQS call, translating an SDK failure into a `RedriveError` with its context. */
const sqsCall = async <T>(what: string, queueUrl: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new RedriveError(`${what} on ${queueUrl} failed (${reason})`, queueUrl, { cause: error });
  }
};

/** What happened to one message. */
export interface RedriveLine {
  readonly messageId: string;
  readonly outcome: 'moved' | 'kept' | 'would move';
  readonly detail: string;
}

/** The counts printed at the end of a redrive. */
export interface RedriveSummary {
  readonly moved: number;
  readonly kept: number;
}

/** Long enough to finish a run; a message left behind by a crash reappears after it. */
const HIDE_SECONDS = 300;

const receiveBatch = async (target: RedriveTarget): Promise<Message[]> => {
  const output = await sqsCall('ReceiveMessage', target.sourceUrl, () =>
    target.client.send(
      new ReceiveMessageCommand({
        QueueUrl: target.sourceUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: HIDE_SECONDS,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    ),
  );
  return output.Messages ?? [];
};

const deleteFromSource = (target: RedriveTarget, message: Message) =>
  sqsCall('DeleteMessage', target.sourceUrl, () =>
    target.client.send(
      new DeleteMessageCommand({
        QueueUrl: target.sourceUrl,
        ReceiptHandle: message.ReceiptHandle,
      }),
    ),
  );

/** Makes a message visible again at once, so it stays where it was for the next look. */
const release = (target: RedriveTarget, message: Message) =>
  sqsCall('ChangeMessageVisibility', target.sourceUrl, () =>
    target.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: target.sourceUrl,
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    ),
  );

/**
 * Moves every DLQ message back to the main queue unchanged (body and attributes): the worker
 * failed it, so after a fix it simply gets another go. Each message is sent before it is
 * deleted, so a crash in between duplicates one (the worker dedupes) and never loses one.
 */
export const redriveDeadLetters = async (
  target: RedriveTarget,
  options: { dryRun: boolean; onLine: (line: RedriveLine) => void },
): Promise<RedriveSummary> => {
  let moved = 0;
  const held: Message[] = [];
  for (;;) {
    const messages = await receiveBatch(target);
    if (messages.length === 0) break;
    for (const message of messages) {
      const messageId = message.MessageId ?? '';
      const eventId = message.MessageAttributes?.[ENVELOPE_ATTRIBUTES.eventId]?.StringValue ?? '';
      if (options.dryRun) {
        held.push(message);
        options.onLine({ messageId, outcome: 'would move', detail: eventId });
        continue;
      }
      await sqsCall('SendMessage', target.mainUrl, () =>
        target.client.send(
          new SendMessageCommand(toSendMessageInput(target.mainUrl, toQueuedMessage(message, 0))),
        ),
      );
      await deleteFromSource(target, message);
      moved += 1;
      options.onLine({ messageId, outcome: 'moved', detail: eventId });
    }
  }
  for (const message of held) await release(target, message);
  return { moved, kept: held.length };
};

const JsonTextSchema = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      const parsed: unknown = JSON.parse(dataset.value);
      return parsed;
    } catch {
      addIssue({ message: 'is not JSON' });
      return NEVER;
    }
  }),
);
const QuarantineMessageSchema = v.pipe(JsonTextSchema, QuarantineRecordSchema);

/**
 * Re-validates every quarantined delivery with today's schemas and moves the ones that now pass
 * to the main queue, as the envelope ingest would have queued (same receipt time and request id,
 * so the same eventId). The ones that still fail stay in quarantine, with the reason printed.
 * All messages are received first and the kept ones released at the end, so none is looked at
 * twice in one run.
 */
export const redriveQuarantine = async (
  target: RedriveTarget,
  options: { dryRun: boolean; onLine: (line: RedriveLine) => void },
): Promise<RedriveSummary> => {
  const received: Message[] = [];
  for (;;) {
    const messages = await receiveBatch(target);
    if (messages.length === 0) break;
    received.push(...messages);
  }
  const mainQueue = new SqsEventQueue(target.client, target.mainUrl);
  let moved = 0;
  const kept: Message[] = [];
  for (const message of received) {
    const messageId = message.MessageId ?? '';
    const record = v.safeParse(QuarantineMessageSchema, message.Body ?? '');
    if (!record.success) {
      kept.push(message);
      options.onLine({ messageId, outcome: 'kept', detail: 'not a quarantine record' });
      continue;
    }
    const result = revalidateQuarantined(record.output);
    if (!result.ok) {
      kept.push(message);
      options.onLine({
        messageId,
        outcome: 'kept',
        detail: `${record.output.vendor}: ${result.reason}`,
      });
      continue;
    }
    if (options.dryRun) {
      kept.push(message);
      options.onLine({ messageId, outcome: 'would move', detail: result.eventId });
      continue;
    }
    await sqsCall('SendMessage', target.mainUrl, () => mainQueue.send(result.message));
    await deleteFromSource(target, message);
    moved += 1;
    options.onLine({ messageId, outcome: 'moved', detail: result.eventId });
  }
  for (const message of kept) await release(target, message);
  return { moved, kept: kept.length };
};
