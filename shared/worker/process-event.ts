import type { EventEnvelope } from '../queue/event-envelope';
import { eventClock } from '../record/event-clock';
import type { ImageChange, ImageExpectation } from '../record/image-change';
import type { EventLedger } from '../store/event-ledger';
import type { ApplyResult, ImageRecordStore } from '../store/image-record-store';
import type { Vendor } from '../vendors/vendor';
import type { VendorDefinition, VendorEvent } from '../vendors/vendor-definition';
import { mapWithConcurrency } from './map-with-concurrency';
import { InvalidPayloadError, UnsupportedVendorError, issuePathsOf } from './worker-errors';

/** What processing one event needs; injected, so tests run it against any store. */
export interface ProcessEventDeps {
  readonly ledger: EventLedger;
  readonly store: ImageRecordStore;
  readonly definitions: Readonly<Partial<Record<Vendor, VendorDefinition<VendorEvent>>>>;
  /** Keep the envelope in the ledger for replay. */
  readonly archiveEvents: boolean;
  /** Image writes in flight per event. */
  readonly applyConcurrency: number;
}

/** How the images of an applied event fared. */
export interface AppliedImages {
  readonly created: number;
  readonly updated: number;
  /** Changes that altered nothing: every field already held a later value (or a retry). */
  readonly stale: number;
}

/**
 * `applied`: the event's changes are merged and the event is complete. `ignored`: an authentic
 * event of an unsupported type, kept in the ledger only. `duplicate`: completed before, within
 * the dedupe window; nothing was applied.
 */
export type ProcessResult =
  | { readonly kind: 'applied'; readonly images: AppliedImages }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'duplicate'; readonly deliveries: number };

/** What one event does to the records: its image changes, and whether the images should exist. */
export interface EventChanges {
  readonly changes: readonly ImageChange[];
  readonly imagesExpected: ImageExpectation;
}

/**
 * The record changes an envelope implies: its payload read again through the vendor definition
 * (the queue is a boundary), normalized under the event's clock. Pure.
 */
export const eventChangesOf = (
  envelope: EventEnvelope,
  definitions: ProcessEventDeps['definitions'],
): EventChanges => {
  const definition = definitions[envelope.vendor];
  if (definition === undefined) throw new UnsupportedVendorError(envelope.eventId, envelope.vendor);
  const event = definition.read({ payload: envelope.payload, eventType: envelope.eventType });
  if (!event.ok) {
    throw new InvalidPayloadError(envelope.eventId, issuePathsOf(event.issues));
  }
  return {
    changes: definition.normalize(
      event.value,
      eventClock(new Date(envelope.eventTime), envelope.eventId),
    ),
    imagesExpected: definition.imagesExpected(event.value),
  };
};

/** Just the image changes of `eventChangesOf`. */
export const changesOf = (
  envelope: EventEnvelope,
  definitions: ProcessEventDeps['definitions'],
): readonly ImageChange[] => eventChangesOf(envelope, definitions).changes;

const NO_CHANGES: EventChanges = { changes: [], imagesExpected: 'new' };

const countImages = (results: readonly ApplyResult[]): AppliedImages => ({
  created: results.filter((result) => result.outcome === 'created').length,
  updated: results.filter((result) => result.outcome === 'updated').length,
  stale: results.filter((result) => result.outcome === 'stale').length,
});

/**
 * One queued event, start to finish: read and normalize (pure, before any write, so a poison
 * payload never leaves a claim behind) → claim the `eventId` → apply every image change →
 * complete. Exactly once in effect: a duplicate is counted and skipped; a crash anywhere before
 * `complete` leads to a retry that re-applies, which changes nothing already written because the
 * merge is idempotent. Errors propagate, so the batch handler fails only this message.
 */
export const processEvent = async (
  envelope: EventEnvelope,
  messageId: string,
  deps: ProcessEventDeps,
): Promise<ProcessResult> => {
  const { changes, imagesExpected } = envelope.supported
    ? eventChangesOf(envelope, deps.definitions)
    : NO_CHANGES;
  const claim = await deps.ledger.claim({
    eventId: envelope.eventId,
    messageId,
    deliveryId: envelope.requestId,
    vendor: envelope.vendor,
    eventType: envelope.eventType,
    receivedAt: envelope.receivedAt,
  });
  if (claim.kind === 'duplicate') return { kind: 'duplicate', deliveries: claim.deliveries };
  const results = await mapWithConcurrency(changes, deps.applyConcurrency, (change) =>
    deps.store.apply(change, imagesExpected),
  );
  await deps.ledger.complete({
    eventId: envelope.eventId,
    messageId,
    status: envelope.supported ? 'completed' : 'ignored',
    imagesApplied: changes.length,
    ...(deps.archiveEvents ? { archive: envelope } : {}),
  });
  return envelope.supported
    ? { kind: 'applied', images: countImages(results) }
    : { kind: 'ignored' };
};
