import * as v from 'valibot';
import { canonicalJson, type JsonValue } from '../json/json-value';
import { VENDORS } from '../vendors/vendor';
import type { ImageChange, ImagePatch } from './image-change';

/**
 * The image record's shape and its limits: the public output contract of the read API
 * (`ImageRecordSchema`), and the caps that keep each part of a record, and so its DynamoDB item,
 * bounded (`boundChange`, `keysOverCaps`). They belong together because every cap is a limit on a
 * field of this schema: a field added to the record is given its cap in the same file.
 */

/**
 * The normalized image record: the public output contract of `GET /images/…` (the public contract).
 * Absent values are omitted, never `null`; `tags` and `detections` are always arrays. The read
 * API validates every record against this schema before answering, so drift is caught, not served.
 */

const IMAGE_STATUSES = ['uploaded', 'processing', 'done', 'failed', 'deleted'] as const;
const ImageStatusSchema = v.picklist(IMAGE_STATUSES);
export type ImageStatus = v.InferOutput<typeof ImageStatusSchema>;

export const COLLECTION_KINDS = ['sku', 'album', 'job', 'folder'] as const;
export const CollectionSchema = v.object({
  kind: v.picklist(COLLECTION_KINDS),
  id: v.pipe(v.string(), v.minLength(1)),
  parentId: v.optional(v.pipe(v.string(), v.minLength(1))),
});
export type Collection = v.InferOutput<typeof CollectionSchema>;

export const DETECTION_SOURCES = ['detect', 'match', 'einstein'] as const;
export type DetectionSource = (typeof DETECTION_SOURCES)[number];
const DetectionSchema = v.object({
  label: v.string(),
  confidence: v.number(),
  verdict: v.optional(v.boolean()),
  hitl: v.optional(v.boolean()),
  source: v.picklist(DETECTION_SOURCES),
});
export type Detection = v.InferOutput<typeof DetectionSchema>;

const TagSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  name: v.string(),
  label: v.optional(v.string()),
});
export type Tag = v.InferOutput<typeof TagSchema>;

export const URL_KINDS = [
  'input',
  'inputLowRes',
  'output',
  'outputLowRes',
  'outputWatermarked',
  'proxy',
] as const;
export type UrlKind = (typeof URL_KINDS)[number];
export const THUMBNAIL_SIZES = ['full', 'large', 'mini'] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

const OptionalUrl = v.optional(v.string());
const ImageUrlsSchema = v.object({
  input: OptionalUrl,
  inputLowRes: OptionalUrl,
  output: OptionalUrl,
  outputLowRes: OptionalUrl,
  outputWatermarked: OptionalUrl,
  proxy: OptionalUrl,
  thumbnails: v.optional(v.object({ full: OptionalUrl, large: OptionalUrl, mini: OptionalUrl })),
});
export type ImageUrls = v.InferOutput<typeof ImageUrlsSchema>;

export const GpsSchema = v.object({
  lat: v.pipe(v.number(), v.minValue(-90), v.maxValue(90)),
  lon: v.pipe(v.number(), v.minValue(-180), v.maxValue(180)),
});
export type Gps = v.InferOutput<typeof GpsSchema>;

const IsoTimestamp = v.pipe(v.string(), v.isoTimestamp());

export const ImageRecordSchema = v.strictObject({
  vendor: v.picklist(VENDORS),
  imageId: v.pipe(v.string(), v.minLength(1)),
  collection: v.optional(CollectionSchema),
  name: v.optional(v.string()),
  category: v.optional(v.string()),
  sequence: v.optional(v.number()),
  status: ImageStatusSchema,
  urls: ImageUrlsSchema,
  width: v.optional(v.number()),
  height: v.optional(v.number()),
  sizeBytes: v.optional(v.number()),
  format: v.optional(v.string()),
  rotation: v.optional(v.number()),
  gps: v.optional(GpsSchema),
  createdAt: v.optional(IsoTimestamp),
  takenAt: v.optional(IsoTimestamp),
  tags: v.array(TagSchema),
  detections: v.array(DetectionSchema),
  externalId: v.optional(v.string()),
  error: v.optional(v.string()),
  vendorMeta: v.record(v.string(), v.unknown()),
  deleted: v.boolean(),
  lastEventAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
});
export type ImageRecord = v.InferOutput<typeof ImageRecordSchema>;

