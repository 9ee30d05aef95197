import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type InvocationOutcome,
  invokeHandler,
  type LambdaHandler,
} from '../lambda/invoke-handler';
import { type QueuedMessage, toQueuedMessage } from '../sqs/queued-message';
import { batchVerdict } from './batch-response';
import { toSqsEvent } from './sqs-event';

/** What one batch came to, for logs, health and tests. */
export interface BatchReport {
  readonly messageIds: readonly string[];
  readonly deleted: readonly string[];
  /** Left to the visibility timeout: retried later, or moved to the DLQ by the server. */
  readonly failed: readonly string[];
  readonly reason?: string;
  readonly outcome: InvocationOutcome['kind'];
}

/** The queue to poll, the handler to feed, and the event source mapping's settings. */
export interface WorkerFeedOptions {
  /**
   * The client the feed polls and deletes with. The event source mapping does that with the
   * worker's role, so the local stack gives it the worker's credentials through the IAM proxy.
   */
  readonly sqs: SQSClient;
  readonly queue: { readonly url: string; readonly arn: string; readonly region: string };
  readonly handler: LambdaHandler;
  /** The main queue's visibility timeout: how long a failed message stays hidden. */
  readonly visibilityTimeoutSeconds: number;
  /** Concurrent pollers, like the event source mapping's concurrency. */
  readonly pollers: number;
  /** At most this many messages per invocation (SQS caps a receive at 10). */
  readonly batchSize?: number;
  /** Long-poll wait while the queue is idle. */
  readonly idleWaitSeconds?: number;
  /** The worker function's timeout; a batch that takes longer counts as failed. */
  readonly functionTimeoutMs?: number;
  /** The main queue's redrive threshold, only to say in the log when a message goes to the DLQ. */
  readonly maxReceiveCount?: number;
  readonly log: (line: string) => void;
  readonly onBatch?: (report: BatchReport) => void;
}

/** Counters shown by `/health`. */
export interface WorkerFeedStats {
  readonly batches: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly inFlightBatches: number;
  /**
   * `OK`, or why the feed cannot poll right now (`PROBLEM: …`, as the event source mapping's
   * `LastProcessingResult` says), e.g. a role without `sqs:ReceiveMessage`: messages stay queued.
   */
  readonly polling: string;
}

interface HeldMessage {
  readonly message: QueuedMessage;
  /** When the server makes it visible again (or moves it to the DLQ). */
  readonly visibleAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pause between empty receives when the poller cannot long-poll. */
const IDLE_PAUSE_MS = 100;

/**
 * Feeds the worker handler from the main queue the way Lambda's SQS event source mapping does:
 * pollers long-poll, invoke the handler with batches of up to 10 as an `SQSEvent`, delete the
 * messages that succeeded, and leave `batchItemFailures` (or the whole batch, when the handler
 * throws or times out) to the visibility timeout, after which the server redelivers them or,
 * past `maxReceiveCount`, moves them to the DLQ.
 *
 * local-aws-sqs answers a long poll only when the batch is full or the wait is over, and it starts
 * a message's visibility timeout when it picks the message, not when it answers. So an idle
 * poller waits `idleWaitSeconds` (1 s, and never more than a fifth of the visibility timeout, or
 * the message could become visible again before the worker sees it; under 5 s that is no wait,
 * and it pauses 100 ms between empty receives instead) and, once messages flow, polls with no
 * wait until the queue is empty again: about 1 s of latency for the first message, none in a
 * burst.
 *
 * The feed also remembers the messages it left to the visibility timeout, because nothing else
 * can see them: on shutdown the stack saves them with the queues (see `queue-snapshot.ts`).
 */
export class WorkerFeed {
  readonly #options: WorkerFeedOptions;
  readonly #held = new Map<string, HeldMessage>();
  #pollers: Promise<void>[] = [];
  #stopping = false;
  #drainDeadline = 0;
  #batches = 0;
  #succeeded = 0;
  #failed = 0;
  #inFlight = 0;
  #pollingProblem: string | undefined;
  #queueChecked: Promise<boolean> | undefined;

