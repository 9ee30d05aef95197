import {
  DynamoDbEventLedger,
  type DynamoDbEventLedgerOptions,
} from '../../shared/store/dynamodb-event-ledger';
import type { LedgerEntry } from '../../shared/store/ledger-item';
import { DynamoDbLedgerReader } from '../../shared/store/ledger-reader';

/**
 * The worker's ledger, plus `find` for tests to read one entry back (strongly consistent), as
 * operators do through the ledger reader. The worker itself never reads an entry on its own.
 */
export class InspectableLedger extends DynamoDbEventLedger {
  readonly #reader: DynamoDbLedgerReader;

  constructor(options: DynamoDbEventLedgerOptions) {
    super(options);
    this.#reader = new DynamoDbLedgerReader({
      client: options.client,
      tableName: options.tableName,
      ...(options.onCapacity === undefined ? {} : { onCapacity: options.onCapacity }),
    });
  }

  /** The entry of one event, read strongly consistent. */
  find(eventId: string): Promise<LedgerEntry | undefined> {
    return this.#reader.find(eventId);
  }
}
