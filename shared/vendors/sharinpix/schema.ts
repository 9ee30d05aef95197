import * as v from 'valibot';
import {
  canonicalJson,
  JsonObjectSchema,
  MAX_JSON_DEPTH,
  sanitizeJson,
} from '../../json/json-value';
import {
  DateTimeSchema,
  IdSchema,
  MAX_TEXT_LENGTH,
  NumberLikeSchema,
  optional,
  optionalFormat,
  TextSchema,
  toNumber,
  UrlSchema,
  BooleanLikeSchema,
} from '../common-schemas';

/**
 * SharinPix Webhooks::V2 bodies (SharinPix's webhook payload documentation). The docs
 * render them as YAML; the wire is JSON. Only the image-related events are documented, and most
 * of their names are unverified, so every field except the ids we key on is optional and lenient.
 *
 * Personal data and credentials are not part of these schemas, so `v.object` drops them before
 * anything is queued, logged or stored: the tag events' `user` (name, email, Salesforce id) and
 * upload_done's `app_url` (a deep link carrying a SharinPix token).
 *
 * Every transform here is idempotent (a string `"true"` becomes `true`, a single id becomes a
 * list of one), because the validated payload is queued and read again by the worker.
 */

/** A count or a size: a number (or numeric string) that cannot be negative. */
const NonNegativeNumberSchema = v.pipe(
  NumberLikeSchema,
  v.check((value) => toNumber(value) >= 0, 'must not be negative'),
);

/** Degrees the image is turned by; SharinPix sends 0, 90, 180, 270 (and, leniently, negatives). */
const RotationSchema = v.pipe(
  NumberLikeSchema,
  v.check(
    (value) => Math.abs(toNumber(value)) <= 360,
    'must be a rotation between -360 and 360 degrees',
  ),
);

const LatitudeSchema = v.pipe(
  v.number('must be a number'),
  v.minValue(-90, 'must be a latitude between -90 and 90'),
  v.maxValue(90, 'must be a latitude between -90 and 90'),
);
const LongitudeSchema = v.pipe(
  v.number('must be a number'),
  v.minValue(-180, 'must be a longitude between -180 and 180'),
  v.maxValue(180, 'must be a longitude between -180 and 180'),
);

/** `null` (no fix), `[]` (also no fix), or `[latitude, longitude]` in decimal degrees. */
export const GpsSchema = v.union(
  [v.strictTuple([]), v.strictTuple([LatitudeSchema, LongitudeSchema])],
  'must be [] or [latitude, longitude]',
);

/**
 * Any JSON value, copied clean (no prototype keys, bounded depth) and bounded in size. For fields
 * whose type the docs never show a value for, such as `processing_error`.
 */
const AnyJsonSchema = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const clean = sanitizeJson(dataset.value, 'reject');
    if (clean === undefined) {
      addIssue({
        message: `must be JSON nested at most ${MAX_JSON_DEPTH} levels deep, with finite numbers`,
      });
      return NEVER;
    }
    return clean;
  }),
  v.check(
    (value) => canonicalJson(value).length <= MAX_TEXT_LENGTH,
    `must be at most ${MAX_TEXT_LENGTH} characters as JSON`,
  ),
);

/** The thumbnails SharinPix renders; each may be missing while processing runs. */
const ThumbnailsSchema = v.object({
  full: optionalFormat(UrlSchema),
  large: optionalFormat(UrlSchema),
  mini: optionalFormat(UrlSchema),
});

/**
 * The image shape of new_image, image_processed and delete_image, also nested in tag events.
 * `public_id` is the id SharinPix shows and upload_done lists; `id` is its twin in every sample.
 * One of the two must be there: it is the record key.
 */
export const SharinpixImageSchema = v.pipe(
  v.object({
    id: optional(IdSchema),
    public_id: optional(IdSchema),
    metadatas: optionalFormat(JsonObjectSchema),
    width: optionalFormat(NonNegativeNumberSchema),
    height: optionalFormat(NonNegativeNumberSchema),
    rotation: optionalFormat(RotationSchema),
    gps: optionalFormat(GpsSchema),
    size: optionalFormat(NonNegativeNumberSchema),
    format: optional(TextSchema),
    original_url: optionalFormat(UrlSchema),
    filename: optional(TextSchema),
    created_at: optionalFormat(DateTimeSchema),
    taken_at: optionalFormat(DateTimeSchema),
    infos: optionalFormat(JsonObjectSchema),
    page: optional(v.union([v.pipe(v.number(), v.finite()), TextSchema], 'must be a page number')),
    group_id: optional(v.union([TextSchema, v.pipe(v.number(), v.finite())], 'must be a group id')),
    exifs: optionalFormat(JsonObjectSchema),
    processed: optional(BooleanLikeSchema),
    /** Never shown with a value in the docs: text expected, any JSON kept. */
    processing_error: optional(AnyJsonSchema),
    /** The Salesforce record the album belongs to; absent until the image is filed. */
    album_id: optional(IdSchema),
    thumbnails: optionalFormat(ThumbnailsSchema),
  }),
  v.forward(
    v.partialCheck(
      [['id'], ['public_id']],
      (image) => Boolean(image.public_id ?? image.id),
      'is required (or id): the image id',
    ),
    ['public_id'],
  ),
);
/** A validated image snapshot: documented fields only, ids trimmed, `processed` a boolean. */
export type SharinpixImage = v.InferOutput<typeof SharinpixImageSchema>;

