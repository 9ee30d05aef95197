import type { CapacityListener } from '../../shared/store/dynamodb-item';
import { CapacityTally } from './capacity-tally';
import type { CollectionCompletion } from '../../shared/store/record-item';
import {
  DynamoDbImageRecordStore,
  type DynamoDbImageRecordStoreOptions,
} from '../../shared/store/dynamodb-image-record-store';

/**
 * The worker's records store, unchanged, that also tells which write units went to the
 * completion outbox item. That item exists only for change events (it is how a `Collection
 * Completed` reaches the publisher through the stream), so the cost model moves its units from
 * the worker's DynamoDB line to the change events' lines. The worker applies an event's images
 * first and records its completion after them, so the calls made while `recordCompletion` runs
 * are the outbox's.
 */
export class OutboxMeteredStore extends DynamoDbImageRecordStore {
  /** Capacity of the outbox writes only. */
  readonly outbox: CapacityTally;

  private constructor(
    options: DynamoDbImageRecordStoreOptions,
    outbox: CapacityTally,
    private readonly state: { completing: boolean },
  ) {
    super(options);
    this.outbox = outbox;
  }

  /** `onCapacity` still receives every call, the outbox's included. */
  static create(options: DynamoDbImageRecordStoreOptions): OutboxMeteredStore {
    const outbox = new CapacityTally();
    const state = { completing: false };
    const all: CapacityListener = options.onCapacity ?? (() => {});
    const listener: CapacityListener = (use) => {
      all(use);
      if (state.completing) outbox.listener(use);
    };
    return new OutboxMeteredStore({ ...options, onCapacity: listener }, outbox, state);
  }

  override async recordCompletion(
    completion: CollectionCompletion,
  ): Promise<'recorded' | 'exists'> {
    this.state.completing = true;
    try {
      return await super.recordCompletion(completion);
    } finally {
      this.state.completing = false;
    }
  }
}
