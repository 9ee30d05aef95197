import type { CollectionRule } from '../record/record-state';
import type { ImageChange, ImageExpectation } from '../record/image-change';
import type { RefusalReason } from '../record/image-refusal';
import type { Vendor } from '../vendors/vendor';
import type { CollectionCompletion, RecordCause, StoredRecord } from './record-item';

/**
 * The image records, as the worker and the read API need them. The DynamoDB adapter is the one
 * implementation; the port keeps the worker and the read logic free of SDK types.
 */
export interface ImageRecordStore {
  /**
   * Merges one event's change into its image under the order rules. Safe under concurrency (many
   * workers may apply to one image at once) and idempotent (applying a change twice writes once).
   * Under the `fixed` collection rule (the default), a change that names another collection than
   * the stored record's is refused and writes nothing.
   * `cause` is kept on the written item, so the change event can name the event behind it.
   */
  apply(
    change: ImageChange,
    expectation?: ImageExpectation,
    collections?: CollectionRule,
    cause?: RecordCause,
  ): Promise<ApplyResult>;
  /**
   * Records that an applied event completed a collection, once per event: a retry of the same
   * event finds the completion already recorded (`exists`) and writes nothing.
   */
  recordCompletion(completion: CollectionCompletion): Promise<'recorded' | 'exists'>;
  /** The stored record of one image, or `undefined`. */
  get(vendor: Vendor, imageId: string): Promise<StoredRecord | undefined>;
  /** One page of a collection, ordered by sequence, then imageId. */
  listCollection(request: CollectionPageRequest): Promise<CollectionPage>;
}

/**
 * What applying a change did: `created` the image, `updated` it, nothing because every field
 * it names already holds a value from a later event (`stale`; also a repeat of the same event),
 * or nothing because the change may never apply to this image (`refused`, with `reason`).
 */
export interface ApplyResult {
  readonly outcome: 'created' | 'updated' | 'stale' | 'refused';
  /** Why the change was refused; only with `refused`. */
  readonly reason?: RefusalReason;
  /** Write units consumed, including estimates for conditional writes that lost. */
  readonly writeUnits: number;
  /** Conditional writes made (1 for a new image; 0 when a read already showed the change stale). */
  readonly attempts: number;
}

/**
 * Where a collection page resumes: after this record. Together with the vendor and collection it
 * is the index's `LastEvaluatedKey`; the read API wraps it in a signed cursor.
 */
export interface CollectionPosition {
  readonly recordKey: string;
  readonly sortKey: string;
}

/** One page of one vendor's collection, resuming after `after` when given. */
export interface CollectionPageRequest {
  readonly vendor: Vendor;
  readonly collectionId: string;
  readonly limit: number;
  readonly after?: CollectionPosition;
}

/** A page of whole records in collection order, and where the next page starts. */
export interface CollectionPage {
  readonly records: readonly StoredRecord[];
  /** Present only when more records follow, so the last page has no `next`. */
  readonly next?: CollectionPosition;
}
