import {
  applyChange,
  type CollectionRule,
  movesToAnotherCollection,
} from '../../../../shared/record/record-state';
import type { ImageChange, ImageExpectation } from '../../../../shared/record/image-change';
import type {
  CheckOutcome,
  CheckRequest,
  CompleteOutcome,
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

/**
 * A ledger in memory: checks, duplicates, completions and failure notes, without a clock (a
 * completed event is a duplicate for ever) and without the noted attempt (a redelivery is always
 * an unfinished attempt).
 */
export class InMemoryLedger implements EventLedger {
  readonly entries = new Map<
    string,
    { completed?: CompleteRequest; deliveries: Set<string>; failures: FailureNote[] }
  >();
  readonly calls: string[] = [];

  async check(request: CheckRequest): Promise<CheckOutcome> {
    this.calls.push(`check ${request.eventId}`);
    const entry = this.entries.get(request.eventId);
    if (entry?.completed) {
      entry.deliveries.add(request.deliveryId);
      return { kind: 'duplicate', deliveries: entry.deliveries.size };
    }
    if (request.attempt.receiveCount > 1) return { kind: 'retry', unfinishedAttempt: true };
    return entry === undefined ? { kind: 'new' } : { kind: 'retry', unfinishedAttempt: false };
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
    const entry = this.entries.get(note.eventId) ?? { deliveries: new Set(), failures: [] };
    if (entry.completed) return;
    entry.failures.push(note);
    this.entries.set(note.eventId, entry);
  }

  async complete(request: CompleteRequest): Promise<CompleteOutcome> {
    this.calls.push(`complete ${request.eventId}`);
    const entry = this.entries.get(request.eventId) ?? { deliveries: new Set(), failures: [] };
    entry.deliveries.add(request.deliveryId);
    this.entries.set(request.eventId, entry);
    if (entry.completed) return { kind: 'duplicate', deliveries: entry.deliveries.size };
    entry.completed = request;
    return { kind: 'completed' };
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
