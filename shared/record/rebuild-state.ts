import {
  applyChange,
  type CollectionRule,
  type FieldEntry,
  movesToAnotherCollection,
  type RecordState,
} from './record-state';
import type { ImageChange } from './image-change';
import { originOf } from './record-provenance';

/** What rebuilding one image needs. */
export interface RebuildInput {
  /** The image's stored state, if it has a record. */
  readonly stored: RecordState | undefined;
  /**
   * Whether an event's fields are derived again: true for every event whose archive today's
   * normalizers read. A stored field set by any other event (one older than the archive's
   * retention, one archived without its payload, one still in flight) is kept as it is.
   */
  readonly rederived: (eventId: string) => boolean;
  /** Today's changes of those events for this image, in any order. */
  readonly changes: readonly ImageChange[];
  /** The vendor's collection rule, applied as the worker applies it. */
  readonly collections: CollectionRule;
}

/** The rebuilt state, and how many changes the collection rule refused on the way. */
export interface Rebuilt {
  readonly state: RecordState | undefined;
  readonly refused: number;
}

const byClock = (a: ImageChange, b: ImageChange): number =>
  a.clock < b.clock ? -1 : a.clock > b.clock ? 1 : 0;

/**
 * An image's state as in-order processing of its archived events through today's normalizers
 * would leave it, on top of what no archived event explains:
 *
 * 1. Keep the stored fields whose clock names an event that is not derived again. Their per-field
 *    clocks say which event set each value, so nothing else needs storing.
 * 2. Merge today's changes of the archived events in event order (the contract's order: time,
 *    then eventId), refusing, as the worker does, a change that would move the image to another
 *    collection than the one it holds by then under a `fixed` rule.
 *
 * A field that an archived event set under yesterday's normalizer and does not set under today's
 * disappears, unless an older kept value is stored for it, which the merge never keeps (each field
 * holds one value). Pure: the same input always gives the same state, so reprocessing twice writes
 * once.
 */
export const rebuildState = (input: RebuildInput): Rebuilt => {
  let state: RecordState | undefined;
  if (input.stored !== undefined) {
    const kept: Record<string, FieldEntry> = {};
    for (const [key, entry] of Object.entries(input.stored.fields)) {
      if (!input.rederived(originOf(entry.clock).eventId)) kept[key] = entry;
    }
    state = { vendor: input.stored.vendor, imageId: input.stored.imageId, fields: kept };
  }
  let refused = 0;
  for (const change of [...input.changes].sort(byClock)) {
    if (movesToAnotherCollection(state, change, input.collections)) {
      refused += 1;
      continue;
    }
    state = applyChange(state, change).state;
  }
  return { state, refused };
};
