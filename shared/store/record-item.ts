import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { type JsonValue, sanitizeJson } from '../json/json-value';
import { type Collection, COLLECTION_KINDS, CollectionSchema } from '../record/image-record';
import {
  type EventClock,
  eventClock,
  type FieldEntry,
  type RecordState,
} from '../record/record-state';
import { validate, type Validated } from '../validation/validation-issue';
import type { Vendor } from '../vendors/vendor';
import {
  binaryAttribute,
  integerAttribute,
  isoTimeAttribute,
  itemBytes,
  nonEmptyStringAttribute,
  stringAttribute,
  vendorAttribute,
} from './dynamodb-item';

/**
 * The items the worker writes to the records table, in their stored form: the image record item
 * (`toRecordItem`, `fromRecordItem`), the keys of the `byCollection` index it carries
 * (`collectionKey`, `collectionSortKey`), and the collection-completion item written beside it
 * (`toCompletionItem`, `fromCompletionItem`). They belong together because they share the one
 * table's key space and attributes: a reader checking what lands in the records table finds every
 * item kind and key encoding here.
 */

/**
 * One image is ONE item in the records table (an item collection of per-part items is deliberately
 * not used). Why: the per-field clocks of `RecordState` already give every field its own event
 * time, so the merge that a collection of per-part items would do in DynamoDB conditions is done
 * in code instead, on the whole state at once. That makes a new image exactly one PutItem, a
 * read a single GetItem (not a Query over parts), a collection page one index Query that returns
 * whole records, and it lets the index key follow the merged `collection`/`sequence`.
 *
 * Attributes:
 * - `pk` (S) `<vendor>#<imageId>`; `vendor`, `imageId` (S);
 * - `rev` (N) optimistic version, +1 per write; every write but the first is conditioned on it;
 * - `state` the `RecordState` fields as compact JSON (see `encodeState`), stored as raw-deflate
 *   bytes (B) whenever that is smaller, else as the text (S); both read back (see
 *   `stateAttribute`);
 * - `updatedAt` (S) ISO time of the last write;
 * - `causeId` / `causeType` (S) the id and type of the event whose change the last write
 *   committed, so the table's stream can say which event caused each change;
 * - `collectionKey` / `collectionSort` (S) for the sparse `byCollection` index, only when the
 *   merged state has a collection.
 */
export interface StoredRecord {
  readonly state: RecordState;
  readonly rev: number;
  readonly updatedAt: string;
  /** The event the last write applied; absent on items written before causes were kept. */
  readonly cause?: RecordCause;
}

/** The vendor event a write applied. */
export interface RecordCause {
  readonly eventId: string;
  readonly eventType: string;
}

/** The partition key of an image. Vendor names never contain `#`, so the key is unambiguous. */
export const recordKey = (vendor: Vendor, imageId: string): string => `${vendor}#${imageId}`;

/**
 * The state as a JSON string, not a DynamoDB map: vendor blobs with odd keys, empty strings or
 * numbers beyond DynamoDB's 38 digits never meet marshalling limits, and the item stays small
 * because each clock (`<ISO time>|<eventId>`, ~70 bytes) is stored once in `c` and fields refer
 * to it by index: `{"c":["<clock0>",…],"f":{"core:name":["value",0],…}}`. Fields are written in
 * key order, so equal states encode to equal strings.
 */
export const encodeState = (state: RecordState): string => {
  const clocks: EventClock[] = [];
  const indexOf = new Map<EventClock, number>();
  const fields: Record<string, [JsonValue, number]> = {};
  for (const key of Object.keys(state.fields).sort()) {
    const entry = state.fields[key];
    if (entry === undefined) continue;
    let index = indexOf.get(entry.clock);
    if (index === undefined) {
      index = clocks.length;
      clocks.push(entry.clock);
      indexOf.set(entry.clock, index);
    }
    fields[key] = [entry.value, index];
  }
  return JSON.stringify({ c: clocks, f: fields });
};

/**
 * The `state` attribute of an item: the encoded state deflated (raw, no header) when that is
 * smaller, else the JSON text. DynamoDB bills writes per started KB of item, and the record's own
 * index copy is as large again, so the state's repetitive JSON (vendor URLs under one prefix,
 * field names, clocks) is compressed: a typical single-image record drops from about 1.4 KB to
 * 0.7 KB, one write unit instead of two, on the table and on the index. A few microseconds of CPU
 * buy that on each write and read.
 */
