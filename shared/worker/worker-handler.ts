import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ServiceLog, ServiceMetrics } from '../observability/service-log';
import { type EventEnvelope, EventEnvelopeSchema } from '../queue/event-queue';
import type { Attempt, EventLedger } from '../store/event-ledger';
import type { LedgerReadAhead } from '../store/ledger-read-ahead';
import { validate } from '../validation/validation-issue';
import { processEvent, type ProcessEventDeps, type ProcessResult } from './process-event';
import { InvalidEnvelopeError, issuePathsOf } from './worker-errors';

/**
 * The worker's batch handler and the small mechanics it is made of: reading a message body as an
 * envelope (`parseEnvelope`), running tasks with bounded concurrency (`mapWithConcurrency`) and
 * one after another per key (`createRunInTurn`), reading the batch's ledger entries ahead
 * (`readAheadOfBatch`), and the SQS batch handler that puts them together
 * with partial batch responses (`createWorkerHandler`). They belong together because how a batch is
 * taken apart, ordered and limited is one decision, read in one place; `processEvent` is what it
 * does with each event.
 */

/**
 * Reads one SQS message body as an `EventEnvelope`. The queue is a trust boundary like any other
 * (a manual send, a redrive of an old shape), so the body is parsed and validated, never cast.
 * Throws `InvalidEnvelopeError` naming only the failing paths.
 */
export const parseEnvelope = (messageId: string, body: string): EventEnvelope => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidEnvelopeError(messageId, []);
  }
  const envelope = validate(EventEnvelopeSchema, json);
  if (!envelope.ok) {
    throw new InvalidEnvelopeError(messageId, issuePathsOf(envelope.issues));
  }
  return envelope.value;
};

/**
 * Runs `work` over `items` with at most `limit` in flight, resolving in input order. An event can
 * name thousands of images (a whole SKU, a whole job); one Promise.all would burst
 * DynamoDB and the SDK's socket pool, one-by-one would waste the Lambda's time. After the first
 * failure no new work starts, and the call rejects with it once the work in flight has settled.
 */
export const mapWithConcurrency = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = [];
  const pending = items.entries();
  let failure: { readonly error: unknown } | undefined;
  const runWorker = async (): Promise<void> => {
    for (let entry = pending.next(); !entry.done; entry = pending.next()) {
      if (failure !== undefined) return;
      const [index, item] = entry.value;
      try {
        results[index] = await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, runWorker));
  if (failure !== undefined) throw failure.error;
  return results;
};

/** Runs a task after every earlier task with the same key has settled. */
export type RunInTurn = <T>(key: string, task: () => Promise<T>) => Promise<T>;

/**
 * Tasks with the same key run one after another; tasks with different keys run concurrently.
 *
 * Why: a batch can hold two deliveries of one event (a vendor retry, or a vendor's JSON and
 * form copies). Run side by side, both would apply the event (harmless, the merge is idempotent,
 * but every image is read and written twice) before one of them is counted as a duplicate at
 * completion. Run in turn, the second finds the event completed and costs only its check.
 */
export const createRunInTurn = (): RunInTurn => {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    tails.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  };
};

/**
 * The ledger entries of a batch's events, read ahead in one call before any event starts, or
 * `undefined` (each check then reads its own, as without read-ahead) when the ledger cannot read
 * ahead or the read fails. A failed read-ahead fails no message by itself: each event's own read
 * then fails or succeeds on its own, and the batch reports exactly the events that failed, as it
 * would have. Warned about, since it costs every event of the batch a round trip.
 */
export const readAheadOfBatch = async (
  ledger: EventLedger,
  eventIds: readonly string[],
  log: Pick<ServiceLog, 'warn'>,
): Promise<LedgerReadAhead | undefined> => {
  if (ledger.readAhead === undefined || eventIds.length === 0) return undefined;
  try {
    return await ledger.readAhead(eventIds);
  } catch (error) {
    log.warn('Ledger read-ahead failed; each event reads its own entry', {
      events: eventIds.length,
      error,
    });
    return undefined;
  }
};

