import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { type Collection, COLLECTION_KINDS } from '../record/image-record';
import { type Validated, validate } from '../validation/validation-issue';
import type { Vendor } from '../vendors/vendor';
import {
  integerAttribute,
  isoTimeAttribute,
  nonEmptyStringAttribute,
  vendorAttribute,
} from './attribute-value-schemas';
import type { RecordCause } from './record-item';

/**
 * A collection completion, as the worker records it once the completing event is applied. It is
 * an outbox entry: written in the records table, it reaches the publisher through the same stream
 * as the record changes, so a completion is never lost between the worker's write and a publish.
 */
export interface CollectionCompletion {
  readonly vendor: Vendor;
  readonly collection: Collection;
  readonly cause: RecordCause;
  readonly completedAt: string;
}

/** The prefix of completion keys. No image key starts with it: image keys start with a vendor. */
const COMPLETION_KEY_PREFIX = 'completion#';

/**
 * How long a completion item stays: beyond the stream's 24 h retention, after which it has done
 * its work. DynamoDB's TTL removes it (the removal is on the stream too, and is ignored).
 */
const COMPLETION_RETENTION_SECONDS = 2 * 24 * 60 * 60;

/** One item per completing event: a retried event finds it and writes nothing. */
export const completionKey = (vendor: Vendor, eventId: string): string =>
  `${COMPLETION_KEY_PREFIX}${vendor}#${eventId}`;

export const isCompletionKey = (pk: string): boolean => pk.startsWith(COMPLETION_KEY_PREFIX);

/**
 * Attributes: `pk`, `vendor`, `collectionKind`, `collectionId`, `collectionParentId` (when the
 * collection has a parent), `causeId`, `causeType`, `completedAt` and `expiresAt` (TTL, epoch
 * seconds). No `collectionKey`, so the item never shows in the collection index.
 */
export const toCompletionItem = (
  completion: CollectionCompletion,
): Record<string, AttributeValue> => {
  const { vendor, collection, cause, completedAt } = completion;
  const expiresAt = Math.floor(Date.parse(completedAt) / 1000) + COMPLETION_RETENTION_SECONDS;
  return {
    pk: { S: completionKey(vendor, cause.eventId) },
    vendor: { S: vendor },
    collectionKind: { S: collection.kind },
    collectionId: { S: collection.id },
    ...(collection.parentId === undefined
      ? {}
      : { collectionParentId: { S: collection.parentId } }),
    causeId: { S: cause.eventId },
    causeType: { S: cause.eventType },
    completedAt: { S: completedAt },
    expiresAt: { N: String(expiresAt) },
  };
};

const CompletionItemSchema = v.object({
  pk: nonEmptyStringAttribute,
  vendor: vendorAttribute,
  collectionKind: v.pipe(
    v.object({ S: v.picklist(COLLECTION_KINDS) }),
    v.transform((attribute) => attribute.S),
  ),
  collectionId: nonEmptyStringAttribute,
  collectionParentId: v.optional(nonEmptyStringAttribute),
  causeId: nonEmptyStringAttribute,
  causeType: nonEmptyStringAttribute,
  completedAt: isoTimeAttribute,
  expiresAt: integerAttribute,
});

/** Parses a completion item; anything this code would not have written is refused. */
export const fromCompletionItem = (
  item: Readonly<Record<string, AttributeValue>>,
): Validated<CollectionCompletion> => {
  const parsed = validate(CompletionItemSchema, item);
  if (!parsed.ok) return parsed;
  const { pk, vendor, collectionKind, collectionId, collectionParentId, causeId } = parsed.value;
  if (pk !== completionKey(vendor, causeId)) {
    return { ok: false, issues: [{ path: 'pk', message: 'does not match vendor and causeId' }] };
  }
  return {
    ok: true,
    value: {
      vendor,
      collection: {
        kind: collectionKind,
        id: collectionId,
        ...(collectionParentId === undefined ? {} : { parentId: collectionParentId }),
      },
      cause: { eventId: causeId, eventType: parsed.value.causeType },
      completedAt: parsed.value.completedAt,
    },
  };
};
