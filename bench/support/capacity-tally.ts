import type { CapacityListener, CapacityUse } from '../../shared/store/dynamodb-item';

/**
 * Adds up what the adapters report to their capacity listener, so the benchmark and the tests
 * count an event's cost in DynamoDB units rather than guess it from timings.
 */

/** Totals of the calls a `CapacityTally` has seen. */
export interface CapacityTotals {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly indexWriteUnits: number;
  readonly reads: number;
  readonly writes: number;
}

/** Adds up capacity per table; hand its `listener` to the adapters. */
export class CapacityTally {
  private readonly uses: CapacityUse[] = [];

  readonly listener: CapacityListener = (use) => {
    this.uses.push(use);
  };

  /** Totals, for one table or all of them. */
  totals(tableName?: string): CapacityTotals {
    const selected = this.uses.filter(
      (use) => tableName === undefined || use.tableName === tableName,
    );
    const isRead = (use: CapacityUse) =>
      use.operation === 'GetItem' || use.operation === 'BatchGetItem' || use.operation === 'Query';
    return {
      readUnits: selected.reduce((sum, use) => sum + use.readUnits, 0),
      writeUnits: selected.reduce((sum, use) => sum + use.writeUnits, 0),
      indexWriteUnits: selected.reduce((sum, use) => sum + use.indexWriteUnits, 0),
      reads: selected.filter(isRead).length,
      writes: selected.filter((use) => !isRead(use)).length,
    };
  }

  /** Forgets everything seen so far. */
  reset(): void {
    this.uses.length = 0;
  }
}
