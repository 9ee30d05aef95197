import { randomUUID } from 'node:crypto';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { invokeHandler, type LambdaHandler } from '../lambda/invoke-handler';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../stack/local-names';
import type { CheckpointStore, Checkpoints } from './stream-checkpoints';
import {
  type FailureCondition,
  type StreamBatchFailure,
  streamBatchFailure,
} from './stream-failure';
import { toLambdaRecord } from './stream-event';
import { streamVerdict } from './stream-verdict';

/** The stream, the function it feeds, and the event source mapping's settings. */
export interface StreamFeedOptions {
  /** Reads the stream; in the local stack it signs as the function, through the IAM proxy. */
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly functionName: string;
  readonly handler: LambdaHandler;
  readonly checkpoints: CheckpointStore;
  /** Records per invocation at most. */
  readonly batchSize: number;
  readonly functionTimeoutMs: number;
  /** Retries of a failing batch before it goes to `onFailure`. */
  readonly retryAttempts: number;
  /** A batch whose first record is older than this goes to `onFailure` instead of a retry. */
  readonly maxRecordAgeMs: number;
  /** Split a batch in two when the function fails as a whole, to isolate a bad record. */
  readonly bisectOnError: boolean;
  /** The on-failure destination: sends the message Lambda sends. */
  readonly onFailure: (failure: StreamBatchFailure) => Promise<void>;
  /** How often an idle shard is polled (Lambda polls four times a second). */
  readonly idlePollMs?: number;
  /** The wait before retry `n` (1-based) of a failing batch. */
  readonly retryDelayMs?: (retry: number) => number;
  readonly log: (line: string) => void;
  readonly onBatch?: (report: StreamBatchReport) => void;
}

/** What one invocation came to, for tests and `/health`. */
export interface StreamBatchReport {
  readonly shardId: string;
  readonly sequenceNumbers: readonly string[];
  readonly outcome: 'done' | 'retry-from' | 'error' | 'given-up';
  readonly reason?: string;
}

/** Counters shown by `/health`. */
export interface StreamFeedStats {
  readonly invocations: number;
  readonly records: number;
  readonly retries: number;
  readonly givenUp: number;
  readonly inFlight: boolean;
  /** The sequence number of the last record done with, on the shard being read. */
  readonly checkpoint: string | undefined;
}

/** How often the stream is described again for new shards while one is read. */
const DESCRIBE_EVERY_MS = 10_000;

const defaultRetryDelay = (retry: number): number => Math.min(5_000, 250 * 2 ** (retry - 1));

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

/** Sequence numbers are decimal strings of any length: compare them as numbers. */
const bySequence = (a: Shard, b: Shard): number => {
  const left = BigInt(a.SequenceNumberRange?.StartingSequenceNumber ?? '0');
  const right = BigInt(b.SequenceNumberRange?.StartingSequenceNumber ?? '0');
  return left < right ? -1 : left > right ? 1 : 0;
};

/**
 * Feeds a function from a DynamoDB stream the way Lambda's stream event source mapping does:
 *
 * - shards in order (a child after its parent is finished), one batch at a time per shard, so a
 *   key's changes reach the function in the order they were written;
 * - batches of up to `batchSize` records as a `DynamoDBStreamEvent`, in Lambda's JSON shape;
 * - with `ReportBatchItemFailures`: records before the lowest reported sequence number are done,
 *   and the batch is retried from it; a function error retries the batch (split in two first,
 *   with `bisectOnError`, which does not count as a retry);
 * - a batch still failing after `retryAttempts` retries, or whose first record is older than
 *   `maxRecordAgeMs`, is given up on: its shard and sequence range go to `onFailure`, and the
 *   feed moves on;
 * - the position (the last record done with, per shard) is kept in a checkpoint store after every
 *   batch, so a restarted feed resumes right after it: a record is never skipped, and a record
 *   whose batch was in flight when the feed died is delivered again (at least once).
 */
