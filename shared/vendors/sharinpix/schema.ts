import * as v from 'valibot';
import {
  canonicalJson,
  isJsonObject,
  JsonObjectSchema,
  MAX_JSON_DEPTH,
  sanitizeJson,
} from '../../json/json-value';
import { invalid, type Validated } from '../../validation/validation-issue';
import {
  BooleanLikeSchema,
  DateTimeSchema,
  IdSchema,
  MAX_TEXT_LENGTH,
  NumberLikeSchema,
  optional,
  optionalFormat,
  TextSchema,
  toNumber,
  UrlSchema,
} from '../common-schemas';

/**
 * SharinPix's webhook bodies as they arrive: the event name a delivery carries in its
 * `X-Sharinpix-Event` header (`readEventName`), the valibot schemas of each supported event's
 * body, and the older Webhooks V1 image shape read into the V2 names (`withWebhooksV1Fields`). They
 * belong together because the name picks the schema and the V1 shape is made to fit it: reading a
 * delivery is these three steps in order.
 */

/** Where the event name comes from, as a dotted issue path the 400 body can report. */
const EVENT_NAME_HEADER_PATH = 'headers.x-sharinpix-event';

/**
 * The SharinPix events this service turns into records (contract, "Bodies"). Any other plausible
 * name is an authentic event that is kept in the ledger and answered `ignored`.
 */
export const SHARINPIX_EVENT_TYPES = [
  'new_image',
  'image_processed',
  'new_tag_image',
  'delete_image',
  'delete_tag_image',
  'upload_done',
  'new_einstein_prediction',
] as const;
/** A supported event name, the discriminant of `SupportedSharinpixEvent`. */
export type SharinpixEventType = (typeof SHARINPIX_EVENT_TYPES)[number];

/**
 * Spellings of the supported names that SharinPix's own pages and older receivers use (the docs
 * title them "Processed image", "Delete tag image", …; only `new_image`, `new_tag_image` and
 * `upload_done` are confirmed on the wire). Kept small on purpose: an unknown
 * spelling is not lost, it is kept as an ignored event and can be added here later.
 */
const ALIASES: ReadonlyMap<string, SharinpixEventType> = new Map([
  ['new_images', 'new_image'],
  ['processed_image', 'image_processed'],
  ['image_deleted', 'delete_image'],
  ['deleted_image', 'delete_image'],
  ['tag_image', 'new_tag_image'],
  ['image_tagged', 'new_tag_image'],
  ['untag_image', 'delete_tag_image'],
  ['deleted_tag_image', 'delete_tag_image'],
  ['tag_image_deleted', 'delete_tag_image'],
  ['einstein_prediction', 'new_einstein_prediction'],
]);

/** A name that could be a SharinPix event: snake_case, bounded, so it is safe in ids and logs. */
const PLAUSIBLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Headers are typed by people in Salesforce setups: `New Image`, `new-image`, `newImage` and
 * `NewImage` all mean `new_image`.
 */
const foldEventName = (raw: string): string =>
  raw
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** Narrows a canonical name to the supported ones. */
export const isSupportedEventType = (name: string): name is SharinpixEventType =>
  (SHARINPIX_EVENT_TYPES as readonly string[]).includes(name);

/**
 * The canonical event name of a delivery: folded, with aliases resolved. A missing or
 * implausible header is the sender's error (400); a plausible unknown name is returned as is, so
 * the caller can keep it as an ignored event. Canonical names map to themselves, so the worker can
 * pass the stored event type back in.
 */
export const readEventName = (header: string | undefined): Validated<string> => {
  if (header === undefined || header.trim() === '') {
    return invalid(EVENT_NAME_HEADER_PATH, 'is required: the SharinPix event name');
  }
  const folded = foldEventName(header);
  if (!PLAUSIBLE_NAME.test(folded)) {
    return invalid(
      EVENT_NAME_HEADER_PATH,
      'must be an event name such as new_image: letters, digits and underscores, at most 64',
    );
  }
  return { ok: true, value: ALIASES.get(folded) ?? folded };
};

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

/**
 * SharinPix's older Webhooks V1 image shape, as SharinPix's own AWS Lambda receiver reads it
 * (public repository SharinPix/aws-image-backup): the image's URL and file name sit in `infos`
 * (`infos.secure_url`, `infos.original_filename`) and its album in `album.public_id`, where V2
 * has `original_url`, `filename` and `album_id`. Such bodies arrive as forms (`p=`).
 *
 * The V1 fields are copied to their V2 names where the V2 name is absent, so one schema reads
 * both, and the queued payload (V2 names) reads back the same. A V2 field that is present always
 * wins. Nothing else changes: `album` is not part of the schema and is dropped with the other
 * undocumented fields.
 */
export const withWebhooksV1Fields = (image: Record<string, unknown>): Record<string, unknown> => {
  const infos = isJsonObject(image.infos) ? image.infos : {};
  const album = isJsonObject(image.album) ? image.album : {};
  const fallbacks: Array<[string, unknown]> = [
    ['original_url', infos.secure_url],
    ['filename', infos.original_filename],
    ['album_id', album.public_id],
  ];
  const missing = fallbacks.filter(
    ([name, value]) => (image[name] === undefined || image[name] === null) && value != null,
  );
  return missing.length === 0 ? image : { ...image, ...Object.fromEntries(missing) };
};

/** A tag event whose nested image may have the V1 shape. */
export const withWebhooksV1Image = (event: Record<string, unknown>): Record<string, unknown> =>
  isJsonObject(event.image) ? { ...event, image: withWebhooksV1Fields(event.image) } : event;
