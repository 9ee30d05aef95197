import type { AttributeValue, ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { VENDORS } from '../vendors/vendor';

/**
 * What every DynamoDB item of this service shares, whichever table it is in: the valibot schemas
 * that read raw attribute values back (`stringAttribute`, `integerAttribute`, …), an item's size
 * and write units as DynamoDB counts them (`itemBytes`, `writeUnitsFor`), and the capacity each
 * call reports (`CapacityUse`, `unitsOf`). They belong together as the adapters' common
 * vocabulary for items: none of it knows which item it handles, and every table's adapter and
 * item format builds on it.
 */

/**
 * valibot schemas for raw DynamoDB attribute values. Items come back from DynamoDB (and inside
 * `ConditionalCheckFailedException.Item`) as `AttributeValue` maps; the adapters parse them with
 * these instead of casting, so an item this code did not write fails loudly as a
 * `CorruptItemError`. Each yields the plain value.
 */

/** `{ S: … }` holding any string. */
export const stringAttribute = v.pipe(
  v.object({ S: v.string() }),
  v.transform((attribute) => attribute.S),
);

/** `{ S: … }` holding a non-empty string. */
export const nonEmptyStringAttribute = v.pipe(
  v.object({ S: v.pipe(v.string(), v.minLength(1)) }),
  v.transform((attribute) => attribute.S),
);

/** `{ S: … }` holding an ISO-8601 timestamp. */
export const isoTimeAttribute = v.pipe(
  v.object({ S: v.pipe(v.string(), v.isoTimestamp()) }),
  v.transform((attribute) => attribute.S),
);

/** `{ S: … }` holding a vendor name. */
export const vendorAttribute = v.pipe(
  v.object({ S: v.picklist(VENDORS) }),
  v.transform((attribute) => attribute.S),
);

/** `{ N: … }` holding an integer in the safe range. */
export const integerAttribute = v.pipe(
  v.object({ N: v.pipe(v.string(), v.regex(/^-?\d{1,15}$/, 'must be an integer')) }),
  v.transform((attribute) => Number(attribute.N)),
);

/** `{ SS: [...] }`. */
export const stringSetAttribute = v.pipe(
  v.object({ SS: v.array(v.string()) }),
  v.transform((attribute) => attribute.SS),
);

/** `{ B: bytes }`. */
export const binaryAttribute = v.pipe(
  v.object({ B: v.instance(Uint8Array) }),
  v.transform((attribute) => attribute.B),
);

/** DynamoDB's item size limit: names and values of every attribute together. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** One write unit covers up to 1 KB of item. */
const WRITE_UNIT_BYTES = 1024;

/** DynamoDB stores a number in about one byte per two significant digits, plus one. */
const numberBytes = (text: string): number => {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

const valueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.SS !== undefined)
    return value.SS.reduce((sum, item) => sum + Buffer.byteLength(item, 'utf8'), 0);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  // Maps and lists are not written by this service; count them generously if one ever appears.
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
};

/**
 * An item's size as DynamoDB counts it: attribute names plus values (UTF-8 strings, raw bytes,
 * numbers by significant digits). Used to refuse oversize records before the call, and to estimate the units of a
 * conditional write that failed (DynamoDB charges those but does not report them).
 */
export const itemBytes = (item: Readonly<Record<string, AttributeValue>>): number =>
  Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + valueBytes(value),
    0,
  );

/** Write units for an item of this size: one per started KB, at least one. */
export const writeUnitsFor = (bytes: number): number =>
  Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));

/**
 * Capacity accounting. Every write asks DynamoDB for `ReturnConsumedCapacity: TOTAL` and every
 * call reports what it used to an injected listener, so tests and benchmarks assert the cost of an
 * event in units rather than guess it from timings. A conditional write that fails is charged by
 * DynamoDB but its error carries no figure; those are reported as estimates from the item size.
 */
export interface CapacityUse {
  readonly tableName: string;
  readonly operation: 'PutItem' | 'UpdateItem' | 'GetItem' | 'BatchGetItem' | 'Query';
  readonly readUnits: number;
  /** All write units, the indexes' included. */
  readonly writeUnits: number;
  /** The part of `writeUnits` spent keeping global secondary indexes up to date. */
  readonly indexWriteUnits: number;
  /** False when the figure is estimated (a failed conditional write). */
  readonly reported: boolean;
}

/** Receives one `CapacityUse` per DynamoDB call an adapter makes. */
export type CapacityListener = (use: CapacityUse) => void;

/** A listener that ignores everything: the default where nobody is counting. */
export const ignoreCapacity: CapacityListener = () => {};

/**
 * Splits DynamoDB's `ConsumedCapacity` (requested with `INDEXES`, which is `TOTAL` plus the
 * per-index breakdown) into read units, write units and the index share of the write units.
 */
export const unitsOf = (
  consumed: ConsumedCapacity | undefined,
  kind: 'read' | 'write',
): { readUnits: number; writeUnits: number; indexWriteUnits: number } => {
  const total = consumed?.CapacityUnits ?? 0;
  const indexUnits = Object.values(consumed?.GlobalSecondaryIndexes ?? {}).reduce(
    (sum, index) => sum + (index.CapacityUnits ?? 0),
    0,
  );
  return kind === 'read'
    ? { readUnits: total, writeUnits: 0, indexWriteUnits: 0 }
    : { readUnits: 0, writeUnits: total, indexWriteUnits: indexUnits };
};
