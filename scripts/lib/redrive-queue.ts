import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { toQueuedMessage, toSendMessageInput } from '../../local/sqs/queued-message';
import { QuarantineRecordSchema } from '../../shared/ingest/quarantine';
import { ENVELOPE_ATTRIBUTES, SqsEventQueue } from '../../shared/queue/event-queue';
import { sdkSqsMessageSender } from '../../shared/queue/sdk-sqs-message-sender';
import { deleteMessage, receiveAll, release } from './queue-inspection';
import type { QueueTarget } from './queue-target';
import { QueueCommandError, sqsCall } from './sqs-call';
import { revalidateQuarantined } from './quarantine-revalidation';

/** What happened to one message. */
export interface RedriveLine {
  readonly messageId: string;
  readonly outcome: 'moved' | 'kept' | 'would move';
  readonly detail: string;
}

/** The counts printed at the end of a redrive, and how the DLQ's messages were moved. */
export interface RedriveSummary {
  readonly moved: number;
  readonly kept: number;
  /** `move task`: SQS's own StartMessageMoveTask; `copy`: receive, send, delete per message. */
  readonly method?: 'move task' | 'copy';
}

/** More than any queue an operator drains by hand; SQS keeps a DLQ's messages 14 days. */
const MAX_MESSAGES = 100_000;
/** How often a running move task is asked for its state. */
const MOVE_TASK_POLL_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const queueArnOf = async (target: QueueTarget, url: string): Promise<string> => {
  const output = await sqsCall('GetQueueAttributes', url, () =>
    target.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    ),
  );
  const arn = output.Attributes?.QueueArn;
  if (!arn) throw new QueueCommandError(`GetQueueAttributes on ${url} returned no QueueArn`, url);
  return arn;
};

/** Servers without message move tasks answer with one of these (older SQS-compatible servers). */
const isUnsupported = (error: unknown): boolean => {
  const cause = error instanceof QueueCommandError ? error.cause : error;
  const name = cause instanceof Error ? cause.name : '';
  return /Unsupported|UnknownOperation|InvalidAction|NotImplemented/i.test(name);
};

/**
 * SQS's own redrive: one StartMessageMoveTask from the DLQ to the main queue, then its state
 * until it finishes. SQS moves the messages server side, bodies and attributes unchanged, and
 * never loses one (a message is deleted from the DLQ only once it is on the main queue).
 */
const moveWithTask = async (target: QueueTarget): Promise<number> => {
  const sourceArn = await queueArnOf(target, target.sourceUrl);
  const destinationArn = await queueArnOf(target, target.mainUrl);
  await sqsCall('StartMessageMoveTask', target.sourceUrl, () =>
    target.client.send(
      new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }),
    ),
  );
  for (;;) {
    const output = await sqsCall('ListMessageMoveTasks', target.sourceUrl, () =>
      target.client.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 })),
    );
    const task = output.Results?.[0];
    if (task?.Status === 'COMPLETED') return task.ApproximateNumberOfMessagesMoved ?? 0;
    if (task === undefined || task.Status === 'FAILED' || task.Status === 'CANCELLED') {
      throw new QueueCommandError(
        `the message move task ${task?.Status?.toLowerCase() ?? 'vanished'}${task?.FailureReason ? ` (${task.FailureReason})` : ''}`,
        target.sourceUrl,
      );
    }
    await sleep(MOVE_TASK_POLL_MS);
  }
};

/** The same move done by hand, for servers without move tasks: send, then delete, per message. */
const moveByCopy = async (
  target: QueueTarget,
  onLine: (line: RedriveLine) => void,
): Promise<number> => {
  let moved = 0;
  for (;;) {
    const messages = await receiveAll(target, 100);
    if (messages.length === 0) return moved;
    for (const message of messages) {
      await sqsCall('SendMessage', target.mainUrl, () =>
        target.client.send(
          new SendMessageCommand(toSendMessageInput(target.mainUrl, toQueuedMessage(message, 0))),
        ),
      );
      await deleteMessage(target, message);
      moved += 1;
      onLine({
        messageId: message.MessageId ?? '',
        outcome: 'moved',
        detail: message.MessageAttributes?.[ENVELOPE_ATTRIBUTES.eventId]?.StringValue ?? '',
      });
    }
  }
};

/**
 * Moves every DLQ message back to the main queue unchanged: the worker failed it, so after a fix
 * it simply gets another go (the ledger dedupes anything that did complete). Uses SQS's
 * StartMessageMoveTask, and falls back to receive/send/delete where the server lacks it. A dry
 * run lists the messages and moves none.
 */
export const redriveDeadLetters = async (
  target: QueueTarget,
  options: { dryRun: boolean; onLine: (line: RedriveLine) => void },
): Promise<RedriveSummary> => {
  if (options.dryRun) {
    const messages = await receiveAll(target, MAX_MESSAGES);
    for (const message of messages) {
      options.onLine({
        messageId: message.MessageId ?? '',
        outcome: 'would move',
        detail: message.MessageAttributes?.[ENVELOPE_ATTRIBUTES.eventId]?.StringValue ?? '',
      });
    }
    await release(target, messages);
    return { moved: 0, kept: messages.length };
  }
  try {
    return { moved: await moveWithTask(target), kept: 0, method: 'move task' };
  } catch (error) {
    if (!isUnsupported(error)) throw error;
    return { moved: await moveByCopy(target, options.onLine), kept: 0, method: 'copy' };
  }
};

const QuarantineMessageSchema = v.pipe(v.string(), v.parseJson(), QuarantineRecordSchema);

/**
 * Re-validates every quarantined delivery with today's schemas and moves the ones that now pass
 * to the main queue, as the envelope ingest would have queued (same receipt time and request id,
 * so the same eventId). The ones that still fail stay in quarantine, with the reason printed.
 * All messages are received first and the kept ones released at the end, so none is looked at
 * twice in one run. (No move task here: each message is rewritten, not moved.)
 */
export const redriveQuarantine = async (
  target: QueueTarget,
  options: { dryRun: boolean; onLine: (line: RedriveLine) => void },
): Promise<RedriveSummary> => {
  const received = await receiveAll(target, MAX_MESSAGES);
  const mainQueue = new SqsEventQueue(sdkSqsMessageSender(target.client), target.mainUrl);
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
    await deleteMessage(target, message);
    moved += 1;
    options.onLine({ messageId, outcome: 'moved', detail: result.eventId });
  }
  await release(target, kept);
  return { moved, kept: kept.length };
};
