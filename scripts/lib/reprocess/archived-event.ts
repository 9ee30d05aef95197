import type { CollectionRule } from '../../../shared/record/record-state';
import type { AliasedImageChange, ImageChange } from '../../../shared/record/image-change';
import { readArchivedEnvelope } from '../../../shared/store/archived-envelope';
import type { LedgerEntry } from '../../../shared/store/ledger-item';
import type { Vendor } from '../../../shared/vendors/vendor';
import { eventChangesOf, type ProcessEventDeps } from '../../../shared/worker/process-event';

/** One archived event read through today's normalizers. */
export interface ArchivedEvent {
  readonly eventId: string;
  readonly vendor: Vendor;
  readonly receivedAt: string;
  readonly changes: readonly ImageChange[];
  readonly aliasChanges: readonly AliasedImageChange[];
  readonly collections: CollectionRule;
  /** Images the worker refused this event for good (ledger's `refusedImages`): never applied. */
  readonly refusedImages: ReadonlySet<string>;
}

/**
 * `event`: its changes, as today's code computes them. `unreadable`: the archive holds no
 * envelope, or today's normalizer refuses the payload; its stored fields are kept as they are.
 * `skipped`: an event the worker applied to nothing (refused whole, or ignored).
 */
export type ArchiveReading =
  | { readonly kind: 'event'; readonly event: ArchivedEvent }
  | { readonly kind: 'unreadable'; readonly eventId: string; readonly reason: string }
  | { readonly kind: 'skipped'; readonly eventId: string };

/**
 * Reads one ledger entry's archive (gzip-compressed, redacted envelope) and normalizes its payload
 * with `definitions`. Pure apart from the decompression.
 */
export const readArchivedEvent = (
  entry: LedgerEntry,
  definitions: ProcessEventDeps['definitions'],
): ArchiveReading => {
  if (entry.status !== 'completed' || entry.archive === undefined) {
    return { kind: 'skipped', eventId: entry.eventId };
  }
  const envelope = readArchivedEnvelope(entry.archive);
  if (envelope === undefined) {
    return { kind: 'unreadable', eventId: entry.eventId, reason: 'not a readable envelope' };
  }
  if (!envelope.supported) return { kind: 'skipped', eventId: entry.eventId };
  try {
    const { changes, aliasChanges, collections } = eventChangesOf(envelope, definitions);
    return {
      kind: 'event',
      event: {
        eventId: envelope.eventId,
        vendor: envelope.vendor,
        receivedAt: envelope.receivedAt,
        changes,
        aliasChanges,
        collections,
        refusedImages: new Set((entry.refusedImages ?? []).map((refusal) => refusal.imageId)),
      },
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'unreadable', eventId: entry.eventId, reason };
  }
};
