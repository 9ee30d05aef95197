import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { mapWithConcurrency } from '../../../shared/worker/worker-handler';
import { type ImageRecord, ImageRecordSchema } from '../../../shared/record/image-record';
import type { LedgerEntry } from '../../../shared/store/ledger-item';
import type { HttpClient } from './http-client';
import type { StackLog } from './stack-log';
import type { RecordKey } from './tables';

/** How the ledger compares with the events the stack said it accepted. */
export interface LedgerComparison {
  /** Accepted (or ignored) events with no finished ledger entry: lost. */
  readonly lost: readonly string[];
  /** Ledger entries for events no 200 named: something was enqueued that should not have been. */
  readonly unexpected: readonly string[];
  /** Entries still `processing` after the queue drained. */
  readonly unfinished: readonly string[];
  /**
   * Accepted events the worker refused as a whole and kept (`refused`, with each image's reason):
   * finished, not lost, but genuine traffic should have none.
   */
  readonly refused: readonly LedgerEntry[];
}

/**
 * Accepted = finished: every `eventId` answered 200 has a finished entry (`completed`, `ignored`
 * for unsupported types, or `refused` and kept with its reasons), and no entry exists for an event
 * nobody accepted.
 */
export const compareLedger = (
  entries: readonly LedgerEntry[],
  acceptedIds: ReadonlySet<string>,
): LedgerComparison => {
  const byId = new Map(entries.map((entry) => [entry.eventId, entry]));
  return {
    lost: [...acceptedIds].filter((id) => {
      const status = byId.get(id)?.status;
      return status !== 'completed' && status !== 'ignored' && status !== 'refused';
    }),
    unexpected: entries.map((entry) => entry.eventId).filter((id) => !acceptedIds.has(id)),
    unfinished: entries
      .filter((entry) => entry.status === 'processing')
      .map((entry) => entry.eventId),
    refused: entries.filter(
      (entry) => entry.status === 'refused' && acceptedIds.has(entry.eventId),
    ),
  };
};

/**
 * Takes every message off a queue (deleting them), for inspection. Reads until a receive comes
 * back empty twice, so a message that is briefly invisible is not missed.
 */
export const takeAllMessages = async (sqs: SQSClient, queueUrl: string): Promise<Message[]> => {
  const taken: Message[] = [];
  let emptyReceives = 0;
  while (emptyReceives < 2) {
    const output = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 300,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = output.Messages ?? [];
    if (messages.length === 0) {
      emptyReceives += 1;
      continue;
    }
    emptyReceives = 0;
    taken.push(...messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle ?? '',
        })),
      }),
    );
  }
  return taken;
};

/** Every stored record served by `GET /images/{vendor}/{imageId}`, and those that were not. */
export interface RecordReads {
  readonly records: ReadonlyMap<string, ImageRecord>;
  /** `<vendor>/<imageId>: <status or problem>` for each record the read API did not serve. */
  readonly failures: readonly string[];
}

/** `<vendor>/<imageId>`, the key the suites use for records. */
export const recordKeyText = (key: RecordKey): string => `${key.vendor}/${key.imageId}`;

/**
 * Reads records through the read API, as operators and downstream do. A stored record the API
 * will not serve (a 5xx because it fails the output contract) is a failure of the pipeline.
 */
export const readRecords = async (
  client: HttpClient,
  keys: readonly RecordKey[],
  concurrency: number,
): Promise<RecordReads> => {
  const records = new Map<string, ImageRecord>();
  const failures: string[] = [];
  await mapWithConcurrency(keys, concurrency, async (key) => {
    const response = await client.send({
      method: 'GET',
      path: `/images/${key.vendor}/${encodeURIComponent(key.imageId)}`,
    });
    if (response.status !== 200) {
      failures.push(`${recordKeyText(key)}: status ${response.status}`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      failures.push(`${recordKeyText(key)}: body is not JSON`);
      return;
    }
    const parsed = v.safeParse(ImageRecordSchema, json);
    if (parsed.success) records.set(recordKeyText(key), parsed.output);
    else failures.push(`${recordKeyText(key)}: breaks the record contract`);
  });
  return { records, failures };
};

/** At most `limit` examples, for a violation message. */
export const examples = (items: readonly string[], limit = 5): string =>
  items.length === 0 ? '' : ` (e.g. ${items.slice(0, limit).join('; ')})`;

/** What the stack's own output says went wrong: events applied twice, uncaught exceptions. */
export const stackLogViolations = (log: StackLog): string[] => {
  const doubleApplied = log.doubleApplied();
  return [
    ...(doubleApplied.length > 0
      ? [`${doubleApplied.length} events applied twice${examples(doubleApplied)}`]
      : []),
    ...(log.crashLines.length > 0
      ? [`${log.crashLines.length} uncaught exceptions${examples(log.crashLines, 2)}`]
      : []),
  ];
};