  constructor(options: WorkerFeedOptions) {
    this.#options = options;
  }

  /** Starts the pollers. */
  start(): void {
    this.#pollers = Array.from({ length: this.#options.pollers }, () => this.#poll());
  }

  /**
   * Stops polling once the queue has no visible message or `drainMs` has passed, and resolves
   * when every in-flight batch has finished. Receives are never aborted: an aborted receive
   * could hide messages that nobody would then process or save.
   */
  async stop(options: { drainMs: number }): Promise<void> {
    this.#stopping = true;
    this.#drainDeadline = Date.now() + options.drainMs;
    await Promise.all(this.#pollers);
  }

  stats(): WorkerFeedStats {
    return {
      batches: this.#batches,
      succeeded: this.#succeeded,
      failed: this.#failed,
      inFlightBatches: this.#inFlight,
      polling: this.#pollingProblem === undefined ? 'OK' : `PROBLEM: ${this.#pollingProblem}`,
    };
  }

  /**
   * Messages this feed left to the visibility timeout that may still be hidden at `now`. A small
   * margin keeps ones whose timeout has only just run out: saving a message twice is harmless
   * (the worker dedupes), missing one is not.
   */
  heldMessages(now: number): QueuedMessage[] {
    const marginMs = 1000;
    return [...this.#held.values()]
      .filter((held) => held.visibleAt > now - marginMs)
      .map((held) => held.message);
  }

  /** How many of the held messages the server still hides at `now`. */
  hiddenCount(now: number): number {
    return [...this.#held.values()].filter((held) => held.visibleAt > now).length;
  }

  #idleWaitSeconds(): number {
    const wanted = this.#options.idleWaitSeconds ?? 1;
    return Math.min(wanted, Math.floor(this.#options.visibilityTimeoutSeconds / 5));
  }

  /**
   * Reads the queue's attributes before the first receive, as the event source mapping does (the
   * reason Lambda asks for `sqs:GetQueueAttributes`), retrying each second while it fails. Shared
   * by the pollers; false when the feed stopped first.
   */
  #checkQueue(): Promise<boolean> {
    this.#queueChecked ??= (async () => {
      for (let failing = false; ; failing = true) {
        if (this.#stopping) return false;
        try {
          await this.#options.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: this.#options.queue.url,
              AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'],
            }),
          );
          if (failing) this.#options.log('worker feed: the queue answers again');
          this.#pollingProblem = undefined;
          return true;
        } catch (error) {
          if (!failing) {
            this.#options.log(
              `worker feed: cannot read the queue's attributes (${describe(error)}); nothing is polled until it can, retrying`,
            );
          }
          this.#pollingProblem = `GetQueueAttributes: ${describe(error)}`;
          await sleep(1000);
        }
      }
    })();
    return this.#queueChecked;
  }

  async #poll(): Promise<void> {
    if (!(await this.#checkQueue())) return;
    let idle = true;
    let failingSince: number | undefined;
    for (;;) {
      if (this.#stopping && Date.now() >= this.#drainDeadline) return;
      const waitSeconds = this.#stopping || !idle ? 0 : this.#idleWaitSeconds();
      const receivedAt = Date.now();
      let messages: Message[];
      try {
        const output = await this.#options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.#options.queue.url,
            MaxNumberOfMessages: this.#options.batchSize ?? 10,
            WaitTimeSeconds: waitSeconds,
            AttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = uniqueById(output.Messages ?? []);
        if (failingSince !== undefined) this.#options.log('worker feed: SQS answers again');
        failingSince = undefined;
        this.#pollingProblem = undefined;
      } catch (error) {
        if (this.#stopping) return;
        if (failingSince === undefined) {
          failingSince = Date.now();
          this.#options.log(
            `worker feed: cannot receive from SQS (${describe(error)}); messages stay queued, retrying`,
          );
        }
        this.#pollingProblem = `ReceiveMessage: ${describe(error)}`;
        await sleep(1000);
        continue;
      }
      idle = messages.length === 0;
      if (idle) {
        if (this.#stopping) return;
        // With no long-poll wait (a visibility timeout under 5 s) an idle poller would spin, each
        // empty receive a round trip through the IAM proxy: a short pause between them costs at
        // most that much latency and spares the CPU the rest of the stack needs.
        if (waitSeconds === 0) await sleep(IDLE_PAUSE_MS);
        continue;
      }
      await this.#process(messages, receivedAt);
    }
  }

  async #process(messages: readonly Message[], receivedAt: number): Promise<void> {
    this.#inFlight += 1;
    try {
      const { queue, handler } = this.#options;
      const ids = messages.map((message) => message.MessageId ?? '');
      for (const id of ids) this.#held.delete(id);
      const timeoutMs =
        this.#options.functionTimeoutMs ?? this.#options.visibilityTimeoutSeconds * 1000;
      const outcome = await invokeHandler(handler, toSqsEvent(messages, queue), {
        functionName: 'worker',
        timeoutMs,
      });
      const verdict = batchVerdict(outcome, ids);
      const failedIds = verdict.kind === 'all-failed' ? new Set(ids) : verdict.failed;
      const toDelete = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
      const visibleAt = receivedAt + this.#options.visibilityTimeoutSeconds * 1000;
      for (const message of messages) {
        if (!failedIds.has(message.MessageId ?? '')) continue;
        this.#held.set(message.MessageId ?? '', {
          message: toQueuedMessage(message, 0),
          visibleAt,
        });
      }
      const deleted = await this.#delete(toDelete);
      this.#batches += 1;
      this.#succeeded += deleted.length;
      this.#failed += failedIds.size;
      const reason = verdict.kind === 'all-failed' ? verdict.reason : undefined;
      if (failedIds.size > 0) {
        const counts = messages
          .filter((message) => failedIds.has(message.MessageId ?? ''))
          .map((message) => Number(message.Attributes?.ApproximateReceiveCount ?? '0'));
        const limit = this.#options.maxReceiveCount ?? Number.POSITIVE_INFINITY;
        const exhausted = counts.filter((count) => count >= limit).length;
        this.#options.log(
          `worker: ${failedIds.size} of ${messages.length} messages failed${reason ? ` (${reason})` : ''}; ` +
            `receive counts ${counts.join(',')}: ` +
            (exhausted > 0
              ? `${exhausted} go${exhausted === 1 ? 'es' : ''} to the DLQ when the visibility timeout ends, the rest are retried then`
              : 'retried after the visibility timeout'),
        );
      }
      this.#options.onBatch?.({
        messageIds: ids,
        deleted,
        failed: [...failedIds],
        outcome: outcome.kind,
        ...(reason ? { reason } : {}),
      });
    } finally {
      this.#inFlight -= 1;
    }
  }

  /** Deletes the successes; a failed delete only means a redelivery, which the worker dedupes. */
  async #delete(messages: readonly Message[]): Promise<string[]> {
    const deleted: string[] = [];
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      try {
        const output = await this.#options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.#options.queue.url,
            Entries: chunk.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle ?? '',
            })),
          }),
        );
        for (const entry of output.Successful ?? []) {
          const message = chunk[Number(entry.Id)];
          if (message?.MessageId) deleted.push(message.MessageId);
        }
        if ((output.Failed ?? []).length > 0) {
          this.#options.log(
            `worker feed: ${output.Failed?.length} deletes failed; they will be redelivered`,
          );
        }
      } catch (error) {
        this.#options.log(
          `worker feed: DeleteMessageBatch failed (${describe(error)}); redelivery follows`,
        );
      }
    }
    return deleted;
  }
}

/** One entry per message id: a batch never holds the same message twice, as in Lambda. */
const uniqueById = (messages: readonly Message[]): Message[] => [
  ...new Map(messages.map((message) => [message.MessageId ?? '', message])).values(),
];

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
