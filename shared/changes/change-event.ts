import * as v from 'valibot';
import { CollectionSchema, ImageRecordSchema } from '../record/image-record';
import { VENDORS } from '../vendors/vendor';

/**
 * The change events the service pushes to EventBridge: one `Image Record Changed` per committed
 * record change, one `Collection Completed` per applied completing event. These schemas are the
 * public contract of the events; the JSON Schemas in `schemas/` are generated from them.
 */

/** The `source` of every change event, the value a consumer rule matches on. */
export const CHANGE_EVENT_SOURCE = 'vendor-webhooks';
export const IMAGE_RECORD_CHANGED = 'Image Record Changed';
export const COLLECTION_COMPLETED = 'Collection Completed';

/**
 * The id a consumer dedupes on. EventBridge gives every `PutEvents` entry a fresh envelope `id`,
 * so a change published twice (a retried batch) arrives under two envelope ids; `changeId` is
 * derived from the change itself (the record's key and revision, or the completing event) and is
 * the same every time.
 */
const ChangeIdSchema = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits'));

/** The vendor event whose application caused the change. */
const ChangeCauseSchema = v.object({
  eventId: v.pipe(v.string(), v.minLength(1)),
  eventType: v.pipe(v.string(), v.minLength(1)),
});

/**
 * `changed` lists the record's field paths whose value differs from the record before the write:
 * top-level fields by name (`status`, `collection`, `gps`, `detections`, …), URLs per kind
 * (`urls.output`, `urls.thumbnails.mini`), tags per id (`tags.<id>`) and vendor metadata per key
 * (`vendorMeta.<key>`). `updatedAt` is never listed: it changes on every write. A new image lists
 * every field it has.
 *
 * `record` is the record exactly as `GET /images/{vendor}/{imageId}` returns it after the change.
 * An event entry is limited to 256 KB by EventBridge; a record too large to fit is left out and
 * `recordOmitted` says so, and the consumer reads it from the API instead. The event itself is
 * never dropped.
 */
export const ImageRecordChangedDetailSchema = v.strictObject({
  changeId: ChangeIdSchema,
  vendor: v.picklist(VENDORS),
  imageId: v.pipe(v.string(), v.minLength(1)),
  collection: v.optional(CollectionSchema),
  changed: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1)),
  record: v.optional(ImageRecordSchema),
  recordOmitted: v.optional(v.literal('too-large')),
  cause: ChangeCauseSchema,
  /** The record's revision: 1 when created, +1 per committed change. */
  revision: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
export type ImageRecordChangedDetail = v.InferOutput<typeof ImageRecordChangedDetailSchema>;

const CountSchema = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * `images` counts the collection's images when the completion is published: `total` images not
 * deleted, of which `done` and `failed` have that status.
 */
const CollectionCompletedDetailSchema = v.strictObject({
  changeId: ChangeIdSchema,
  vendor: v.picklist(VENDORS),
  collection: CollectionSchema,
  images: v.strictObject({ total: CountSchema, done: CountSchema, failed: CountSchema }),
  cause: ChangeCauseSchema,
});
export type CollectionCompletedDetail = v.InferOutput<typeof CollectionCompletedDetailSchema>;

/** What the publisher puts on the bus: a detail type and its detail. */
export type ChangeEvent =
  | { readonly detailType: typeof IMAGE_RECORD_CHANGED; readonly detail: ImageRecordChangedDetail }
  | {
      readonly detailType: typeof COLLECTION_COMPLETED;
      readonly detail: CollectionCompletedDetail;
    };

/** The EventBridge envelope around a detail, as a rule target (or `changes.jsonl`) receives it. */
const envelopeOf = <TType extends string, TDetail extends v.GenericSchema>(
  detailType: TType,
  detail: TDetail,
) =>
  v.object({
    version: v.string(),
    id: v.pipe(v.string(), v.minLength(1)),
    'detail-type': v.literal(detailType),
    source: v.literal(CHANGE_EVENT_SOURCE),
    account: v.string(),
    time: v.pipe(v.string(), v.isoTimestamp()),
    region: v.string(),
    resources: v.array(v.string()),
    detail,
  });

export const ImageRecordChangedEventSchema = envelopeOf(
  IMAGE_RECORD_CHANGED,
  ImageRecordChangedDetailSchema,
);
export type ImageRecordChangedEvent = v.InferOutput<typeof ImageRecordChangedEventSchema>;

export const CollectionCompletedEventSchema = envelopeOf(
  COLLECTION_COMPLETED,
  CollectionCompletedDetailSchema,
);
export type CollectionCompletedEvent = v.InferOutput<typeof CollectionCompletedEventSchema>;

/** Either event as delivered; `changes.jsonl` holds one per line. */
export const DeliveredChangeEventSchema = v.variant('detail-type', [
  ImageRecordChangedEventSchema,
  CollectionCompletedEventSchema,
]);
export type DeliveredChangeEvent = v.InferOutput<typeof DeliveredChangeEventSchema>;
