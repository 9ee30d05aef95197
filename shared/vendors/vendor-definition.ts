import type { CollectionRule, EventClock } from '../record/record-state';
import type { AliasedImageChange, ImageChange, ImageExpectation } from '../record/image-change';
import type { Collection } from '../record/image-record';
import type { DroppedField, Validated } from '../validation/validation-issue';
import type { Vendor } from './vendor';

/** What a webhook carries, once its bytes are parsed. */
export interface VendorDelivery {
  /** The parsed body (JSON, or the JSON held in a form's field `p`). */
  readonly payload: unknown;
  /** The event name when the vendor sends it outside the body (the manifest's `eventTypeHeader`). */
  readonly eventType?: string;
}

/** Which event a delivery is: stable across retries, distinct for real repeats. */
export interface EventIdentity {
  readonly eventType: string;
  readonly eventId: string;
  /** The vendor's time when the payload dates the change; otherwise the receipt time. */
  readonly eventTime: Date;
  /** False for authentic events of a type we do not turn into records (answered `ignored`). */
  readonly supported: boolean;
  /**
   * The payload's canonical JSON, when the `eventId` digests it (`contentDigestOf`): the queue
   * message carries this text as the payload instead of serializing the payload again.
   */
  readonly canonicalPayload?: string;
}

/**
 * Everything the pipeline knows about one vendor, in one object. Ingest uses `read` and
 * `identify`; the worker uses `read` again (on the queued payload) and `normalize`.
 *
 * The functions are declared as methods on purpose: a method's parameters are checked
 * bivariantly, so any vendor's `VendorDefinition<ItsEvent>` is a `VendorDefinition<VendorEvent>`
 * without a cast, which is sound here because a definition's `read` output only ever flows into
 * the same definition's other functions.
 */
export interface VendorDefinition<TEvent extends VendorEvent> {
  readonly vendor: Vendor;
  /**
   * Validates a delivery. The result's `payload` is what gets queued and archived: documented
   * fields only, without personal data or credentials, and valid input to `read` again.
   */
  read(delivery: VendorDelivery): Validated<TEvent>;
  identify(event: TEvent, receivedAt: Date): EventIdentity;
  /** Pure: the record changes one event implies, under the event's clock. */
  normalize(event: TEvent, clock: EventClock): readonly ImageChange[];
  /**
   * Pure: the changes for images the event names only by an alias (no image id in the body). For
   * vendors whose ids change (a public id that a rename changes) and whose bodies do not always
   * carry the immutable one; the others leave it out.
   */
  aliasChanges?(event: TEvent, clock: EventClock): readonly AliasedImageChange[];
  /**
   * Whether the event's images normally exist already: the event edits, tags, deletes or
   * completes what an earlier event created. The store then reads before it writes, which is
   * cheaper than a create that DynamoDB refuses; a wrong guess costs, never corrupts.
   */
  imagesExpected(event: TEvent): ImageExpectation;
  /**
   * Whether the vendor's images may change collection. `fixed`: an image belongs to the
   * collection that first created it, and a change naming it under another collection is refused
   * (the vendor's credential does not cover image ids, so a body could otherwise claim any image).
   * `moves`: the vendor itself moves images (an image reused across jobs).
   */
  readonly collections: CollectionRule;
  /**
   * The collection this event completes, if it does (the contract's completion rules). Once the
   * event is applied, the worker records the completion, and a `Collection Completed` change
   * event follows from it.
   */
  collectionCompleted(event: TEvent): Collection | undefined;
}

/** A validated event: its type and the payload to queue. */
export interface VendorEvent {
  readonly eventType: string;
  readonly payload: unknown;
  /**
   * Optional fields left out of `payload` because they failed their format (see
   * `validateDropping`): the event is accepted without them, and they are counted and noted.
   */
  readonly dropped?: readonly DroppedField[];
}
