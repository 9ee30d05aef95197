import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { validate } from '../../shared/validation/validation-issue';
import { QUEUE_ROLES, type QueueRole } from '../stack/local-names';
import { LocalStackError } from '../stack/local-stack-error';
import type { LocalQueues } from '../stack/queue-layout';
import {
  type QueuedMessage,
  QueuedMessageSchema,
  toQueuedMessage,
  toSendMessageInput,
} from './queued-message';

/**
 * local-aws-sqs keeps messages in memory only. On a clean stop the stack lifts every queue's
 * messages into `<dataDir>/sqs/<role>.json` and puts them back on the next start, so a DLQ or
 * quarantine message (or an unprocessed event) survives restarts. A hard kill (`kill -9`) still
 * loses what was queued since the last start: that is the price of an in-memory server.
 */

const SnapshotFileSchema = v.object({
  queue: v.string(),
  savedAt: v.string(),
  messages: v.array(QueuedMessageSchema),
});

/** Every message of the stack's queues, by queue. */
export type QueueContents = Record<QueueRole, QueuedMessage[]>;

/** The longest visibility timeout SQS allows: a snapshot read must not hand messages back. */
const HIDE_SECONDS = 43_200;

/**
 * Receives every visible message of a queue, hiding each for 12 h so that none comes twice.
 * Only for shutdown: the messages stay hidden on the server, which is about to stop.
 */
export const takeVisibleMessages = async (
  sqs: SQSClient,
  queueUrl: string,
): Promise<QueuedMessage[]> => {
  const taken: QueuedMessage[] = [];
  for (;;) {
    const output = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: HIDE_SECONDS,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = output.Messages ?? [];
    if (messages.length === 0) return taken;
    taken.push(...messages.map((message) => toQueuedMessage(message, 1)));
  }
};

/** Messages the server hides right now: in flight with some consumer, or taken by a snapshot. */
const hiddenCount = async (sqs: SQSClient, queueUrl: string): Promise<number> => {
  const output = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0');
};

/**
 * Takes every message of a queue for a snapshot, including ones another consumer holds (a peek
 * with the AWS CLI, a redrive in progress): those become visible when their visibility timeout
 * runs out, so this waits for them until `deadline()` (read again each round, so a forced stop
 * can cut the wait short). `knownHidden()` counts hidden messages that
 * are accounted for elsewhere (the worker feed's). Returns what it took and what it gave up on.
 */
export const takeAllMessages = async (
  sqs: SQSClient,
  queueUrl: string,
  options: { deadline: () => number; knownHidden: () => number; onWait: (held: number) => void },
): Promise<{ taken: QueuedMessage[]; abandoned: number }> => {
  const taken: QueuedMessage[] = [];
  let waited = false;
  for (;;) {
    taken.push(...(await takeVisibleMessages(sqs, queueUrl)));
    const heldElsewhere = (await hiddenCount(sqs, queueUrl)) - taken.length - options.knownHidden();
    if (heldElsewhere <= 0) return { taken, abandoned: 0 };
    if (Date.now() >= options.deadline()) return { taken, abandoned: heldElsewhere };
    if (!waited) options.onWait(heldElsewhere);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/**
 * Adds the messages the worker feed still holds (delivered, failed, waiting out their visibility
 * timeout, so a receive cannot see them) to what the queues showed. A held message that the
 * queues showed anyway (its timeout ran out meanwhile) is not added twice; one that used up its
 * receives goes to the DLQ, as the server's redrive would have done when its timeout ran out.
 */
export const withHeldMessages = (
  visible: QueueContents,
  held: readonly QueuedMessage[],
  maxReceiveCount: number,
): QueueContents => {
  const seen = new Set(QUEUE_ROLES.flatMap((role) => visible[role].map((m) => m.messageId)));
  const main = [...visible.main];
  const dlq = [...visible.dlq];
  for (const message of held) {
    if (seen.has(message.messageId)) continue;
    seen.add(message.messageId);
    (message.receiveCount >= maxReceiveCount ? dlq : main).push(message);
  }
  return { main, dlq, quarantine: [...visible.quarantine] };
};

const snapshotPath = (dir: string, role: QueueRole): string => join(dir, `${role}.json`);

/** Writes one file per queue, atomically (temp file, then rename), so a crash never half-writes. */
export const saveQueueContents = (
  dir: string,
  contents: QueueContents,
  queues: LocalQueues,
  now: Date,
): void => {
  mkdirSync(dir, { recursive: true });
  for (const role of QUEUE_ROLES) {
    const path = snapshotPath(dir, role);
    const file = { queue: queues[role].name, savedAt: now.toISOString(), messages: contents[role] };
    writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }
};

/** Reads the saved messages of every queue; a missing file means an empty queue. */
export const readQueueContents = (dir: string): QueueContents => {
  const read = (role: QueueRole): QueuedMessage[] => {
    let text: string;
    try {
      text = readFileSync(snapshotPath(dir, role), 'utf8');
    } catch {
      return [];
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new LocalStackError(`${snapshotPath(dir, role)} is not JSON; fix or remove it`, {
        cause: error,
      });
    }
    const parsed = validate(SnapshotFileSchema, json);
    if (!parsed.ok) {
      const where = parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      throw new LocalStackError(`${snapshotPath(dir, role)} is not a queue snapshot (${where})`);
    }
    return parsed.value.messages;
  };
  return { main: read('main'), dlq: read('dlq'), quarantine: read('quarantine') };
};

/**
 * Puts saved messages back on their queues, then removes the files (they now live in the
 * server again, and restoring them twice would duplicate them). Returns the count per queue.
 */
export const restoreQueueContents = async (
  sqs: SQSClient,
  dir: string,
  queues: LocalQueues,
): Promise<Record<QueueRole, number>> => {
  const contents = readQueueContents(dir);
  const counts = { main: 0, dlq: 0, quarantine: 0 };
  for (const role of QUEUE_ROLES) {
    for (const message of contents[role]) {
      await sqs.send(new SendMessageCommand(toSendMessageInput(queues[role].url, message)));
      counts[role] += 1;
    }
    rmSync(snapshotPath(dir, role), { force: true });
  }
  return counts;
};
