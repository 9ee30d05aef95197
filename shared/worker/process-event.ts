import type { EventEnvelope } from '../queue/event-queue';
import type { AliasedImageChange, ImageChange, ImageExpectation } from '../record/image-change';
import { boundChange, clockFits, type Collection } from '../record/image-record';
import type { ImageRefusal } from '../record/image-refusal';
import { type CollectionRule, eventClock } from '../record/record-state';
import type { Attempt, EventLedger, LedgerEvent } from '../store/event-ledger';
import type { ImageAliasStore } from '../store/image-alias-store';
import type { LedgerReadAhead } from '../store/ledger-read-ahead';
import type { ApplyResult, ImageRecordStore } from '../store/image-record-store';
import type { RecordCause } from '../store/record-item';
import { RecordTooLargeError } from '../store/store-errors';
import type { Vendor } from '../vendors/vendor';
import type { VendorDefinition, VendorEvent } from '../vendors/vendor-definition';
import {
  InvalidPayloadError,
  issuePathsOf,
  MissingAliasStoreError,
  UnsupportedVendorError,
} from './worker-errors';
import { mapWithConcurrency } from './worker-handler';

/**
 * One queued event in the worker, start to finish (`processEvent`): read and normalized through
 * its vendor's definition, claimed in the ledger, its image changes applied, and, for a vendor
 * whose ids change, its alias work (`linkAliases`, `applyAliasChanges`): the aliases it registers
 * and the changes that name an image by alias alone. The alias steps belong here because they are
 * one more way an event's changes reach their images, under the same claim, with the same
 * outcomes and the same retry.
 */

/** What processing one event needs; injected, so tests run it against any store. */
export interface ProcessEventDeps {
  readonly ledger: EventLedger;
  readonly store: ImageRecordStore;
  readonly definitions: Readonly<Partial<Record<Vendor, VendorDefinition<VendorEvent>>>>;
  /** Keep the envelope in the ledger for replay. */
  readonly archiveEvents: boolean;
  /** Image writes in flight per event. */
  readonly applyConcurrency: number;
  /** Image aliases, for vendors whose events may name an image by alias alone (a public id). */
  readonly aliases?: ImageAliasStore;
}

/** How the images of an applied event fared. */
export interface AppliedImages {
  readonly created: number;
  readonly updated: number;
  /** Changes that altered nothing: every field already held a later value (or a retry). */
  readonly stale: number;
  /** Images whose change can never apply (another collection's image, a record that cannot fit). */
  readonly refused: readonly ImageRefusal[];
  /** Changes held with an alias that no event has registered yet (applied when one does). */
  readonly held?: number;
  /** Values the record caps cut or left out of the event's changes (noted on the ledger). */
  readonly trimmed?: number;
}

/**
 * `applied`: the event's changes are merged and the event is complete. `ignored`: an authentic
 * event of an unsupported type, kept in the ledger only. `duplicate`: completed before, within
 * the dedupe window; nothing was applied, or (`appliedConcurrently`) this delivery applied it
 * while another one did and that one completed it first, which changed nothing more.
 */
export type ProcessResult =
  | { readonly kind: 'applied'; readonly images: AppliedImages }
  | { readonly kind: 'refused'; readonly refused: readonly ImageRefusal[] }
  | { readonly kind: 'ignored' }
  | {
      readonly kind: 'duplicate';
      readonly deliveries: number;
      readonly appliedConcurrently: boolean;
    };

/** What one event does to the records: its image changes, and whether the images should exist. */
export interface EventChanges {
  readonly changes: readonly ImageChange[];
  /** Changes for images the event names only by an alias. */
  readonly aliasChanges: readonly AliasedImageChange[];
  readonly imagesExpected: ImageExpectation;
  /** Whether the vendor's images may change collection. */
  readonly collections: CollectionRule;
  /** The collection the event completes, by the vendor's completion rule. */
  readonly completes?: Collection;
  /** What the record caps took out of the changes, per image (`boundPatch`); usually none. */
  readonly trimmed: readonly string[];
}