export class StreamFeed {
  readonly #options: StreamFeedOptions;
  #checkpoints: Checkpoints | undefined;
  #running: Promise<void> | undefined;
  #stopping = false;
  /** Set by a draining stop: the feed stops at the first empty read, or at this time. */
  #drainUntil: number | undefined;
  #wake: (() => void) | undefined;
  #currentShard: string | undefined;
  #invocations = 0;
  #records = 0;
  #retries = 0;
  #givenUp = 0;
  #inFlight = false;

  constructor(options: StreamFeedOptions) {
    this.#options = options;
  }

  start(): void {
    this.#checkpoints = this.#options.checkpoints.load(this.#options.streamArn);
    this.#running ??= this.#run().catch((error: unknown) => {
      this.#options.log(`stream feed stopped on an error: ${describe(error)}`);
    });
  }

  /**
   * Stops. With `drainMs`, first goes on reading until the stream has nothing new (so changes
   * written just before a clean stop are still published) or that time has passed. Either way the
   * invocation in flight finishes; a batch still being retried is left to the next start.
   */
  async stop(options: { drainMs?: number } = {}): Promise<void> {
    if (options.drainMs !== undefined && options.drainMs > 0 && this.#running !== undefined) {
      this.#drainUntil = Date.now() + options.drainMs;
      const timer = setTimeout(() => this.#halt(), options.drainMs);
      await this.#running;
      clearTimeout(timer);
      return;
    }
    this.#halt();
    await this.#running;
  }

  #halt(): void {
    this.#stopping = true;
    this.#wake?.();
  }

  stats(): StreamFeedStats {
    const shard = this.#currentShard;
    return {
      invocations: this.#invocations,
      records: this.#records,
      retries: this.#retries,
      givenUp: this.#givenUp,
      inFlight: this.#inFlight,
      checkpoint:
        shard === undefined ? undefined : this.#checkpoints?.shards[shard]?.sequenceNumber,
    };
  }

  async #run(): Promise<void> {
    let failingSince: number | undefined;
    while (!this.#stopping) {
      let shards: Shard[];
      try {
        shards = await this.#shards();
        if (failingSince !== undefined) this.#options.log('stream feed: the stream answers again');
        failingSince = undefined;
      } catch (error) {
        if (failingSince === undefined) {
          failingSince = Date.now();
          this.#options.log(
            `stream feed: cannot describe the stream (${describe(error)}); retrying`,
          );
        }
        await this.#sleep(1_000);
        continue;
      }
      const next = this.#nextShard(shards);
      if (next === undefined) {
        if (this.#drainUntil !== undefined) this.#halt();
        await this.#sleep(this.#options.idlePollMs ?? 250);
        continue;
      }
      await this.#consume(next);
    }
  }

  /** Every shard of the stream, following `DescribeStream`'s pages. */
  async #shards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const output = await this.#options.streams.send(
        new DescribeStreamCommand({
          StreamArn: this.#options.streamArn,
          ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}),
        }),
      );
      shards.push(...(output.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = output.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);
    return shards;
  }

  /** The oldest shard not finished whose parent is finished (or no longer listed). */
  #nextShard(shards: readonly Shard[]): Shard | undefined {
    const listed = new Set(shards.map((shard) => shard.ShardId));
    const finished = (id: string | undefined) =>
      id !== undefined && this.#checkpoints?.shards[id]?.finished === true;
    return [...shards]
      .sort(bySequence)
      .find(
        (shard) =>
          !finished(shard.ShardId) &&
          (shard.ParentShardId === undefined ||
            !listed.has(shard.ParentShardId) ||
            finished(shard.ParentShardId)),
      );
  }

  /** Reads one shard until it is finished (closed and read to its end) or the feed stops. */
  async #consume(shard: Shard): Promise<void> {
    const shardId = shard.ShardId ?? '';
    this.#currentShard = shardId;
    let iterator: string | undefined = await this.#iteratorFromCheckpoint(shardId);
    let describeAt = Date.now() + DESCRIBE_EVERY_MS;
    let failingSince: number | undefined;
    while (!this.#stopping && iterator !== undefined) {
      let records: DynamoDBRecord[];
      let next: string | undefined;
      try {
        const output = await this.#options.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.#options.batchSize }),
        );
        records = (output.Records ?? []).map((record) =>
          toLambdaRecord(record, this.#options.streamArn),
        );
        next = output.NextShardIterator;
        if (failingSince !== undefined) this.#options.log('stream feed: the stream answers again');
        failingSince = undefined;
      } catch (error) {
        if (
          error instanceof ExpiredIteratorException ||
          error instanceof TrimmedDataAccessException
        ) {
          iterator = await this.#iteratorFromCheckpoint(shardId);
          continue;
        }
        if (failingSince === undefined) {
          failingSince = Date.now();
          this.#options.log(`stream feed: cannot read the stream (${describe(error)}); retrying`);
        }
        await this.#sleep(1_000);
        continue;
      }
      if (records.length > 0) {
        const delivered = await this.#deliver(shardId, records);
        if (!delivered) return;
      }
      iterator = next;
      if (iterator === undefined) {
        this.#save(shardId, { finished: true });
        return;
      }
      if (records.length === 0) {
        // Caught up: a draining stop ends here.
        if (this.#drainUntil !== undefined) {
          this.#halt();
          return;
        }
        // An idle open shard: poll again shortly, and now and then look for new shards (a closed
        // shard ends with no iterator, which is noticed above).
        if (Date.now() >= describeAt) return;
        await this.#sleep(this.#options.idlePollMs ?? 250);
      } else {
        describeAt = Date.now() + DESCRIBE_EVERY_MS;
      }
    }
  }

  /**
   * An iterator right after the shard's checkpoint, or at its oldest record without one. A
   * checkpoint the stream has trimmed away (older than its retention) falls back to the oldest
   * record left, as Lambda does, and says so.
   */
  async #iteratorFromCheckpoint(shardId: string): Promise<string | undefined> {
    const sequenceNumber = this.#checkpoints?.shards[shardId]?.sequenceNumber;
    const get = (after: string | undefined) =>
      this.#options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.#options.streamArn,
          ShardId: shardId,
          ...(after === undefined
            ? { ShardIteratorType: 'TRIM_HORIZON' }
            : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
        }),
      );
    for (;;) {
      try {
        return (await get(sequenceNumber)).ShardIterator;
      } catch (error) {
        if (error instanceof TrimmedDataAccessException && sequenceNumber !== undefined) {
          this.#options.log(
            `stream feed: the checkpoint ${sequenceNumber} of ${shardId} is no longer in the stream; reading from its oldest record`,
          );
          return (await get(undefined)).ShardIterator;
        }
        if (this.#stopping) return undefined;
        this.#options.log(
          `stream feed: cannot get a shard iterator (${describe(error)}); retrying`,
        );
        await this.#sleep(1_000);
      }
    }
  }

  /**
   * Hands the records to the function until every one is done or given up on; `false` when the
   * feed stopped first (the rest is read again from the checkpoint on the next start).
   */
  async #deliver(shardId: string, records: readonly DynamoDBRecord[]): Promise<boolean> {
    const pending: DynamoDBRecord[][] = [[...records]];
    let retries = 0;
    let invocationsOfBatch = 0;
    let functionError = false;
    while (pending.length > 0) {
      if (this.#stopping) return false;
      const batch = pending[0] ?? [];
      const sequenceNumbers = batch.map(sequenceOf);
      this.#inFlight = true;
      const outcome = await invokeHandler(
        this.#options.handler,
        { Records: batch },
        { functionName: this.#options.functionName, timeoutMs: this.#options.functionTimeoutMs },
      ).finally(() => {
        this.#inFlight = false;
      });
      this.#invocations += 1;
      invocationsOfBatch += 1;
      const verdict = streamVerdict(outcome, sequenceNumbers);
      this.#options.onBatch?.({
        shardId,
        sequenceNumbers,
        outcome: verdict.kind,
        ...(verdict.kind === 'error' ? { reason: verdict.reason } : {}),
      });
      if (verdict.kind === 'done') {
        this.#done(shardId, batch);
        pending.shift();
        retries = 0;
        invocationsOfBatch = 0;
        functionError = false;
        continue;
      }
      let left = batch;
      if (verdict.kind === 'retry-from') {
        this.#done(shardId, batch.slice(0, verdict.retryFrom));
        left = batch.slice(verdict.retryFrom);
      } else {
        functionError = true;
        if (this.#options.bisectOnError && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          pending.splice(0, 1, batch.slice(0, half), batch.slice(half));
          this.#options.log(
            `stream feed: ${this.#options.functionName} failed on ${batch.length} records (${verdict.reason}); retrying them in two halves`,
          );
          continue;
        }
      }
      pending[0] = left;
      retries += 1;
      this.#retries += 1;
      const condition = this.#givenUpBecause(left, retries);
      if (condition !== undefined) {
        await this.#giveUp(shardId, left, condition, invocationsOfBatch, functionError);
        pending.shift();
        retries = 0;
        invocationsOfBatch = 0;
        functionError = false;
        continue;
      }
      if (retries === 1) {
        this.#options.log(
          `stream feed: ${this.#options.functionName} did not finish ${left.length} record(s) from ${sequenceOf(left[0] ?? {})}${verdict.kind === 'error' ? ` (${verdict.reason})` : ''}; retrying from there`,
        );
      }
      await this.#sleep((this.#options.retryDelayMs ?? defaultRetryDelay)(retries));
    }
    return true;
  }

  #givenUpBecause(
    records: readonly DynamoDBRecord[],
    retries: number,
  ): FailureCondition | undefined {
    const createdAt =
      (records[0]?.dynamodb?.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000;
    if (Date.now() - createdAt > this.#options.maxRecordAgeMs) return 'RecordAgeExceeded';
    if (retries > this.#options.retryAttempts) return 'RetryAttemptsExhausted';
    return undefined;
  }

  async #giveUp(
    shardId: string,
    records: readonly DynamoDBRecord[],
    condition: FailureCondition,
    invocations: number,
    functionError: boolean,
  ): Promise<void> {
    const failure = streamBatchFailure({
      records,
      shardId,
      streamArn: this.#options.streamArn,
      functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${this.#options.functionName}`,
      requestId: randomUUID(),
      condition,
      invocations,
      functionError,
      now: new Date(),
    });
    const { startSequenceNumber, endSequenceNumber } = failure.DDBStreamBatchInfo;
    for (;;) {
      try {
        await this.#options.onFailure(failure);
        break;
      } catch (error) {
        // The destination must take it before the records are passed over, or they would be
        // lost without a trace; the mapping keeps trying too.
        this.#options.log(
          `stream feed: the on-failure destination refused a message (${describe(error)}); retrying`,
        );
        if (this.#stopping) return;
        await this.#sleep(1_000);
      }
    }
    this.#givenUp += 1;
    this.#done(shardId, records);
    this.#options.log(
      `stream feed: gave up on ${records.length} record(s) ${startSequenceNumber}..${endSequenceNumber} of ${shardId} (${condition}); their position is on the on-failure queue`,
    );
    this.#options.onBatch?.({
      shardId,
      sequenceNumbers: records.map(sequenceOf),
      outcome: 'given-up',
      reason: condition,
    });
  }

  /** Moves the shard's checkpoint past the last of `records`. */
  #done(shardId: string, records: readonly DynamoDBRecord[]): void {
    const last = records.at(-1);
    if (last === undefined) return;
    this.#records += records.length;
    this.#save(shardId, { sequenceNumber: sequenceOf(last) });
  }

  #save(shardId: string, change: { sequenceNumber?: string; finished?: boolean }): void {
    const checkpoints = this.#checkpoints ?? { streamArn: this.#options.streamArn, shards: {} };
    checkpoints.shards[shardId] = { ...checkpoints.shards[shardId], ...change };
    this.#checkpoints = checkpoints;
    this.#options.checkpoints.save(checkpoints);
  }

  /** Waits `ms`, or less when the feed stops. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
