import {
  applyChange,
  type CollectionRule,
  movesToAnotherCollection,
} from '../../../../shared/record/record-state';
import type { ImageChange, ImageExpectation } from '../../../../shared/record/image-change';
import type {
  ClaimOutcome,
  ClaimRequest,
  CompleteRequest,
  EventLedger,
  SignatureBinding,
  FailureNote,
} from '../../../../shared/store/event-ledger';
import {
  type CollectionCompletion,
  completionKey,
  type RecordCause,
  recordKey,
  type StoredRecord,
} from '../../../../shared/store/record-item';
import type {
  ApplyResult,
  CollectionPage,
  ImageRecordStore,
} from '../../../../shared/store/image-record-store';
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

  readonly signatures = new Map<string, string>();

  async bindSignature(request: SignatureBinding): Promise<'bound' | 'reused'> {
    const bound = this.signatures.get(request.digest);
    if (bound !== undefined && bound !== request.eventId) return 'reused';
    this.signatures.set(request.digest, request.eventId);
    return 'bound';
  }

  async noteFailure(note: FailureNote): Promise<void> {
    this.calls.push(`failure ${note.eventId} ${note.error}`);
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
  readonly completions = new Map<string, CollectionCompletion>();
  readonly causes: RecordCause[] = [];

  async apply(
    change: ImageChange,
    _expectation?: ImageExpectation,
    collections: CollectionRule = 'fixed',
    cause?: RecordCause,
  ): Promise<ApplyResult> {
    this.applied.push(change);
    if (cause) this.causes.push(cause);
    const key = recordKey(change.vendor, change.imageId);
    const current = this.records.get(key);
    if (movesToAnotherCollection(current?.state, change, collections)) {
      return { outcome: 'refused', reason: 'collection_mismatch', writeUnits: 0, attempts: 0 };
    }
    const merged = applyChange(current?.state, change);
    if (!merged.changed) return { outcome: 'stale', writeUnits: 0, attempts: 1 };
    this.records.set(key, {
      state: merged.state,
      rev: (current?.rev ?? 0) + 1,
      updatedAt: '2026-11-23T12:00:00.000Z',
    });
    return { outcome: current ? 'updated' : 'created', writeUnits: 1, attempts: 1 };
  }

  async recordCompletion(completion: CollectionCompletion): Promise<'recorded' | 'exists'> {
    const key = completionKey(completion.vendor, completion.cause.eventId);
    if (this.completions.has(key)) return 'exists';
    this.completions.set(key, completion);
    return 'recorded';
  }

  async get(vendor: Vendor, imageId: string): Promise<StoredRecord | undefined> {
    return this.records.get(recordKey(vendor, imageId));
  }

  async listCollection(): Promise<CollectionPage> {
    return { records: [] };
  }
}
