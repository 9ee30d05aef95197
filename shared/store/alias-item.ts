import * as v from 'valibot';
import type { EventClock } from '../record/record-state';
import type { AliasedImageChange, ImagePatch } from '../record/image-change';
import type { Vendor } from '../vendors/vendor';

/** The prefix of alias keys in the records table. No image key starts with it: those start with a vendor. */
const ALIAS_KEY_PREFIX = 'alias#';

export const aliasKey = (vendor: Vendor, alias: string): string =>
  `${ALIAS_KEY_PREFIX}${vendor}#${alias}`;

export const isAliasKey = (pk: string): boolean => pk.startsWith(ALIAS_KEY_PREFIX);

/**
 * At most this many changes wait for one alias. A public id named by moderation before its upload
 * arrives sees one or two (a pending and a final verdict); the cap only bounds a hostile or broken
 * sender.
 */
export const MAX_HELD_CHANGES = 16;
/** At most this many bytes of held changes per alias, far inside DynamoDB's 400 KB item limit. */
export const MAX_HELD_BYTES = 64 * 1024;

/** One held change, as stored: the event's clock and its patch. */
export interface HeldChange {
  readonly clock: EventClock;
  readonly patch: ImagePatch;
}

const HeldChangeSchema = v.object({
  clock: v.pipe(v.string(), v.minLength(1)),
  patch: v.record(v.string(), v.unknown()),
});
const HeldListSchema = v.array(HeldChangeSchema);

/** The held changes in an item's `held` attribute (a JSON list); unreadable text holds none. */
export const heldChangesOf = (text: string | undefined): HeldChange[] => {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const list = v.safeParse(HeldListSchema, parsed);
  return list.success
    ? list.output.map((entry) => ({
        clock: entry.clock as EventClock,
        patch: entry.patch as ImagePatch,
      }))
    : [];
};

/**
 * The held list with one more change, bounded: one entry per clock (a retried event holds once),
 * the latest clocks first, at most `MAX_HELD_CHANGES` entries and `MAX_HELD_BYTES` of JSON. What
 * is kept depends only on the set of changes, never on their order of arrival, and the latest
 * ones (which win every field they name) are the ones kept.
 */
export const withHeldChange = (held: readonly HeldChange[], change: HeldChange): HeldChange[] => {
  const byClock = new Map(held.map((entry) => [entry.clock, entry]));
  byClock.set(change.clock, { clock: change.clock, patch: change.patch });
  const latestFirst = [...byClock.values()].sort((a, b) =>
    a.clock < b.clock ? 1 : a.clock > b.clock ? -1 : 0,
  );
  const kept: HeldChange[] = [];
  let bytes = 2;
  for (const entry of latestFirst) {
    const size = Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (kept.length === MAX_HELD_CHANGES || bytes + size > MAX_HELD_BYTES) break;
    kept.push(entry);
    bytes += size;
  }
  return kept;
};

/** Held changes as the image's changes, for the worker to apply once the alias names an image. */
export const asAliasedChanges = (
  vendor: Vendor,
  alias: string,
  held: readonly HeldChange[],
): AliasedImageChange[] =>
  held.map((entry) => ({ vendor, alias, clock: entry.clock, patch: entry.patch }));