export const stateAttribute = (state: RecordState): AttributeValue =>
  storedStateOf(encodeState(state));

/**
 * Deflate settings sized for record states (one to a few KB): a 4 KB window and a small hash
 * table compress them as well as the defaults (32 KB, memLevel 8) at about half the CPU, most of
 * which is setting up the compressor. Inflating needs no setting: any window up to 32 KB reads.
 */
const STATE_DEFLATE = { windowBits: 12, memLevel: 5 } as const;

/** The encoded state as stored: deflated bytes when smaller than the text. */
const storedStateOf = (json: string): AttributeValue => {
  const packed = deflateRawSync(json, STATE_DEFLATE);
  return packed.byteLength < Buffer.byteLength(json) ? { B: packed } : { S: json };
};

/**
 * Largest state text accepted when inflating: far above any real record (the item itself stops
 * at 400 KB), and low enough that a corrupt or hostile item cannot balloon in memory.
 */
const MAX_STATE_TEXT_BYTES = 8 * 1024 * 1024;

/** A stored clock, re-derived through `eventClock` so that only well-formed clocks come back. */
const ClockSchema = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const separator = dataset.value.indexOf('|');
    const time = new Date(dataset.value.slice(0, separator));
    const eventId = dataset.value.slice(separator + 1);
    if (separator < 0 || Number.isNaN(time.getTime()) || eventId === '') {
      addIssue({ message: 'must be "<ISO time>|<eventId>"' });
      return NEVER;
    }
    const clock = eventClock(time, eventId);
    if (clock !== dataset.value) {
      addIssue({ message: 'must use the canonical ISO time' });
      return NEVER;
    }
    return clock;
  }),
);

const JsonValueSchema = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const clean = sanitizeJson(dataset.value, 'reject');
    if (clean === undefined) {
      addIssue({ message: 'must be a bounded JSON value' });
      return NEVER;
    }
    return clean;
  }),
);

const EncodedStateSchema = v.object({
  c: v.array(ClockSchema),
  f: v.record(
    v.string(),
    v.tuple([JsonValueSchema, v.pipe(v.number(), v.integer(), v.minValue(0))]),
  ),
});

const RecordItemSchema = v.object({
  pk: nonEmptyStringAttribute,
  vendor: vendorAttribute,
  imageId: nonEmptyStringAttribute,
  rev: integerAttribute,
  state: v.union([stringAttribute, binaryAttribute], 'must be the state as text (S) or bytes (B)'),
  updatedAt: isoTimeAttribute,
  causeId: v.optional(nonEmptyStringAttribute),
  causeType: v.optional(nonEmptyStringAttribute),
});

