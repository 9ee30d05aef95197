import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ImageRecordStore } from '../store/image-record-store';
import {
  CHANGE_EVENT_SOURCE,
  COLLECTION_COMPLETED,
  type ChangeEvent,
  IMAGE_RECORD_CHANGED,
  type ImageRecordChangedDetail,
} from './change-event';
import {
  type ChangeEventBus,
  entryBytes,
  MAX_EVENTS_PER_PUT,
  MAX_PUT_BYTES,
} from './change-event-bus';
import type { ServiceLog } from '../observability/service-log';
import { completionChangeId } from './change-id';
import { countCollectionImages } from './collection-counts';
import { streamChangeOf } from './stream-change';

/** The log calls the publisher makes: the service-wide port's. */
export type PublisherLog = Pick<ServiceLog, 'info' | 'error'>;

/** What the publisher needs, injected so tests can use any bus and any store. */
export interface PublisherDeps {
  readonly bus: ChangeEventBus;
  /** Only read, to count a completed collection's images. */
  readonly store: Pick<ImageRecordStore, 'listCollection'>;
  readonly log: PublisherLog;
  /** Puts of entries the bus refused, before the batch is handed back to the stream. */
  readonly putAttempts?: number;
  /** The wait before retry `n` (1-based). */
  readonly backoffMs?: (retry: number) => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The stream batch handler's signature (`ReportBatchItemFailures`). */
export type PublisherHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

const DEFAULT_PUT_ATTEMPTS = 4;
const defaultBackoff = (retry: number): number => Math.min(2_000, 100 * 2 ** (retry - 1));
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One event to put, and the stream record it came from (where a retry resumes). */
interface Pending {
  readonly event: ChangeEvent;
  readonly sequenceNumber: string;
  readonly bytes: number;
}

/** A record's event entry; an `Image Record Changed` too large for EventBridge loses its record. */
const sized = (event: ChangeEvent, sequenceNumber: string): Pending => {
  const bytesOf = (detail: object) =>
    entryBytes(CHANGE_EVENT_SOURCE, event.detailType, JSON.stringify(detail));
  const bytes = bytesOf(event.detail);
  if (bytes <= MAX_PUT_BYTES || event.detailType !== IMAGE_RECORD_CHANGED) {
    return { event, sequenceNumber, bytes };
  }
  const { record: _omitted, ...rest } = event.detail;
  const detail: ImageRecordChangedDetail = { ...rest, recordOmitted: 'too-large' };
  return {
    event: { detailType: IMAGE_RECORD_CHANGED, detail },
    sequenceNumber,
    bytes: bytesOf(detail),
  };
};

/** Consecutive runs of at most 10 entries and 256 KB, in stream order. */
const batchesOf = (pending: readonly Pending[]): Pending[][] => {
  const batches: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of pending) {
    if (
      current.length === MAX_EVENTS_PER_PUT ||
      (current.length > 0 && bytes + item.bytes > MAX_PUT_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

/**
 * The publisher: a batch of the records table's stream (`NEW_AND_OLD_IMAGES`) becomes change
 * events on the bus, in stream order.
 *
 * At least once, never lost: when an event cannot be put (the bus keeps refusing it after
 * `putAttempts`, or counting a collection fails), the handler reports that record's sequence
 * number as the batch item failure, so the stream hands it and every later record back again,
 * and nothing before it is held up. Events of a retried stretch are put again under the same
 * `changeId`, which is what consumers dedupe on. The handler never throws for a failed put; an
 * unreadable item is logged and passed over, since no retry makes it readable.
 */
export const createPublisherHandler = (deps: PublisherDeps): PublisherHandler => {
  const attempts = deps.putAttempts ?? DEFAULT_PUT_ATTEMPTS;
  const backoff = deps.backoffMs ?? defaultBackoff;
  const sleep = deps.sleep ?? defaultSleep;

  /** The records' events, up to the first record whose event could not be built. */
  const collect = async (
    records: readonly DynamoDBRecord[],
  ): Promise<{ pending: Pending[]; failedAt?: string }> => {
    const pending: Pending[] = [];
    for (const record of records) {
      const sequenceNumber = sequenceOf(record);
      const change = streamChangeOf(record);
      if (change.kind === 'image') {
        pending.push(
          sized({ detailType: IMAGE_RECORD_CHANGED, detail: change.detail }, sequenceNumber),
        );
      } else if (change.kind === 'completion') {
        const { vendor, collection, cause } = change.completion;
        try {
          const images = await countCollectionImages(deps.store, vendor, collection.id);
          const detail = {
            changeId: completionChangeId(vendor, cause.eventId),
            vendor,
            collection,
            images,
            cause,
          };
          pending.push(sized({ detailType: COLLECTION_COMPLETED, detail }, sequenceNumber));
        } catch (error) {
          deps.log.error('Counting a completed collection failed; the stream will retry', {
            vendor,
            collectionId: collection.id,
            sequenceNumber,
            error,
          });
          return { pending, failedAt: sequenceNumber };
        }
      } else if (change.kind === 'unreadable') {
        deps.log.error('Stream record is not an item this service wrote; passed over', {
          sequenceNumber,
          issues: change.issues,
        });
      }
    }
    return { pending };
  };

  /** Puts one batch, retrying refused entries; the first still refused, if any. */
  const put = async (batch: readonly Pending[]): Promise<Pending | undefined> => {
    let left = [...batch];
    for (let attempt = 1; ; attempt += 1) {
      let failed: readonly number[];
      try {
        ({ failed } = await deps.bus.put(left.map((item) => item.event)));
      } catch (error) {
        deps.log.error('PutEvents failed', { attempt, entries: left.length, error });
        failed = left.map((_, index) => index);
      }
      left = failed.flatMap((index) => left[index] ?? []);
      if (left.length === 0) return undefined;
      if (attempt >= attempts) return left[0];
      await sleep(backoff(attempt));
    }
  };

  return async (event) => {
    const { pending, failedAt } = await collect(event.Records);
    let published = 0;
    let resumeAt = failedAt;
    for (const batch of batchesOf(pending)) {
      const refused = await put(batch);
      if (refused !== undefined) {
        // Every entry of the batch before the refused one may or may not be in; a retry from
        // the refused one's record puts the rest again, which consumers dedupe by `changeId`.
        resumeAt = refused.sequenceNumber;
        break;
      }
      published += batch.length;
    }
    deps.log.info('Change events published', {
      records: event.Records.length,
      published,
      ...(resumeAt === undefined ? {} : { retryFrom: resumeAt }),
    });
    return { batchItemFailures: resumeAt === undefined ? [] : [{ itemIdentifier: resumeAt }] };
  };
};