/**
 * The record changes an envelope implies: its payload read again through the vendor definition
 * (the queue is a boundary), normalized under the event's clock, and bounded by the record caps
 * (`boundChange`), so that any accepted change fits a record. Pure.
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
  const completes = definition.collectionCompleted(event.value);
  const clock = eventClock(new Date(envelope.eventTime), envelope.eventId);
  const trimmed: string[] = [];
  const changes = definition.normalize(event.value, clock).map((change) => {
    const bounded = boundChange(change);
    for (const note of bounded.notes) trimmed.push(`${change.imageId}: ${note}`);
    return bounded.change;
  });
  const aliasChanges = (definition.aliasChanges?.(event.value, clock) ?? []).map((change) => {
    const bounded = boundChange(change);
    for (const note of bounded.notes) trimmed.push(`${change.alias}: ${note}`);
    return bounded.change;
  });
  return {
    changes,
    aliasChanges,
    imagesExpected: definition.imagesExpected(event.value),
    collections: definition.collections,
    ...(completes ? { completes } : {}),
    trimmed,
  };
};

/** Just the image changes of `eventChangesOf`. */
export const changesOf = (
  envelope: EventEnvelope,
  definitions: ProcessEventDeps['definitions'],
): readonly ImageChange[] => eventChangesOf(envelope, definitions).changes;

const NO_CHANGES: EventChanges = {
  changes: [],
  aliasChanges: [],
  imagesExpected: 'new',
  collections: 'fixed',
  trimmed: [],
};

/** One image's change, applied, refused for good, or failed in a way a retry may cure. */
type ImageOutcome =
  | { readonly kind: 'result'; readonly result: ApplyResult; readonly imageId: string }
  | { readonly kind: 'failed'; readonly error: unknown };

const countImages = (outcomes: readonly ImageOutcome[], held: number): AppliedImages => {
  const results = outcomes.flatMap((outcome) => (outcome.kind === 'result' ? [outcome] : []));
  const count = (kind: ApplyResult['outcome']) =>
    results.filter(({ result }) => result.outcome === kind).length;
  return {
    created: count('created'),
    updated: count('updated'),
    stale: count('stale'),
    refused: results.flatMap(({ result, imageId }) =>
      result.outcome === 'refused' && result.reason ? [{ imageId, reason: result.reason }] : [],
    ),
    ...(held > 0 ? { held } : {}),
  };
};

/**
 * What the event's ledger entry notes about values that did not reach a record: the optional
 * fields ingest dropped for failing their format, then what the record caps cut.
 */
const eventNotes = (envelope: EventEnvelope, trimmed: readonly string[]): string[] => [
  ...(envelope.dropped ?? []).map((field) => `dropped ${field.path}: ${field.message}`),
  ...trimmed,
];

/**
 * The error noted for an attempt that ended without noting one itself: its message came back
 * (SQS's receive count above 1) to an event still unfinished, so it crashed or timed out.
 */
export const UNFINISHED_ATTEMPT = 'previous attempt did not finish (crash or timeout)';

/** The event as the ledger names it. */
const ledgerEventOf = (envelope: EventEnvelope): LedgerEvent => ({
  eventId: envelope.eventId,
  deliveryId: envelope.requestId,
  vendor: envelope.vendor,
  eventType: envelope.eventType,
  receivedAt: envelope.receivedAt,
});

/**
 * Notes a failed attempt on the event's ledger entry, so operators can find it (`events list`).
 * Best effort: the error the batch reports is the original one, and a note that cannot be
 * written (DynamoDB unreachable, the usual reason for the failure itself) changes nothing else.
 */
const noteFailure = async (
  ledger: EventLedger,
  envelope: EventEnvelope,
  attempt: Attempt,
  error: string,
): Promise<void> => {
  try {
    await ledger.noteFailure({ ...ledgerEventOf(envelope), attempt, error });
  } catch {
    // Deliberately ignored, see above.
  }
};

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : 'Error';

/**
 * Applies one image's change, turning a permanent per-image failure into a refusal of that image
 * alone. Every other error is kept for the caller, so the remaining images are still applied.
 */
const applyImage = async (
  change: ImageChange,
  { imagesExpected, collections }: EventChanges,
  store: ImageRecordStore,
  cause: RecordCause,
): Promise<ImageOutcome> => {
  const tooLarge: ImageOutcome = {
    kind: 'result',
    result: { outcome: 'refused', reason: 'record_too_large', writeUnits: 0, attempts: 0 },
    imageId: change.imageId,
  };
  if (!clockFits(change)) return tooLarge;
  try {
    const result = await store.apply(change, imagesExpected, collections, cause);
    return { kind: 'result', result, imageId: change.imageId };
  } catch (error) {
    // Unreachable within the record caps; kept so that a record that still cannot fit fails alone.
    if (error instanceof RecordTooLargeError) return tooLarge;
    return { kind: 'failed', error };
  }
};

