import * as v from 'valibot';
import { canonicalJson, type JsonValue } from '../json/json-value';
import type { Vendor } from '../vendors/vendor';
import type { ImageChange, ImagePatch } from './image-change';
import {
  type Collection,
  CollectionSchema,
  type Detection,
  DETECTION_SOURCES,
  type ImageRecord,
  type ImageUrls,
  keysOverCaps,
  type Tag,
  THUMBNAIL_SIZES,
  URL_KINDS,
} from './image-record';

/**
 * The stored form of an image record and the order-safe merge over it: the event clock that
 * orders every change (`eventClock`), the per-field state a change is merged into and the record
 * it yields (`applyChange`, `toImageRecord`), and which collection a record may be claimed by or
 * moved to (`movesToAnotherCollection`). They belong together because the merge is one argument:
 * clocks order the fields, fields make the record, and the collection rule is a check on the same
 * state before a change is applied.
 */

/**
 * The order of events. Every event has an event time (the vendor's, where the payload dates the
 * change, else the gateway's receipt time) and an `eventId`. The contract orders events by time,
 * ties going to the larger `eventId`.
 *
 * A clock is encoded as one string, `<ISO-8601 UTC time>|<eventId>`. `toISOString()` is fixed
 * width for years 0–9999, so plain string comparison is exactly that order, in code and in
 * storage alike.
 */
export type EventClock = string & { readonly __brand: 'EventClock' };

export const eventClock = (eventTime: Date, eventId: string): EventClock =>
  `${eventTime.toISOString()}|${eventId}` as EventClock;

/** The ISO time part of a clock. */
export const clockTime = (clock: EventClock): string => clock.slice(0, clock.indexOf('|'));

/**
 * The stored form of one image: every field the events named, each with the clock of the event
 * that set it. A record is a pure function of this state, and merging keeps, per field, the value
 * with the latest clock. That join is commutative, associative and idempotent, which is the whole
 * reason any delivery order and any number of repeats end in the same record.
 *
 * Field keys are `<group>:<name>`: `core:name`, `url:input`, `thumb:mini`, `tag:<tag id>`,
 * `det:<source>`, `meta:<key>`, `flag:deleted`, `flag:uploaded` and `time:lastEventAt`. The
 * prefix keeps vendor-chosen names (tag ids, metadata keys) apart from each other and from
 * prototype keys.
 */
export interface RecordState {
  readonly vendor: Vendor;
  readonly imageId: string;
  readonly fields: Readonly<Record<string, FieldEntry>>;
}

/** One field's value (`null` once cleared) and the clock of the event that set it. */
export interface FieldEntry {
  readonly value: JsonValue;
  readonly clock: EventClock;
}

const LAST_EVENT_AT = 'time:lastEventAt';

/** The patch as `[field key, value]` pairs. `undefined` values are not part of the patch. */
const patchEntries = (patch: ImagePatch): Array<[string, JsonValue]> => {
  const out: Array<[string, JsonValue]> = [];
  const group = (prefix: string, values: object | undefined): void => {
    for (const [name, value] of Object.entries(values ?? {})) {
      if (value !== undefined) out.push([`${prefix}:${name}`, value as JsonValue]);
    }
  };
  group('core', patch.core);
  group('url', patch.urls);
  group('thumb', patch.thumbnails);
  group('tag', patch.tags);
  group('det', patch.detections);
  group('meta', patch.vendorMeta);
  if (patch.deleted) out.push(['flag:deleted', true]);
  if (patch.uploaded) out.push(['flag:uploaded', true]);
  return out;
};

/**
 * A strict total order on (clock, value). Two entries with equal clocks come from the same event,
 * so their values agree; comparing the values anyway keeps the merge deterministic even if they
 * did not.
 */
const wins = (candidate: FieldEntry, current: FieldEntry | undefined): boolean => {
  if (current === undefined || candidate.clock > current.clock) return true;
  if (candidate.clock < current.clock) return false;
  return canonicalJson(candidate.value) > canonicalJson(current.value);
};

/** The result of merging one change: the new state, and whether any field changed. */
export interface MergeResult {
  readonly state: RecordState;
  readonly changed: boolean;
}

/**
 * Merges one event's change into an image's state under the contract's order rules: per field, the
 * latest event time wins, ties to the larger `eventId`; tags converge per tag id; deletion is
 * terminal because nothing ever clears `flag:deleted`. The record caps then keep the most recently
 * changed tag ids and metadata keys (`keysOverCaps`), which ranks by clock alone and so keeps the
 * merge order-independent. Pure: no I/O, no clock reads.
 */
