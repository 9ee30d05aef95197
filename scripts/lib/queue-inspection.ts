import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { QuarantineRecordSchema } from '../../shared/ingest/quarantine';
import { ENVELOPE_ATTRIBUTES, EventEnvelopeSchema } from '../../shared/queue/event-queue';
import type { QueueSource, QueueTarget } from './queue-target';
import { sqsCall } from './sqs-call';

/**
 * One message of the DLQ or the quarantine queue as an operator sees it. `receives` counts the
 * deliveries before this look (SQS cannot peek: reading a message is a receive, which is not
 * counted here).
 */
export interface QueueEntry {
  readonly id: string;
  readonly queue: QueueSource;
  readonly reason: string;
  readonly vendor?: string;
  readonly eventId?: string;
  readonly eventType?: string;
  /** When the message was first sent to SQS (for a dead letter: to the main queue). */
  readonly sentAt?: string;
  readonly ageSeconds?: number;
  readonly receives: number;
  /** The message body, parsed when it is JSON (envelopes and quarantine records are). */
  readonly body: unknown;
}

/** Long enough for one command; a message a crash leaves hidden reappears after it. */
const HIDE_SECONDS = 120;

const JsonSchema = v.pipe(v.string(), v.parseJson());

/**
 * Receives every visible message of the queue (at most `limit`), hidden for the length of the
 * command. Callers hand the ones they keep back with `release`.
 */
export const receiveAll = async (target: QueueTarget, limit: number): Promise<Message[]> => {
  const received: Message[] = [];
  while (received.length < limit) {
    const output = await sqsCall('ReceiveMessage', target.sourceUrl, () =>
      target.client.send(
        new ReceiveMessageCommand({
          QueueUrl: target.sourceUrl,
          MaxNumberOfMessages: Math.min(10, limit - received.length),
          WaitTimeSeconds: received.length === 0 ? 1 : 0,
          VisibilityTimeout: HIDE_SECONDS,
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      ),
    );
    const messages = output.Messages ?? [];
    if (messages.length === 0) break;
    received.push(...messages);
  }
  return received;
};

/** Makes messages visible again at once, so they stay where they were for the next look. */
export const release = async (target: QueueTarget, messages: readonly Message[]): Promise<void> => {
  for (const message of messages) {
    await sqsCall('ChangeMessageVisibility', target.sourceUrl, () =>
      target.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: target.sourceUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      ),
    );
  }
};

/** Deletes one received message from the queue it was received from. */
export const deleteMessage = (target: QueueTarget, message: Message): Promise<unknown> =>
  sqsCall('DeleteMessage', target.sourceUrl, () =>
    target.client.send(
      new DeleteMessageCommand({
        QueueUrl: target.sourceUrl,
        ReceiptHandle: message.ReceiptHandle,
      }),
    ),
  );

const attributeOf = (message: Message, name: string): string | undefined =>
  message.MessageAttributes?.[name]?.StringValue;

/**
 * Why a message is where it is. A quarantine record carries its reason and the paths that
 * failed; a dead letter carries none (the worker's log has the error), so it says how often the
 * worker tried, or that its body is no envelope the worker could read.
 */
const reasonOf = (queue: QueueSource, body: unknown, receives: number): string => {
  if (queue === 'quarantine') {
    const record = v.safeParse(QuarantineRecordSchema, body);
    if (!record.success) return 'not a quarantine record';
    const paths = record.output.issues.map((issue) => issue.path).join(', ');
    return `${record.output.reason}${paths ? ` at ${paths}` : ''}`;
  }
  return v.is(EventEnvelopeSchema, body)
    ? `worker failed it ${receives} time${receives === 1 ? '' : 's'}`
    : 'not an event envelope';
};

/** The operator's view of one received message; `now` dates its age. */
export const describeMessage = (queue: QueueSource, message: Message, now: Date): QueueEntry => {
  const text = message.Body ?? '';
  const parsed = v.safeParse(JsonSchema, text);
  const body = parsed.success ? parsed.output : text;
  const count = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
  const receives = Number.isFinite(count) ? Math.max(0, count - 1) : 0;
  const sentMs = Number(message.Attributes?.SentTimestamp ?? '');
  const quarantined = v.safeParse(QuarantineRecordSchema, body);
  const envelope = v.safeParse(EventEnvelopeSchema, body);
  const vendor =
    attributeOf(message, ENVELOPE_ATTRIBUTES.vendor) ??
    (quarantined.success ? quarantined.output.vendor : undefined) ??
    (envelope.success ? envelope.output.vendor : undefined);
  const eventId =
    attributeOf(message, ENVELOPE_ATTRIBUTES.eventId) ??
    (envelope.success ? envelope.output.eventId : undefined);
  const eventType =
    attributeOf(message, ENVELOPE_ATTRIBUTES.eventType) ??
    (envelope.success ? envelope.output.eventType : undefined) ??
    (quarantined.success ? quarantined.output.eventType : undefined);
  return {
    id: message.MessageId ?? '',
    queue,
    reason: reasonOf(queue, body, receives),
    ...(vendor !== undefined ? { vendor } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
    ...(eventType !== undefined ? { eventType } : {}),
    ...(Number.isFinite(sentMs) && sentMs > 0
      ? {
          sentAt: new Date(sentMs).toISOString(),
          ageSeconds: Math.max(0, Math.round((now.getTime() - sentMs) / 1000)),
        }
      : {}),
    receives,
    body,
  };
};

/** `93 s`, `14 min`, `5 h`, `3 d`: ages at a glance. */
export const formatAge = (seconds: number | undefined): string => {
  if (seconds === undefined) return '?';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
};

/** One line per message: id, age, receives, vendor, eventId, reason. */
export const formatEntryLine = (entry: QueueEntry): string =>
  [
    entry.id,
    formatAge(entry.ageSeconds).padStart(6),
    `${entry.receives}×`.padStart(4),
    (entry.vendor ?? '-').padEnd(18),
    (entry.eventId ?? '-').padEnd(24),
    entry.reason,
  ].join('  ');