/** The worker's log: the service-wide port. */
export type WorkerLog = ServiceLog;

/** The worker's metrics, by name: the service-wide port. */
export type WorkerMetrics = Pick<
  ServiceMetrics<WorkerMetricName>,
  'addMetric' | 'publishStoredMetrics'
>;

/**
 * `Applied`, `Duplicate`, `Ignored` count events; `Stale` counts image changes that altered
 * nothing; `ImagesRefused` counts image changes refused for good (another collection's image, a
 * record that cannot fit), which an alarm watches; `Failed` counts messages that failed;
 * `ValuesTrimmed` counts what the record caps cut or left out of applied changes (a label cut,
 * detections beyond the cap, an oversized blob), each noted on the ledger.
 */
export type WorkerMetricName =
  'Applied' | 'Duplicate' | 'Ignored' | 'Stale' | 'ImagesRefused' | 'ValuesTrimmed' | 'Failed';

/** Everything the batch handler needs, injected so tests can count logs and metrics. */
export interface WorkerHandlerDeps extends ProcessEventDeps {
  readonly log: WorkerLog;
  readonly metrics: WorkerMetrics;
}

/** The SQS batch handler's signature (partial batch responses). */
export type WorkerHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/**
 * What became of one message, as its log line's `outcome` key says: one key to count or filter
 * on (CloudWatch Logs Insights, the local stack's batch lines), named like the metrics.
 */
export type WorkerOutcome = 'applied' | 'duplicate' | 'ignored' | 'failed';

/** Log keys for one message: ids and types only, never the payload. */
const keysOf = (record: SQSRecord, envelope?: EventEnvelope): Record<string, unknown> => ({
  messageId: record.messageId,
  receiveCount: record.attributes?.ApproximateReceiveCount,
  ...(envelope
    ? { vendor: envelope.vendor, eventId: envelope.eventId, eventType: envelope.eventType }
    : {}),
});

/**
 * The attempt a record is: its message id and SQS's receive count, 1 when the count is missing or
 * unreadable (then a crashed previous receive goes unnoted, and nothing else changes).
 */
const attemptOf = (record: SQSRecord): Attempt => {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return {
    messageId: record.messageId,
    receiveCount: Number.isInteger(count) && count >= 1 ? count : 1,
  };
};

/** A record's body read as an envelope, or why it is not one (`InvalidEnvelopeError`). */
type ParsedRecord =
  | { readonly ok: true; readonly envelope: EventEnvelope }
  | { readonly ok: false; readonly error: unknown };

const parseRecord = (record: SQSRecord): ParsedRecord => {
  try {
    return { ok: true, envelope: parseEnvelope(record.messageId, record.body) };
  } catch (error) {
    return { ok: false, error };
  }
};

/**
 * Every record of a batch parsed once, up front, for the read-ahead; a record that is not an
 * envelope keeps its error, to fail with its own log line when its turn comes.
 */
const parseAll = (records: readonly SQSRecord[]): Map<SQSRecord, ParsedRecord> =>
  new Map(records.map((record) => [record, parseRecord(record)]));

/**
 * The worker Lambda: each SQS record is processed on its own (Powertools `BatchProcessor`, in
 * parallel, except that deliveries of the same event run in turn) and only the records that threw
 * are reported in `batchItemFailures`, so one bad or
 * unlucky message never holds back the rest of its batch. Before any record starts, the ledger
 * entries of all the batch's events are read in one call (`readAheadOfBatch`), so each event's
 * check costs no round trip of its own. `ReportBatchItemFailures` must be on in
 * the event source mapping. The handler never throws for a fully failed batch either: reporting
 * every record as failed has the same effect and keeps one code path. Its lines carry no Lambda
 * request id: one invocation serves a batch, each event's line names its SQS `messageId`, and the
 * function keeps Lambda's start and report records, which carry the id.
 */