/**
 * The alias work of an event, once its own changes are applied: register the aliases it gives
 * its images (applying what was held for them), then apply the changes that name an image by
 * alias alone, or hold them. An image named by alias normally exists already. Skipped when an
 * image of the event failed, so the retry starts from the same place.
 */
const applyThroughAliases = async (
  eventChanges: EventChanges,
  direct: readonly ImageOutcome[],
  deps: ProcessEventDeps,
  cause: RecordCause,
): Promise<{ outcomes: ImageOutcome[]; held: number }> => {
  const { changes, aliasChanges } = eventChanges;
  const linking = changes.some((change) => (change.aliases ?? []).length > 0);
  if (!linking && aliasChanges.length === 0) return { outcomes: [], held: 0 };
  if (direct.some((outcome) => outcome.kind === 'failed')) return { outcomes: [], held: 0 };
  const aliases = deps.aliases;
  if (aliases === undefined) throw new MissingAliasStoreError(changes[0]?.vendor ?? 'unknown');
  const work = {
    apply: (change: ImageChange) =>
      applyImage(change, { ...eventChanges, imagesExpected: 'existing' }, deps.store, cause),
    settled: (outcome: ImageOutcome) => outcome.kind === 'result',
    concurrency: deps.applyConcurrency,
  };
  const linked = await linkAliases(changes, aliases, work);
  const resolved = await applyAliasChanges(aliasChanges, aliases, work);
  return { outcomes: [...linked, ...resolved.outcomes], held: resolved.held };
};

/** Another delivery completed the event while this one applied it: a duplicate, counted. */
const duplicateAfterApplying = (deliveries: number): ProcessResult => ({
  kind: 'duplicate',
  deliveries,
  appliedConcurrently: true,
});

/**
 * One queued event, start to finish: read and normalize (pure, before any write, so a poison
 * payload never leaves an entry behind) → check the `eventId` in the ledger → apply every image
 * change (each write names the event as its cause) → record the collection completion, if the
 * event completes one, after its images are written → complete. Exactly once in effect: a
 * duplicate is counted and skipped; a crash anywhere before `complete` leads to a retry that
 * re-applies, which changes nothing already written because the merge is idempotent. Two
 * deliveries applying the event at once converge the same way, and only one completes it; the
 * other is counted as a duplicate. A retry whose previous attempt crashed or timed out (it left
 * no failure note) notes it before applying, so the event shows among the unfinished ones.
 *
 * A per-delivery signature is bound to the first event it came with before anything is
 * applied; the same signature with another body refuses the whole event, kept for inspection.
 *
 * The check takes the event's entry from `ahead` when its batch read it ahead (one read for the
 * whole batch), else reads it.
 *
 * Images fail alone. Every image is applied even when another fails. An image refused for good
 * (another collection's image, a record that cannot fit) is recorded on the ledger entry, whose
 * archive then keeps the event for inspection even when archiving is off, and the event
 * completes. Any other failure (throttling, a lost race) is thrown once every image has been
 * tried, so the batch handler fails only this message and SQS retries the event.
 */