/**
 * What one image record can hold. A record is one DynamoDB item, and an item stops at 400 KB, so
 * every part of a record that can grow has a cap, and the caps together stay under that limit
 * (`WORST_CASE_STATE_BYTES`). Sizes are bytes of UTF-8 JSON, the form the state is measured in.
 *
 * Two kinds of cap:
 * - **Per change** (`boundChange`, applied to every change a normalizer makes, before it is
 *   merged): labels are cut, detections beyond the cap per source are left out (the most
 *   confident kept), and a value over its cap is dropped from the change. Each is a pure function
 *   of the change, so every copy of an event is bounded the same way, whatever the order.
 * - **Per record** (`capGroups`, applied on every merge): tags and metadata entries are kept per
 *   key, with the clock of the event that last set them, so a record tagged and untagged for
 *   years would grow without end. Only the `MAX_TAG_ENTRIES` most recently changed tag ids (added
 *   or removed) and the `MAX_META_ENTRIES` most recently set metadata keys are kept. Eviction
 *   ranks entries by clock alone, and merging only ever raises an entry's clock, so an evicted
 *   entry could never have been kept had the events arrived in another order: the merge stays
 *   commutative, associative and idempotent (property-tested).
 *
 * Detections need no record cap: each event replaces the whole list of its source.
 */

/** Most detections kept per source (detect, match, einstein): the most confident ones. */
export const MAX_DETECTIONS_PER_SOURCE = 50;
/** Longest detection label, in bytes of JSON; a longer one is cut and ends in `…`. */
export const MAX_LABEL_BYTES = 256;
/** Most tag ids a record keeps, added or removed: the most recently changed ones. */
export const MAX_TAG_ENTRIES = 64;
/** Longest tag id, in bytes of JSON; a tag with a longer id is dropped from the change. */
export const MAX_TAG_ID_BYTES = 256;
/** Longest tag name, in bytes of JSON; a longer one is cut. */
export const MAX_TAG_NAME_BYTES = 256;
/** Longest tag label (a vendor's translations, as JSON text), in bytes of JSON; cut beyond. */
export const MAX_TAG_LABEL_BYTES = 512;
/** Most `vendorMeta` keys a record keeps, set or cleared: the most recently set ones. */
export const MAX_META_ENTRIES = 24;
/** Longest `vendorMeta` key, in bytes of JSON; an entry with a longer key is dropped. */
export const MAX_META_KEY_BYTES = 128;
/** Largest `vendorMeta` value (a metadata blob), in bytes of JSON; a larger one is dropped. */
export const MAX_META_VALUE_BYTES = 4096;
/** Largest URL value, in bytes of JSON: a 4,096-character URL and its quotes. */
export const MAX_URL_VALUE_BYTES = 4100;
/** Largest other scalar value (name, status, error, collection …), in bytes of JSON. */
export const MAX_CORE_VALUE_BYTES = 2100;
/**
 * Longest clock (`<ISO time>|<eventId>`), in bytes of JSON. Event ids are built from at most two
 * vendor ids of 256 characters plus a type and a 16-character digest (the longest, an
 * eager id, comes to about 600); a change with a longer clock cannot be stored and is refused.
 */
export const MAX_CLOCK_BYTES = 700;

/**
 * UTF-8 bytes of a value's JSON text. `JSON.stringify` writes the same bytes as the canonical form
 * in another key order, several times faster.
 */
export const jsonBytes = (value: unknown): number =>
  Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');

const ELLIPSIS = '…';

/** Bytes one code point takes inside a JSON string (escapes included). */
const jsonCharBytes = (point: string): number => jsonBytes(point) - 2;

/**
 * The longest prefix of `text` (whole code points) that, followed by `…`, fits `maxBytes` of JSON;
 * `text` itself when it fits already. One pass over the code points.
 */
export const fitText = (text: string, maxBytes: number): string => {
  if (jsonBytes(text) <= maxBytes) return text;
  const budget = maxBytes - 2 - jsonCharBytes(ELLIPSIS);
  let used = 0;
  let end = 0;
  for (const point of text) {
    used += jsonCharBytes(point);
    if (used > budget) break;
    end += point.length;
  }
  return text.slice(0, end) + ELLIPSIS;
};

/** What bounding did to one change, in words an operator can act on (paths, counts, sizes). */
export type BoundNote = string;

/** Compares detections for the cap: most confident first, then by label, then by content. */
const byConfidence = (a: Detection, b: Detection): number =>
  b.confidence - a.confidence ||
  (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) ||
  (canonicalJson(a) < canonicalJson(b) ? -1 : canonicalJson(a) > canonicalJson(b) ? 1 : 0);