export const createWorkerHandler = (deps: WorkerHandlerDeps): WorkerHandler => {
  const { log, metrics } = deps;

  /** What one batch's records share: parsed envelopes, the turn keeper, the read-ahead. */
  interface BatchState {
    readonly envelopes: ReadonlyMap<SQSRecord, ParsedRecord>;
    readonly inTurn: RunInTurn;
    readonly ahead: LedgerReadAhead | undefined;
  }

  const handleRecord = async (record: SQSRecord, batch: BatchState): Promise<ProcessResult> => {
    // Parsed once for the read-ahead; a message that failed to parse fails here, with its log.
    const parsed = batch.envelopes.get(record) ?? parseRecord(record);
    if (!parsed.ok) {
      metrics.addMetric('Failed', 'Count', 1);
      log.error('Message is not a valid event envelope', {
        ...keysOf(record),
        outcome: 'failed',
        error: parsed.error,
      });
      throw parsed.error;
    }
    const { envelope } = parsed;
    const keys = keysOf(record, envelope);
    try {
      const result = await batch.inTurn(envelope.eventId, () =>
        processEvent(envelope, attemptOf(record), deps, batch.ahead),
      );
      switch (result.kind) {
        case 'applied':
          metrics.addMetric('Applied', 'Count', 1);
          if (result.images.stale > 0) metrics.addMetric('Stale', 'Count', result.images.stale);
          if (result.images.trimmed) {
            metrics.addMetric('ValuesTrimmed', 'Count', result.images.trimmed);
          }
          if (result.images.refused.length > 0) {
            metrics.addMetric('ImagesRefused', 'Count', result.images.refused.length);
            log.warn('Event applied without its refused images (kept in the ledger)', {
              ...keys,
              refused: result.images.refused.slice(0, 20),
              refusedCount: result.images.refused.length,
            });
          }
          log.info('Event applied', {
            ...keys,
            outcome: 'applied',
            created: result.images.created,
            updated: result.images.updated,
            stale: result.images.stale,
            refused: result.images.refused.length,
            ...(result.images.trimmed ? { trimmed: result.images.trimmed } : {}),
          });
          break;
        case 'duplicate':
          metrics.addMetric('Duplicate', 'Count', 1);
          log.info('Duplicate event counted, not applied', {
            ...keys,
            outcome: 'duplicate',
            deliveries: result.deliveries,
            ...(result.appliedConcurrently ? { appliedConcurrently: true } : {}),
          });
          break;
        case 'ignored':
          metrics.addMetric('Ignored', 'Count', 1);
          log.info('Unsupported event kept in the ledger', { ...keys, outcome: 'ignored' });
          break;
        case 'refused':
          metrics.addMetric('ImagesRefused', 'Count', result.refused.length);
          log.warn('Event refused: its signature already authenticated another body', {
            ...keys,
            refusedCount: result.refused.length,
          });
          break;
      }
      return result;
    } catch (error) {
      metrics.addMetric('Failed', 'Count', 1);
      log.error('Event failed; the message will be retried', {
        ...keys,
        outcome: 'failed',
        error,
      });
      throw error;
    }
  };

  return async (event, context) => {
    // One processor per invocation: it keeps per-batch state, and the local stack may overlap calls.
    const processor = new BatchProcessor(EventType.SQS);
    try {
      const envelopes = parseAll(event.Records);
      const batch: BatchState = {
        envelopes,
        // Deliveries of one event within this batch run in turn, so repeats count as duplicates now.
        inTurn: createRunInTurn(),
        ahead: await readAheadOfBatch(
          deps.ledger,
          [...envelopes.values()].flatMap((parsed) => (parsed.ok ? [parsed.envelope.eventId] : [])),
          log,
        ),
      };
      return await processPartialResponse(
        event,
        (record: SQSRecord) => handleRecord(record, batch),
        processor,
        {
          ...(context ? { context } : {}),
          throwOnFullBatchFailure: false,
        },
      );
    } finally {
      metrics.publishStoredMetrics();
    }
  };
};
