import type { ImageChange } from '../../../../shared/record/image-change';
import { applyChange } from '../../../../shared/record/record-state';
import type {
  ClaimOutcome,
  ClaimRequest,
  CompleteRequest,
  EventLedger,
} from '../../../../shared/store/event-ledger';
import type {
  ApplyResult,
  CollectionPage,
  ImageRecordStore,
} from '../../../../shared/store/image-record-store';
import { recordKey, type StoredRecord } from '../../../../shared/store/record-item';
import type { Vendor } from '../../../../shared/vendors/vendor';

/** A ledger in memory: claims, duplicates and completions, without leases or clocks. */
export class InMemoryLedger implements EventLedger {
  readonly entries = new Map<
    string,
    { owner: string; completed?: CompleteRequest; deliveries: Set<string> }
  >();
  readonly calls: string[] = [];

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    this.calls.push(`claim ${request.eventId}`);
    const entry = this.entries.get(request.eventId);
    if (entry === undefined) {
      this.entries.set(request.eventId, {
        owner: request.messageId,
        deliveries: new Set([request.deliveryId]),
      });
      return { kind: 'claimed' };
    }
    entry.deliveries.add(request.deliveryId);
    if (entry.completed) return { kind: 'duplicate', deliveries: entry.deliveries.size };
    return { kind: 'resumed' };
  }

  async complete(request: CompleteRequest): Promise<void> {
    this.calls.push(`complete ${request.eventId}`);
    const entry = this.entries.get(request.eventId);
    if (entry) entry.completed = request;
  }
}

/** A record store in memory, merging with the real `applyChange`. */
export class InMemoryStore implements ImageRecordStore {
  readonly records = new Map<string, StoredRecord>();
  readonly applied: ImageChange[] = [];

  async apply(change: ImageChange): Promise<ApplyResult> {
    this.applied.push(change);
    const key = recordKey(change.vendor, change.imageId);
    const current = this.records.get(key);
    const merged = applyChange(current?.state, change);
    if (!merged.changed) return { outcome: 'stale', writeUnits: 0, attempts: 1 };
    this.records.set(key, {
      state: merged.state,
      rev: (current?.rev ?? 0) + 1,
      updatedAt: '2026-11-23T12:00:00.000Z',
    });
    return { outcome: current ? 'updated' : 'created', writeUnits: 1, attempts: 1 };
  }

  async get(vendor: Vendor, imageId: string): Promise<StoredRecord | undefined> {
    return this.records.get(recordKey(vendor, imageId));
  }

  async listCollection(): Promise<CollectionPage> {
    return { records: [] };
  }
}
