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
} from './attribute-value-schemas';
import { type ImageRefusal, REFUSAL_REASONS } from '../record/image-refusal';

/** A ledger entry's state: claimed and in progress, or finished one way or the other. */
export const LEDGER_STATUSES = ['processing', 'completed', 'ignored', 'refused'] as const;
/** `processing` while claimed; `completed`, `ignored` or `refused` once finished. */
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

/**
 * One item of the event ledger, keyed by `eventId`:
 * - `status`, `owner` (the SQS messageId that holds or held the claim), `leaseUntil` (ISO; while
 *   processing), `claimedAt`, `completedAt` (ISO);
 * - `deliveries` (SS): every SQS messageId that carried the event. A vendor retry is a new SQS
 *   message, an SQS redelivery is not, so `deliveries - 1` counts real duplicates and a message
 *   retried after meeting a held lease is not counted twice;
 * - `vendor`, `eventType`, `receivedAt`; `imagesApplied` (N): the image changes the event made
 *   (stale ones included, so a retry after a crash records the same number);
 * - `imagesRefused` (N) and `refusedImages` (S, JSON `[{imageId, reason}]`, the first 100): the
 *   images whose change was refused for good (see `ImageRefusal`); absent when none was;
 * - `archive` (B): the envelope as gzip-compressed JSON, for replay (when archiving is on);
 * - `expiresAt` (N, epoch seconds): the TTL attribute;
 * - `failures` (N), `lastError`, `lastFailedAt`: failed attempts, kept after completion;
 * - `unfinishedVendor`, `unfinishedSince`: the keys of the sparse `unfinished` index, present only
 *   between a first failure (or an abandoned lease) and completion.
 */
export interface LedgerEntry {
  readonly eventId: string;
  readonly status: LedgerStatus;
  readonly owner: string;
  readonly claimedAt: string;
  readonly leaseUntil?: string;
  readonly completedAt?: string;
  readonly deliveries: readonly string[];
  readonly vendor?: string;
  readonly eventType?: string;
  readonly receivedAt?: string;
  readonly imagesApplied?: number;
  readonly imagesRefused?: number;
  readonly refusedImages?: readonly ImageRefusal[];
  readonly archive?: Uint8Array;
  readonly expiresAt?: number;
  readonly archiveSkipped?: string;
  readonly failures?: number;
  readonly lastError?: string;
  readonly lastFailedAt?: string;
  readonly unfinishedSince?: string;
}

const LedgerItemSchema = v.object({
  eventId: nonEmptyStringAttribute,
  status: v.pipe(
    v.object({ S: v.picklist(LEDGER_STATUSES) }),
    v.transform((attribute) => attribute.S),
  ),
  owner: nonEmptyStringAttribute,
  claimedAt: isoTimeAttribute,
  leaseUntil: v.optional(isoTimeAttribute),
  completedAt: v.optional(isoTimeAttribute),
  deliveries: v.optional(stringSetAttribute, { SS: [] }),
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
  archive: v.optional(binaryAttribute),
  expiresAt: v.optional(integerAttribute),
  archiveSkipped: v.optional(nonEmptyStringAttribute),
  failures: v.optional(integerAttribute),
  lastError: v.optional(nonEmptyStringAttribute),
  lastFailedAt: v.optional(isoTimeAttribute),
  unfinishedSince: v.optional(isoTimeAttribute),
});

/** Parses a ledger item (as DynamoDB returns it) without trusting its shape. */
export const fromLedgerItem = (
  item: Readonly<Record<string, AttributeValue>>,
): Validated<LedgerEntry> => validate(LedgerItemSchema, item);
