import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/**
 * Capacity accounting. Every write asks DynamoDB for `ReturnConsumedCapacity: TOTAL` and every
 * call reports what it used to an injected listener, so tests and benchmarks assert the cost of an
 * event in units rather than guess it from timings. A conditional write that fails is charged by
 * DynamoDB but its error carries no figure; those are reported as estimates from the item size.
 */
export interface CapacityUse {
  readonly tableName: string;
  readonly operation: 'PutItem' | 'UpdateItem' | 'GetItem' | 'Query';
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