export const processEvent = async (
  envelope: EventEnvelope,
  attempt: Attempt,
  deps: ProcessEventDeps,
  ahead?: LedgerReadAhead,
): Promise<ProcessResult> => {
  const { changes, aliasChanges, imagesExpected, collections, completes, trimmed } =
    envelope.supported ? eventChangesOf(envelope, deps.definitions) : NO_CHANGES;
  const event = ledgerEventOf(envelope);
  const check = await deps.ledger.check({ ...event, attempt }, ahead);
  if (check.kind === 'duplicate') {
    return { kind: 'duplicate', deliveries: check.deliveries, appliedConcurrently: false };
  }
  if (check.kind === 'retry' && check.unfinishedAttempt) {
    const previous = { ...attempt, receiveCount: attempt.receiveCount - 1 };
    await noteFailure(deps.ledger, envelope, previous, UNFINISHED_ATTEMPT);
  }
  if (envelope.signedBy !== undefined) {
    const binding = await deps.ledger.bindSignature({
      digest: envelope.signedBy.digest,
      eventId: envelope.eventId,
      expiresAt: envelope.signedBy.expiresAt,
    });
    if (binding === 'reused') {
      const refused = changes.map(({ imageId }): ImageRefusal => ({
        imageId,
        reason: 'signature_reused',
      }));
      const completion = await deps.ledger.complete({
        ...event,
        status: 'refused',
        imagesApplied: 0,
        refused,
        archive: envelope,
      });
      if (completion.kind === 'duplicate') return duplicateAfterApplying(completion.deliveries);
      return { kind: 'refused', refused };
    }
  }
  const eventChanges = { changes, aliasChanges, imagesExpected, collections, trimmed };
  const notes = eventNotes(envelope, trimmed);
  const cause = { eventId: envelope.eventId, eventType: envelope.eventType };
  let images: AppliedImages;
  try {
    const direct = await mapWithConcurrency(changes, deps.applyConcurrency, (change) =>
      applyImage(change, eventChanges, deps.store, cause),
    );
    const byAlias = await applyThroughAliases(eventChanges, direct, deps, cause);
    const outcomes = [...direct, ...byAlias.outcomes];
    for (const outcome of outcomes) if (outcome.kind === 'failed') throw outcome.error;
    images = {
      ...countImages(outcomes, byAlias.held),
      ...(trimmed.length > 0 ? { trimmed: trimmed.length } : {}),
    };
    if (completes) {
      await deps.store.recordCompletion({
        vendor: envelope.vendor,
        collection: completes,
        cause,
        completedAt: new Date().toISOString(),
      });
    }
    const completion = await deps.ledger.complete({
      ...event,
      status: envelope.supported ? 'completed' : 'ignored',
      imagesApplied: outcomes.length - images.refused.length,
      ...(images.refused.length > 0 ? { refused: images.refused } : {}),
      ...(notes.length > 0 ? { notes } : {}),
      ...(deps.archiveEvents || images.refused.length > 0 ? { archive: envelope } : {}),
    });
    if (completion.kind === 'duplicate') return duplicateAfterApplying(completion.deliveries);
  } catch (error) {
    await noteFailure(deps.ledger, envelope, attempt, errorText(error));
    throw error;
  }
  return envelope.supported ? { kind: 'applied', images } : { kind: 'ignored' };
};

/** An alias change, addressed to the image its alias names. */
const toImage = (change: AliasedImageChange, imageId: string): ImageChange => ({
  vendor: change.vendor,
  imageId,
  clock: change.clock,
  patch: change.patch,
});

/** How one image change fared, as the caller's `apply` reports it. */
export interface AliasWork<TOutcome> {
  readonly apply: (change: ImageChange) => Promise<TOutcome>;
  /** Whether an outcome is final (applied or refused for good), so its held change may go. */
  readonly settled: (outcome: TOutcome) => boolean;
  readonly concurrency: number;
}

/**
 * Registers every alias the event's changes give their images, then applies the changes that
 * were held for each alias to that image and releases them. Returns the outcomes of the held
 * changes applied. Held changes stay until all of them settled, so a failure retries them.
 */
export const linkAliases = async <TOutcome>(
  changes: readonly ImageChange[],
  aliases: ImageAliasStore,
  work: AliasWork<TOutcome>,
): Promise<TOutcome[]> => {
  const links = changes.flatMap((change) =>
    (change.aliases ?? []).map((alias) => ({ change, alias })),
  );
  const applied = await mapWithConcurrency(links, work.concurrency, async ({ change, alias }) => {
    const held = await aliases.link(change.vendor, alias, change.imageId);
    const outcomes: TOutcome[] = [];
    for (const heldChange of held)
      outcomes.push(await work.apply(toImage(heldChange, change.imageId)));
    if (held.length > 0 && outcomes.every(work.settled)) {
      await aliases.release(change.vendor, alias);
    }
    return outcomes;
  });
  return applied.flat();
};

/**
 * Applies each change that names its image only by an alias: to the image the alias names, or,
 * while no event has registered the alias, held with it (counted in `held`).
 */
export const applyAliasChanges = async <TOutcome>(
  changes: readonly AliasedImageChange[],
  aliases: ImageAliasStore,
  work: AliasWork<TOutcome>,
): Promise<{ outcomes: TOutcome[]; held: number }> => {
  let held = 0;
  const outcomes = await mapWithConcurrency(changes, work.concurrency, async (change) => {
    const imageId =
      (await aliases.resolve(change.vendor, change.alias)) ?? (await aliases.hold(change)).linkedTo;
    if (imageId === undefined) {
      held += 1;
      return [];
    }
    return [await work.apply(toImage(change, imageId))];
  });
  return { outcomes: outcomes.flat(), held };
};
