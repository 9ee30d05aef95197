import { Duration } from 'aws-cdk-lib';
import { byFunction, type FunctionName } from '../shared/http/routes';
import { manifestOf } from '../shared/vendors/manifests';
import type { Vendor } from '../shared/vendors/vendor';

/**
 * Memory, timeout and reserved concurrency of one function. Memory also buys CPU: Lambda scales
 * vCPU with it.
 */
export interface FunctionSizing {
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Always unset here: see `RESERVED_CONCURRENCY` for why. */
  readonly reservedConcurrentExecutions: number | undefined;
  /**
   * Which of Lambda's own log records reach the function's log group. `INFO` keeps the start and
   * report records of each invocation (duration, billed duration, memory used), which a batch
   * function writes once per batch. `WARN` drops them: for a function invoked once per webhook
   * they are about a third of its log bytes. Timeouts and crashes still count in the function's
   * `Errors` metric, and the handler's own lines are kept either way.
   */
  readonly systemLogLevel: 'INFO' | 'WARN';
}

/**
 * No function reserves concurrency; the decision, with its reasons:
 *
 * - Ingest is already bounded where it matters, at its route's throttle (`route-throttles.ts`).
 *   Concurrency is rate times duration: 100 requests a second at a warm 50 ms is five concurrent
 *   executions, and even every route at its limit with cold starts stays in the low hundreds, far
 *   inside the account's default pool of 1,000.
 * - A reservation is also a ceiling. Above it Lambda throttles the invoke, and API Gateway answers
 *   the vendor with a 5xx where the route throttle would have answered a clean 429; a reservation
 *   sized below the route throttle just moves the refusal to a worse place.
 * - Reserved concurrency comes out of the account's unreserved pool, which must keep 100. Accounts
 *   whose concurrency quota is still the new-account 10 could not deploy the stack at all, and
 *   every stage deployed into a shared account would take its share again.
 * - The worker is capped instead by its event source mapping's maximum concurrency
 *   (`WORKER_MAX_CONCURRENCY`), which limits pollers without making Lambda throttle and return
 *   messages to the queue, as a reservation on an SQS-triggered function would.
 *
 * What protects ingest from a noisy neighbour in the same account is the invocation-spike and
 * throttle alarms, not a reservation.
 */
export const RESERVED_CONCURRENCY = undefined;

/**
 * Ingest: JSON parse, valibot, an HS256 check and one SQS SendMessage of up to 1 MiB.
 *
 * - Memory: each vendor's, from its manifest (`deployment.memorySize`), the knee of the bench's
 *   memory curve for that vendor's bodies: 1024 MB where a body carries a hundred images, 512 MB
 *   where it carries a few. This default (1024 MB) is what `ingestSizingOf` starts from.
 * - 7 s: a backstop, not a budget. The normal answer comes well under a second (cold: about one
 *   second), far inside the shortest vendor deadline (10 s). The SDK clients give up on their own first: a
 *   cold secrets read at most 2 s, the SendMessage at most 4 s (two attempts), so a hung
 *   dependency yields the code's own 503 with `Retry-After` inside 6 s plus init, and the timeout
 *   only catches what nothing else did, still before the vendor stops listening.
 */
export const INGEST_SIZING: FunctionSizing = {
  memorySize: 1024,
  timeout: Duration.seconds(7),
  reservedConcurrentExecutions: RESERVED_CONCURRENCY,
  systemLogLevel: 'WARN',
};

/**
 * Worker: a batch of up to `WORKER_BATCH_SIZE` envelopes, each a conditional ledger claim, one
 * conditional write per image (a SKU carries tens of images) and a completion write.
 *
 * - 1536 MB: the knee of the bench's memory curve for a batch of ten events of the mix (the
 *   cheapest size within 1.5x of the fastest): about 150 ms a batch against 220 ms at 1024 MB, for
 *   3 % more per batch. Ten 1 MiB envelopes decompressed and normalized fit with headroom.
 * - 30 s: the happy path is well under a few seconds; the rest absorbs DynamoDB throttling retries
 *   with backoff. It also drives the main queue's visibility timeout (six times this, plus the
 *   batching window), so a longer timeout would delay every retry of a failed message.
 */
export const WORKER_SIZING: FunctionSizing = {
  memorySize: 1536,
  timeout: Duration.seconds(30),
  reservedConcurrentExecutions: RESERVED_CONCURRENCY,
  systemLogLevel: 'INFO',
};