/** The state's JSON text from either stored form. */
const stateText = (state: string | Uint8Array): Validated<string> => {
  if (typeof state === 'string') return { ok: true, value: state };
  try {
    return {
      ok: true,
      value: inflateRawSync(state, { maxOutputLength: MAX_STATE_TEXT_BYTES }).toString('utf8'),
    };
  } catch (error) {
    return {
      ok: false,
      issues: [
        {
          path: 'state',
          message: `is not a deflated state: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
};

const parseJson = (text: string): Validated<unknown> => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      issues: [
        {
          path: 'state',
          message: `is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
};

/** Reads `state` back into fields; every field must point at a stored clock. */
const decodeFields = (text: string): Validated<Record<string, FieldEntry>> => {
  const json = parseJson(text);
  if (!json.ok) return json;
  const parsed = validate(EncodedStateSchema, json.value);
  if (!parsed.ok) {
    return { ok: false, issues: parsed.issues.map((i) => ({ ...i, path: `state.${i.path}` })) };
  }
  const fields: Record<string, FieldEntry> = {};
  for (const [key, [value, index]] of Object.entries(parsed.value.f)) {
    const clock = parsed.value.c[index];
    if (clock === undefined) {
      return {
        ok: false,
        issues: [{ path: `state.f.${key}`, message: `refers to missing clock ${index}` }],
      };
    }
    fields[key] = { value, clock };
  }
  return { ok: true, value: fields };
};

/** Parses an item of the records table; anything this code would not have written is refused. */
export const fromRecordItem = (
  item: Readonly<Record<string, AttributeValue>>,
): Validated<StoredRecord> => {
  const parsed = validate(RecordItemSchema, item);
  if (!parsed.ok) return parsed;
  const { pk, vendor, imageId, rev, state, updatedAt, causeId, causeType } = parsed.value;
  if (pk !== recordKey(vendor, imageId)) {
    return { ok: false, issues: [{ path: 'pk', message: 'does not match vendor and imageId' }] };
  }
  const text = stateText(state);
  if (!text.ok) return text;
  const fields = decodeFields(text.value);
  if (!fields.ok) return fields;
  const cause =
    causeId !== undefined && causeType !== undefined
      ? { cause: { eventId: causeId, eventType: causeType } }
      : {};
  return {
    ok: true,
    value: { state: { vendor, imageId, fields: fields.value }, rev, updatedAt, ...cause },
  };
};

/** The merged `collection` and `sequence`, which place the record in the collection index. */
const indexPlacement = (state: RecordState): { collectionId?: string; sequence?: number } => {
  const collection = v.safeParse(CollectionSchema, state.fields['core:collection']?.value);
  const sequence = state.fields['core:sequence']?.value;
  return {
    collectionId: collection.success ? collection.output.id : undefined,
    sequence: typeof sequence === 'number' ? sequence : undefined,
  };
};

/** A record's item, and how large it would be with its state stored as text. */
export interface SizedRecordItem {
  readonly item: Record<string, AttributeValue>;
  /**
   * The item's size with the state as JSON text, before deflating. Size limits apply to this
   * figure, so a record is bounded by its real content (which the read API serves in full), not by
   * how well that content compresses.
   */
  readonly textBytes: number;
}

const collectionKeysOf = (stored: StoredRecord): Record<string, AttributeValue> => {
  const { vendor, imageId } = stored.state;
  const { collectionId, sequence } = indexPlacement(stored.state);
  return collectionId === undefined
    ? {}
    : {
        collectionKey: { S: collectionKey(vendor, collectionId) },
        collectionSort: { S: collectionSortKey(sequence, imageId) },
      };
};

/** The full item for a record, index keys included, with its size as text. */
export const toSizedRecordItem = (stored: StoredRecord): SizedRecordItem => {
  const { vendor, imageId } = stored.state;
  const json = encodeState(stored.state);
  const rest: Record<string, AttributeValue> = {
    pk: { S: recordKey(vendor, imageId) },
    vendor: { S: vendor },
    imageId: { S: imageId },
    rev: { N: String(stored.rev) },
    updatedAt: { S: stored.updatedAt },
    ...(stored.cause
      ? { causeId: { S: stored.cause.eventId }, causeType: { S: stored.cause.eventType } }
      : {}),
    ...collectionKeysOf(stored),
  };
  return {
    item: { ...rest, state: storedStateOf(json) },
    textBytes: itemBytes({ ...rest, state: { S: json } }),
  };
};

/** The full item for a record, index keys included. */
export const toRecordItem = (stored: StoredRecord): Record<string, AttributeValue> =>
  toSizedRecordItem(stored).item;

/**
 * Keys of the `byCollection` index. DynamoDB sorts a string sort key byte by byte, so the sequence
 * is encoded such that string order equals numeric order, and the imageId follows to break ties:
 * one Query then lists a collection by sequence, then imageId, which is the contract's order.
 */

/** Prefix of images with a sequence; `UNSEQUENCED` sorts after every one of them. */
const SEQUENCED = '0';
const UNSEQUENCED = '1';

const SIGN_BIT = 1n << 63n;
const ALL_BITS = (1n << 64n) - 1n;

/**
 * The sequence as 17 characters whose string order is numeric order, for every finite number
 * (negative, fractional, beyond 2^53): the IEEE-754 bits with the sign bit flipped for positives
 * and all bits flipped for negatives, in hex. `-0` counts as `0`. Images without a sequence (or
 * with a non-finite one) sort after all others.
 */
export const sequenceSortKey = (sequence: number | undefined): string => {
  if (sequence === undefined || !Number.isFinite(sequence)) return UNSEQUENCED;
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleBE(sequence === 0 ? 0 : sequence);
  const bits = buffer.readBigUInt64BE();
  const ordered = bits & SIGN_BIT ? ~bits & ALL_BITS : bits | SIGN_BIT;
  return `${SEQUENCED}${ordered.toString(16).padStart(16, '0')}`;
};

/** The index sort key: sequence order, then imageId. */
export const collectionSortKey = (sequence: number | undefined, imageId: string): string =>
  `${sequenceSortKey(sequence)}#${imageId}`;

/** The index partition key: one collection of one vendor. Vendor names never contain `#`. */
export const collectionKey = (vendor: Vendor, collectionId: string): string =>
  `${vendor}#${collectionId}`;

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
