import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { type Validated, validate } from '../validation/validation-issue';
import {
  binaryAttribute,
  integerAttribute,
  isoTimeAttribute,
  nonEmptyStringAttribute,
  stringAttribute,
  stringSetAttribute,
} from './dynamodb-item';
import { type ImageRefusal, REFUSAL_REASONS } from '../record/image-refusal';

/** A ledger entry's state: unfinished (an attempt failed), or finished one way or the other. */
export const LEDGER_STATUSES = ['processing', 'completed', 'ignored', 'refused'] as const;
/**
 * `processing` once an attempt failed and until one completes (an event that completes at its
 * first attempt is never `processing`: its entry is created finished); `completed`, `ignored` or
 * `refused` once finished.
 */
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

/**
 * One item of the event ledger, keyed by `eventId`:
 * - `status`, `firstSeenAt` (ISO: when the worker first wrote the entry, at completion or at a
 *   first failure), `completedAt` (ISO; the dedupe window counts from it);
 * - `deliveries` (SS): the vendor deliveries (gateway request ids) that carried the event, the
 *   first `MAX_LISTED_DELIVERIES` of them. A vendor retry is a new delivery, an SQS redelivery or
 *   a SendMessage retried after a timeout is not, so a set counts real duplicates exactly;
 * - `moreDeliveries` (N): deliveries past the listed ones, counted but not kept, so the item
 *   stays bounded however often an event is repeated (`deliveryCount` adds both);
 * - `lastDelivery` (S): the latest delivery counted in `moreDeliveries`, so the same one arriving
 *   twice in a row is counted once;
 * - `vendor`, `eventType`, `receivedAt`; `imagesApplied` (N): the image changes the event made
 *   (stale ones included, so a retry after a crash records the same number);
 * - `imagesRefused` (N) and `refusedImages` (S, JSON `[{imageId, reason}]`, the first 100): the
 *   images whose change was refused for good (see `ImageRefusal`); absent when none was;
 * - `archive` (B): the envelope as gzip-compressed JSON, for replay (when archiving is on);
 * - `notes` (S, JSON string list, the first `MAX_LISTED_NOTES`) and `noteCount` (N): values that
 *   did not reach a record, such as an optional field dropped for failing its format or a label
 *   cut by the record caps; absent when there were none;
 * - `expiresAt` (N, epoch seconds): the TTL attribute;
 * - `failures` (N), `lastError`, `lastFailedAt`: failed attempts, kept after completion; a
 *   crashed or timed-out attempt is noted by its message's next receive;
 * - `lastFailedAttempt` (S, `<messageId>#<receiveCount>`): the attempt noted last, so that the
 *   next receive of that message knows its failure is noted already;
 * - `unfinishedVendor`, `unfinishedSince`: the keys of the sparse `unfinished` index, present only
 *   between a first failure and completion.
 */
export interface LedgerEntry {
  readonly eventId: string;
  readonly status: LedgerStatus;
  /** Absent on entries written before it was named so (they carry `receivedAt` all the same). */
  readonly firstSeenAt?: string;
  readonly completedAt?: string;
  readonly deliveries: readonly string[];
  readonly moreDeliveries?: number;
  readonly lastDelivery?: string;
  readonly vendor?: string;
  readonly eventType?: string;
  readonly receivedAt?: string;
  readonly imagesApplied?: number;
  readonly imagesRefused?: number;
  readonly refusedImages?: readonly ImageRefusal[];
  readonly notes?: readonly string[];
  readonly noteCount?: number;
  readonly archive?: Uint8Array;
  readonly expiresAt?: number;
  readonly archiveSkipped?: string;
  readonly failures?: number;
  readonly lastError?: string;
  readonly lastFailedAt?: string;
  readonly lastFailedAttempt?: string;
  readonly unfinishedSince?: string;
}

const LedgerItemSchema = v.object({
  eventId: nonEmptyStringAttribute,
  status: v.pipe(
    v.object({ S: v.picklist(LEDGER_STATUSES) }),
    v.transform((attribute) => attribute.S),
  ),
  firstSeenAt: v.optional(isoTimeAttribute),
  completedAt: v.optional(isoTimeAttribute),
  deliveries: v.optional(stringSetAttribute, { SS: [] }),
  moreDeliveries: v.optional(integerAttribute),
  lastDelivery: v.optional(nonEmptyStringAttribute),
  vendor: v.optional(nonEmptyStringAttribute),
  eventType: v.optional(nonEmptyStringAttribute),
  receivedAt: v.optional(isoTimeAttribute),
  imagesApplied: v.optional(integerAttribute),
  imagesRefused: v.optional(integerAttribute),
  refusedImages: v.optional(
    v.pipe(
      stringAttribute,
      v.parseJson(),
      v.array(
        v.object({
          imageId: v.string(),
          reason: v.picklist(REFUSAL_REASONS),
        }),
      ),
    ),
  ),
  notes: v.optional(v.pipe(stringAttribute, v.parseJson(), v.array(v.string()))),
  noteCount: v.optional(integerAttribute),
  archive: v.optional(binaryAttribute),
  expiresAt: v.optional(integerAttribute),
  archiveSkipped: v.optional(nonEmptyStringAttribute),
  failures: v.optional(integerAttribute),
  lastError: v.optional(nonEmptyStringAttribute),
  lastFailedAt: v.optional(isoTimeAttribute),
  lastFailedAttempt: v.optional(nonEmptyStringAttribute),
  unfinishedSince: v.optional(isoTimeAttribute),
});

/** Distinct vendor deliveries that carried the event: the listed ones and those counted past them. */
export const deliveryCount = (entry: Pick<LedgerEntry, 'deliveries' | 'moreDeliveries'>): number =>
  entry.deliveries.length + (entry.moreDeliveries ?? 0);

/** Parses a ledger item (as DynamoDB returns it) without trusting its shape. */
export const fromLedgerItem = (
  item: Readonly<Record<string, AttributeValue>>,
): Validated<LedgerEntry> => validate(LedgerItemSchema, item);