export const applyChange = (state: RecordState | undefined, change: ImageChange): MergeResult => {
  const fields: Record<string, FieldEntry> = { ...state?.fields };
  const written = new Set<string>();
  const entries = patchEntries(change.patch);
  entries.push([LAST_EVENT_AT, clockTime(change.clock)]);
  for (const [key, value] of entries) {
    const candidate: FieldEntry = { value, clock: change.clock };
    if (wins(candidate, fields[key])) {
      fields[key] = candidate;
      written.add(key);
    }
  }
  // The record caps: an entry this change wrote and the cap evicted at once changed nothing.
  let evictedHeld = false;
  for (const key of keysOverCaps(fields)) {
    if (!written.delete(key)) evictedHeld = true;
    delete fields[key];
  }
  return {
    state: { vendor: change.vendor, imageId: change.imageId, fields },
    changed: state === undefined || written.size > 0 || evictedHeld,
  };
};

/** Values of the fields in one group, without the cleared ones. */
const groupValues = (state: RecordState, prefix: string): Array<[string, JsonValue]> => {
  const out: Array<[string, JsonValue]> = [];
  for (const [key, entry] of Object.entries(state.fields)) {
    if (key.startsWith(prefix) && entry.value !== null)
      out.push([key.slice(prefix.length), entry.value]);
  }
  return out;
};

const sortByKey = <T>(entries: Array<[string, T]>): Array<[string, T]> =>
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const urlsOf = (state: RecordState): ImageUrls => {
  const urls: Record<string, unknown> = {};
  for (const kind of URL_KINDS) {
    const value = state.fields[`url:${kind}`]?.value;
    if (typeof value === 'string') urls[kind] = value;
  }
  const thumbnails: Record<string, string> = {};
  for (const size of THUMBNAIL_SIZES) {
    const value = state.fields[`thumb:${size}`]?.value;
    if (typeof value === 'string') thumbnails[size] = value;
  }
  if (Object.keys(thumbnails).length > 0) urls.thumbnails = thumbnails;
  return urls as ImageUrls;
};

/**
 * Whether an event has said that the image exists: stated its status, announced it (`uploaded`:
 * an upload-done event, a notification about an asset) or deleted it. Until then
 * the record is not served, listed or published. Only an annotation can leave a record
 * unannounced: an image prediction (a deprecated event) names an image and its
 * classes but not whether it exists, which album it is in or how far along it is, so it adds its
 * detections to the image and does not create one. Its detections are kept and show as soon as an
 * image event names the image, whatever the order the two arrive in.
 */
export const isAnnounced = (state: RecordState): boolean =>
  state.fields['core:status'] !== undefined ||
  state.fields['flag:uploaded']?.value === true ||
  state.fields['flag:deleted']?.value === true;

/**
 * Assembles the public record from stored state. `updatedAt` is the time of the last write, the
 * one value that is not a function of the events themselves.
 */
export const toImageRecord = (state: RecordState, updatedAt: string): ImageRecord => {
  const core = Object.fromEntries(groupValues(state, 'core:')) as Record<string, unknown>;
  const deleted = state.fields['flag:deleted']?.value === true;
  const status = deleted ? 'deleted' : (core.status ?? 'uploaded');
  const tags: Tag[] = sortByKey(groupValues(state, 'tag:')).map(([id, tag]) => ({
    id,
    ...(tag as Omit<Tag, 'id'>),
  }));
  const detections: Detection[] = DETECTION_SOURCES.flatMap(
    (source) => (state.fields[`det:${source}`]?.value ?? []) as Detection[],
  );
  const vendorMeta = Object.fromEntries(sortByKey(groupValues(state, 'meta:')));
  const lastEventAt = state.fields[LAST_EVENT_AT]?.value;
  return {
    vendor: state.vendor,
    imageId: state.imageId,
    ...core,
    status,
    urls: urlsOf(state),
    tags,
    detections,
    vendorMeta,
    deleted,
    lastEventAt: typeof lastEventAt === 'string' ? lastEventAt : updatedAt,
    updatedAt,
  } as ImageRecord;
};

/**
 * Whether a vendor's images may change collection. A vendor credential is scoped to a collection
 * at most (a body signature covers one SKU, a shared secret an org's albums), never to
 * the image ids in a body, so for most vendors an image belongs to the collection that first
 * created it. A vendor that reuses an image across jobs moves its images.
 */
export type CollectionRule = 'fixed' | 'moves';

const sameCollection = (a: Collection, b: Collection): boolean =>
  a.kind === b.kind && a.id === b.id && a.parentId === b.parentId;

/** The collection a record holds, when it holds a valid one. */
export const storedCollectionOf = (state: RecordState | undefined): Collection | undefined => {
  const parsed = v.safeParse(CollectionSchema, state?.fields['core:collection']?.value);
  return parsed.success ? parsed.output : undefined;
};

/**
 * True when applying `change` would move an image out of the collection its record already holds
 * under a `fixed` rule. A record without a collection yet (created by an event that named none,
 * such as an image prediction) is claimed by the first change that names one; a change
 * that names no collection never conflicts. Pure.
 */
export const movesToAnotherCollection = (
  state: RecordState | undefined,
  change: ImageChange,
  rule: CollectionRule,
): boolean => {
  if (rule === 'moves') return false;
  const named = change.patch.core?.collection;
  if (named === undefined || named === null) return false;
  const stored = storedCollectionOf(state);
  return stored !== undefined && !sameCollection(stored, named);
};