const boundDetections = (
  detections: ImagePatch['detections'],
  notes: BoundNote[],
): ImagePatch['detections'] => {
  if (detections === undefined) return undefined;
  const out: Partial<Record<(typeof DETECTION_SOURCES)[number], readonly Detection[]>> = {};
  for (const source of DETECTION_SOURCES) {
    const list = detections[source];
    if (list === undefined) continue;
    let kept = list;
    if (list.length > MAX_DETECTIONS_PER_SOURCE) {
      // The most confident ones, in the order the vendor listed them.
      const chosen = new Set([...list].sort(byConfidence).slice(0, MAX_DETECTIONS_PER_SOURCE));
      kept = list.filter((detection) => chosen.has(detection));
      notes.push(
        `detections.${source}: kept the ${MAX_DETECTIONS_PER_SOURCE} most confident of ${list.length}`,
      );
    }
    let cut = 0;
    out[source] = kept.map((detection) => {
      const label = fitText(detection.label, MAX_LABEL_BYTES);
      if (label === detection.label) return detection;
      cut += 1;
      return { ...detection, label };
    });
    if (cut > 0) {
      notes.push(`detections.${source}: ${cut} labels cut to ${MAX_LABEL_BYTES} bytes`);
    }
  }
  return out;
};

const boundTag = (tag: Omit<Tag, 'id'>): Omit<Tag, 'id'> => {
  const name = fitText(tag.name, MAX_TAG_NAME_BYTES);
  const label = tag.label === undefined ? undefined : fitText(tag.label, MAX_TAG_LABEL_BYTES);
  return label === undefined ? { name } : { name, label };
};

const boundTags = (tags: ImagePatch['tags'], notes: BoundNote[]): ImagePatch['tags'] => {
  if (tags === undefined) return undefined;
  const out: Record<string, Omit<Tag, 'id'> | null> = {};
  let cut = 0;
  for (const [id, tag] of Object.entries(tags)) {
    if (jsonBytes(id) > MAX_TAG_ID_BYTES) {
      notes.push(`tags: a tag id over ${MAX_TAG_ID_BYTES} bytes was dropped`);
      continue;
    }
    if (tag === null) {
      out[id] = null;
      continue;
    }
    const bounded = boundTag(tag);
    if (bounded.name !== tag.name || bounded.label !== tag.label) cut += 1;
    out[id] = bounded;
  }
  if (cut > 0) {
    notes.push(
      `tags: ${cut} names or labels cut to ${MAX_TAG_NAME_BYTES} or ${MAX_TAG_LABEL_BYTES} bytes`,
    );
  }
  return out;
};

const boundMeta = (
  meta: ImagePatch['vendorMeta'],
  notes: BoundNote[],
): ImagePatch['vendorMeta'] => {
  if (meta === undefined) return undefined;
  const out: Record<string, JsonValue | null> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (jsonBytes(key) > MAX_META_KEY_BYTES) {
      notes.push(`vendorMeta: a key over ${MAX_META_KEY_BYTES} bytes was dropped`);
      continue;
    }
    const bytes = jsonBytes(value);
    if (bytes > MAX_META_VALUE_BYTES) {
      notes.push(`vendorMeta.${key}: ${bytes} bytes, over ${MAX_META_VALUE_BYTES}, dropped`);
      continue;
    }
    out[key] = value;
  }
  return out;
};

/** Drops each value of a group of scalar fields whose JSON is over `maxBytes`. */
const boundScalars = <T extends object>(
  group: string,
  values: T | undefined,
  maxBytes: number,
  notes: BoundNote[],
): T | undefined => {
  if (values === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const bytes = jsonBytes(value);
    if (bytes > maxBytes) {
      notes.push(`${group}.${name}: ${bytes} bytes, over ${maxBytes}, dropped`);
      continue;
    }
    out[name] = value;
  }
  return out as T;
};

/** Whether a change's clock fits a record at all (see `MAX_CLOCK_BYTES`). */
export const clockFits = (change: Pick<ImageChange, 'clock'>): boolean =>
  jsonBytes(change.clock) <= MAX_CLOCK_BYTES;

/**
 * One patch within the per-change caps (see the module comment), with a note for each thing that
 * had to go. Pure and idempotent: a patch within the caps comes back as it is, with no notes.
 */
export const boundPatch = (patch: ImagePatch): { patch: ImagePatch; notes: BoundNote[] } => {
  const notes: BoundNote[] = [];
  const bounded: ImagePatch = {
    ...patch,
    ...(patch.core ? { core: boundScalars('core', patch.core, MAX_CORE_VALUE_BYTES, notes) } : {}),
    ...(patch.urls ? { urls: boundScalars('urls', patch.urls, MAX_URL_VALUE_BYTES, notes) } : {}),
    ...(patch.thumbnails
      ? {
          thumbnails: boundScalars('urls.thumbnails', patch.thumbnails, MAX_URL_VALUE_BYTES, notes),
        }
      : {}),
    ...(patch.tags ? { tags: boundTags(patch.tags, notes) } : {}),
    ...(patch.detections ? { detections: boundDetections(patch.detections, notes) } : {}),
    ...(patch.vendorMeta ? { vendorMeta: boundMeta(patch.vendorMeta, notes) } : {}),
  };
  return { patch: notes.length === 0 ? patch : bounded, notes };
};

