import * as v from 'valibot';
import { VENDORS } from '../vendors/vendor';

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