/** The record key of an image: `public_id`, else `id` (the schema guarantees one of them). */
export const imageIdOf = (image: SharinpixImage): string => image.public_id ?? image.id ?? '';

/**
 * A tag. `label` is the translations as a JSON string inside the JSON
 * (`'{"en":"Villa","fr":"Villa"}'`) and is kept as that string; a sender that sends the object
 * instead gets it stored as its canonical JSON, the same string for the same labels.
 */
const SharinpixTagSchema = v.object({
  id: IdSchema,
  name: TextSchema,
  label: optional(
    v.union(
      [
        TextSchema,
        v.pipe(
          JsonObjectSchema,
          v.transform((label) => canonicalJson(label)),
          v.maxLength(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters as JSON`),
        ),
      ],
      'must be a label: a string (JSON translations) or an object',
    ),
  ),
});

/** new_tag_image and delete_tag_image. The top-level `id` is the tag–image link. */
export const SharinpixTagEventSchema = v.object({
  id: IdSchema,
  tag: SharinpixTagSchema,
  image: SharinpixImageSchema,
});
/** A validated tag event, without `user`. */
export type SharinpixTagEvent = v.InferOutput<typeof SharinpixTagEventSchema>;

/** More than any real upload (the vendor says at most 50 per event), fewer than a hostile body. */
const MAX_UPLOAD_IMAGE_IDS = 1000;

/**
 * `image_ids` is a single id in the docs' samples, a comma-joined string from some senders and a
 * list in SharinPix's older receivers; it always comes out as a list.
 */
const ImageIdListSchema = v.pipe(
  v.union([v.string(), v.array(v.unknown())], 'must be an image id or a list of image ids'),
  // One string may list several ids, comma-joined (`"a,b,c"`): no id holds a comma.
  v.transform((value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== '')
      : value,
  ),
  v.array(IdSchema),
  v.minLength(1, 'must hold at least 1 image id'),
  v.maxLength(MAX_UPLOAD_IMAGE_IDS, `must hold at most ${MAX_UPLOAD_IMAGE_IDS} image ids`),
);

/** upload_done: the user finished uploading images into an album (web or mobile app). */
export const SharinpixUploadDoneSchema = v.object({
  count: optionalFormat(NonNegativeNumberSchema),
  /** `web` or `mobile` in the docs; other values pass. */
  platform: optional(TextSchema),
  album_id: IdSchema,
  image_ids: ImageIdListSchema,
});
/** A validated upload_done, `image_ids` always a list and no `app_url`. */
export type SharinpixUploadDone = v.InferOutput<typeof SharinpixUploadDoneSchema>;

/** The most classes an image classification can return that we keep. */
const MAX_PREDICTIONS = 1000;

/** One class of the classification; `probability` is Einstein's confidence, 0 to 1. */
const EinsteinProbabilitySchema = v.object({
  probability: v.pipe(
    v.number('must be a number'),
    v.minValue(0, 'must be a probability between 0 and 1'),
    v.maxValue(1, 'must be a probability between 0 and 1'),
  ),
  label: TextSchema,
});

/** new_einstein_prediction (deprecated by SharinPix, still documented): one image classified. */
export const SharinpixEinsteinPredictionSchema = v.object({
  einstein_model_id: optional(IdSchema),
  probability: v.pipe(
    v.array(EinsteinProbabilitySchema, 'must be a list of {probability, label}'),
    v.maxLength(MAX_PREDICTIONS, `must hold at most ${MAX_PREDICTIONS} predictions`),
  ),
  status: optional(TextSchema),
  image_id: IdSchema,
  model_id: optional(IdSchema),
  type: optional(TextSchema),
  message: optional(TextSchema),
});
/** A validated Einstein prediction. */
export type SharinpixEinsteinPrediction = v.InferOutput<typeof SharinpixEinsteinPredictionSchema>;