/** `boundPatch` for a change. */
export const boundChange = <T extends { readonly patch: ImagePatch }>(
  change: T,
): { change: T; notes: BoundNote[] } => {
  const { patch, notes } = boundPatch(change.patch);
  return { change: notes.length === 0 ? change : { ...change, patch }, notes };
};

/** A group of per-key entries whose count is capped on every merge. */
export interface CappedGroup {
  /** The field key prefix (`tag:`, `meta:`). */
  readonly prefix: string;
  readonly maxEntries: number;
}

/** The record caps, by group. */
const CAPPED_GROUPS: readonly CappedGroup[] = [
  { prefix: 'tag:', maxEntries: MAX_TAG_ENTRIES },
  { prefix: 'meta:', maxEntries: MAX_META_ENTRIES },
];

/**
 * The keys to evict from a record's fields so that each capped group keeps at most its cap: the
 * entries with the oldest clocks, ties to the smaller key. Only the clock and the key rank an
 * entry (never its value or size), which is what keeps eviction order-independent.
 */
export const keysOverCaps = (
  fields: Readonly<Record<string, { readonly clock: string }>>,
): string[] => {
  const evicted: string[] = [];
  for (const { prefix, maxEntries } of CAPPED_GROUPS) {
    const keys = Object.keys(fields).filter((key) => key.startsWith(prefix));
    if (keys.length <= maxEntries) continue;
    const ranked = keys
      .map((key) => ({ key, clock: fields[key]?.clock ?? '' }))
      // Newest first; among equal clocks, the larger key first.
      .sort((a, b) =>
        a.clock !== b.clock ? (a.clock < b.clock ? 1 : -1) : a.key < b.key ? 1 : -1,
      );
    for (const { key } of ranked.slice(maxEntries)) evicted.push(key);
  }
  return evicted;
};

/** Fields of a record that every image may hold once, whatever its history (core, URLs, flags). */
const FIXED_FIELDS = { core: 15, urls: 9, other: 3 } as const;

/** JSON overhead of one field in the stored state: `"key":[value,index],`. */
const FIELD_OVERHEAD_BYTES = 12;
/** Longest fixed field key (`core:externalId`, `thumb:large` …). */
const FIXED_KEY_BYTES = 20;
/** One detection's JSON besides its label, at most (`{"confidence":…,"hitl":…}`). */
const DETECTION_OVERHEAD_BYTES = 100;
/** One tag's JSON besides its id, name and label: `{"label":,"name":}`. */
const TAG_OVERHEAD_BYTES = 20;
/** The item's attributes besides the state: keys, vendor, rev, times, cause, index keys. */
export const ITEM_ATTRIBUTES_BYTES = 4096;

/**
 * The largest state any history of changes can produce, in bytes of JSON: every fixed field at
 * its cap, every group full of entries at their caps, and every field set by a different event
 * with a clock of the longest length. A sum of caps, so any accepted change fits, and so does any
 * record built from them; `ITEM_ATTRIBUTES_BYTES` more is the whole item. A unit test builds such
 * a record and checks its real size against this.
 */
export const WORST_CASE_STATE_BYTES = ((): number => {
  const clock = MAX_CLOCK_BYTES + 1;
  const field = (keyBytes: number, valueBytes: number) =>
    keyBytes + valueBytes + FIELD_OVERHEAD_BYTES + clock;
  const fixed =
    FIXED_FIELDS.core * field(FIXED_KEY_BYTES, MAX_CORE_VALUE_BYTES) +
    FIXED_FIELDS.urls * field(FIXED_KEY_BYTES, MAX_URL_VALUE_BYTES) +
    FIXED_FIELDS.other * field(FIXED_KEY_BYTES, 32);
  const detections =
    DETECTION_SOURCES.length *
    field(
      FIXED_KEY_BYTES,
      MAX_DETECTIONS_PER_SOURCE * (MAX_LABEL_BYTES + DETECTION_OVERHEAD_BYTES + 1),
    );
  const tags =
    MAX_TAG_ENTRIES *
    field(
      'tag:'.length + MAX_TAG_ID_BYTES,
      MAX_TAG_NAME_BYTES + MAX_TAG_LABEL_BYTES + TAG_OVERHEAD_BYTES,
    );
  const meta = MAX_META_ENTRIES * field('meta:'.length + MAX_META_KEY_BYTES, MAX_META_VALUE_BYTES);
  return fixed + detections + tags + meta + 32;
})();