/**
 * Read: one GetItem or one Query (at most 100 records), JSON out.
 *
 * - 1024 MB: the knee of the bench's memory curve for a GET (about 8 ms against 12 ms at 512 MB,
 *   for 7 % more); a page of 100 records is well under a megabyte.
 * - 10 s: a Query answers in milliseconds; the margin covers a cold start plus SDK retries while
 *   staying far under API Gateway's 30 s integration limit.
 */
export const READ_SIZING: FunctionSizing = {
  memorySize: 1024,
  timeout: Duration.seconds(10),
  reservedConcurrentExecutions: RESERVED_CONCURRENCY,
  systemLogLevel: 'INFO',
};

/**
 * Up to 10 messages per worker invocation: the SQS receive maximum, so a batch costs one poll, and
 * a failed message only holds back nine others, each of which is reported individually anyway
 * (`ReportBatchItemFailures`).
 */
export const WORKER_BATCH_SIZE = 10;

/**
 * Wait up to 1 s to fill a batch. Bursts (a SKU completing, an upload of 50 images)
 * then arrive in few invocations, while a lone event still reaches its record within about a
 * second.
 */
export const WORKER_BATCHING_WINDOW = Duration.seconds(1);

/**
 * At most 10 concurrent workers. The event source mapping otherwise scales pollers up to 1,250
 * concurrent invocations, which could starve the account's concurrency pool that ingest needs to
 * answer vendors, and would throw a backlog at DynamoDB all at once. Ten workers at ten messages
 * each drain hundreds of events per second, far beyond the vendors' rates.
 */
export const WORKER_MAX_CONCURRENCY = 10;

/**
 * Publisher: a batch of up to `PUBLISHER_BATCH_SIZE` stream records, each decoded (the record
 * state is deflated) and diffed, then `PutEvents` in tens, plus one collection index query per
 * completion.
 *
 * - 1024 MB: the knee of the bench's memory curve for a batch of 100 records (about 0.5 s against
 *   0.8 s at 512 MB): change events reach the bus sooner, for cents per million webhooks.
 * - 60 s: a healthy batch takes well under a second. The rest covers the publisher's own retries
 *   of refused entries (four puts with backoff per batch of ten) and paging through a large
 *   collection to count it, so a slow EventBridge ends in a reported retry point, not a timeout.
 */
export const PUBLISHER_SIZING: FunctionSizing = {
  memorySize: 1024,
  timeout: Duration.seconds(60),
  reservedConcurrentExecutions: RESERVED_CONCURRENCY,
  systemLogLevel: 'INFO',
};

/**
 * Up to 100 stream records per invocation (the stream default): ten `PutEvents` calls of ten.
 * Without a batching window, Lambda invokes as soon as its poll (four a second per shard) finds
 * records, so a change reaches the bus within about a second of its write; a busy stream fills
 * batches on its own.
 */
export const PUBLISHER_BATCH_SIZE = 100;

/**
 * How long a batch the publisher keeps failing is retried before it goes to the on-failure
 * queue: 12 hours, half the stream's 24 h retention. An EventBridge outage of hours is ridden out
 * in order, and a batch given up on still has 12 hours in the stream, from the shard and sequence
 * range the on-failure message names, to be read and published again.
 */
export const PUBLISHER_MAX_RECORD_AGE = Duration.hours(12);

/**
 * Retries of one failing batch: Lambda's maximum, so in an outage the record age decides, while
 * a record that fails for a reason no retry fixes still ends in the on-failure queue instead of
 * holding its shard for 12 hours. Each failed attempt already spends about a second in the
 * publisher's own backoff, so 10,000 attempts last about as long as the maximum record age.
 */
export const PUBLISHER_RETRY_ATTEMPTS = 10_000;

/** A vendor's ingest function: `INGEST_SIZING` with the memory its manifest chose. */
export const ingestSizingOf = (vendor: Vendor): FunctionSizing => ({
  ...INGEST_SIZING,
  memorySize: manifestOf(vendor).deployment.memorySize,
});

/** Every function's sizing, the ingest functions' from their vendors. */
const FUNCTION_SIZING: Readonly<Record<FunctionName, FunctionSizing>> = byFunction(ingestSizingOf, {
  worker: WORKER_SIZING,
  read: READ_SIZING,
  publisher: PUBLISHER_SIZING,
});

/** The sizing each function is deployed with, by its folder name under `functions/`. */
export const sizingOf = (name: FunctionName): FunctionSizing => FUNCTION_SIZING[name];
