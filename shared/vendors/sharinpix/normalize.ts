import {
  canonicalJson,
  contentDigestOf,
  type JsonValue,
  presentValues,
} from '../../json/json-value';
import type {
  ImageChange,
  ImageExpectation,
  ImagePatch,
  StatedStatus,
} from '../../record/image-change';
import type { Collection, Detection, Tag } from '../../record/image-record';
import type { EventClock } from '../../record/record-state';
import { validate } from '../../validation/validation-issue';
import {
  eventTimeFrom,
  IdSchema,
  numberOrUndefined,
  toIsoTime,
  urlOrUndefined,
} from '../common-schemas';
import type { EventIdentity } from '../vendor-definition';
import type { SharinpixEvent, SupportedSharinpixEvent } from './event';
import {
  imageIdOf,
  type SharinpixEinsteinPrediction,
  type SharinpixImage,
  type SharinpixTagEvent,
  type SharinpixUploadDone,
} from './schema';

/**
 * What a validated SharinPix event means: its `eventId` and event time
 * (`identifySharinpixEvent`), the record changes it implies (`normalizeSharinpixEvent`,
 * `imagesExpectedBySharinpixEvent`) and the album it completes
 * (`collectionCompletedBySharinpixEvent`). They belong together because each is a pure reading of
 * the same event: a field added to the schema is weighed for all of them in one place.
 */

/** The subject of an unsupported event that has no usable top-level `id`. */
const UNKNOWN_SUBJECT = 'event';

/**
 * `sharinpix:<eventType>:<subject>:<digest>`, where the digest is `contentDigest` of the
 * validated payload and the subject is:
 *
 * | event type                        | subject                                   |
 * |-----------------------------------|-------------------------------------------|
 * | new_image, image_processed, delete_image | the image: `public_id`, else `id`  |
 * | new_tag_image, delete_tag_image   | the tag–image link: top-level `id`        |
 * | upload_done                       | `album_id`                                |
 * | new_einstein_prediction           | `image_id`                                |
 * | any unsupported type              | top-level `id` if it is an id, else `event` |
 *
 * SharinPix sends no delivery or event id, and one image goes through the same event type more
 * than once (re-processed, tagged again), so the ids are completed by the digest. The validated
 * payload holds no `user` and no `app_url`, so a retry (same body, later receipt) keeps its id,
 * while a tag added, removed and added again are three ids: a new link id, a different type or a
 * changed image snapshot each change the id.
 *
 * Event time: new_image dates its change with the image's `created_at`, which also keeps a
 * late-delivered new_image from overriding a later image_processed. No other payload carries a
 * time of change, so those use the receipt time.
 */
export const identifySharinpixEvent = (event: SharinpixEvent, receivedAt: Date): EventIdentity => {
  const { digest, canonical } = contentDigestOf(event.payload);
  return {
    eventType: event.eventType,
    eventId: `sharinpix:${event.eventType}:${subjectOf(event)}:${digest}`,
    eventTime: eventTimeOf(event, receivedAt),
    supported: event.unsupported !== true,
    canonicalPayload: canonical,
  };
};

const subjectOf = (event: SharinpixEvent): string => {
  if (event.unsupported) {
    const id = validate(IdSchema, event.payload.id);
    return id.ok ? id.value : UNKNOWN_SUBJECT;
  }
  switch (event.eventType) {
    case 'new_image':
    case 'image_processed':
    case 'delete_image':
      return imageIdOf(event.payload);
    case 'new_tag_image':
    case 'delete_tag_image':
      return event.payload.id;
    case 'upload_done':
      return event.payload.album_id;
    case 'new_einstein_prediction':
      return event.payload.image_id;
  }
};

const eventTimeOf = (event: SharinpixEvent, receivedAt: Date): Date =>
  !event.unsupported && event.eventType === 'new_image'
    ? eventTimeFrom(event.payload.created_at ?? undefined, receivedAt)
    : receivedAt;

const textOrUndefined = (value: string | null | undefined): string | undefined =>
  value ? value : undefined;

const albumOf = (albumId: string): Collection => ({ kind: 'album', id: albumId });

/**
 * The text of `processing_error`, or undefined when it says "no error": absent, `null`, `false`,
 * an empty or blank string, `{}` or `[]`. Any other JSON value is kept as its canonical JSON.
 */
export const processingErrorText = (value: JsonValue | null | undefined): string | undefined => {
  if (value === undefined || value === null || value === false) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'object' && Object.keys(value).length === 0) return undefined;
  return canonicalJson(value);
};

/**
 * The status an image snapshot implies (record mapping, SharinPix). `processed` decides between
 * done and processing; image_processed passes `processedEvent` because the event itself says the
 * image is done. Extension to the contract: a non-empty `processing_error` means SharinPix failed to
 * process the image, so the image is failed with that error; without one the error is cleared,
 * so an image that is processed again after a failure stops reporting the old error.
 */
const sharinpixStatus = (
  image: SharinpixImage,
  processedEvent: boolean,
): { status: StatedStatus; error: string | null } => {
  const error = processingErrorText(image.processing_error);
  if (error !== undefined) return { status: 'failed', error };
  return {
    status: processedEvent || image.processed === true ? 'done' : 'processing',
    error: null,
  };
};

/**
 * The fields every image snapshot carries (record mapping, SharinPix), without a status. Values
 * the snapshot does not hold are left alone rather than cleared: a later, thinner event must not
 * erase what an earlier one said.
 */
const imageFields = (image: SharinpixImage): ImagePatch => {
  const [lat, lon] = image.gps ?? [];
  return {
    core: {
      collection: image.album_id ? albumOf(image.album_id) : undefined,
      name: textOrUndefined(image.filename),
      width: numberOrUndefined(image.width),
      height: numberOrUndefined(image.height),
      rotation: numberOrUndefined(image.rotation),
      format: textOrUndefined(image.format),
      sizeBytes: numberOrUndefined(image.size),
      gps: lat === undefined || lon === undefined ? undefined : { lat, lon },
      createdAt: image.created_at ? toIsoTime(image.created_at) : undefined,
      takenAt: image.taken_at ? toIsoTime(image.taken_at) : undefined,
    },
    urls: { input: urlOrUndefined(image.original_url) },
    thumbnails: {
      full: urlOrUndefined(image.thumbnails?.full),
      large: urlOrUndefined(image.thumbnails?.large),
      mini: urlOrUndefined(image.thumbnails?.mini),
    },
    vendorMeta: presentValues({
      metadatas: image.metadatas,
      exifs: image.exifs,
      page: image.page,
      group_id: image.group_id,
    }),
  };
};

/** An image snapshot with the status it implies, or (for delete_image) deleted. */
const imageChange = (
  image: SharinpixImage,
  clock: EventClock,
  statement: 'snapshot' | 'processed' | 'deleted',
  extra: Pick<ImagePatch, 'tags'> = {},
): ImageChange => {
  const fields = imageFields(image);
  const patch: ImagePatch =
    statement === 'deleted'
      ? { ...fields, deleted: true }
      : {
          ...fields,
          core: { ...fields.core, ...sharinpixStatus(image, statement === 'processed') },
        };
  return { vendor: 'sharinpix', imageId: imageIdOf(image), clock, patch: { ...patch, ...extra } };
};

/** The tag as the record shows it; `label` is omitted when SharinPix sent none. */
const tagOf = ({ tag }: SharinpixTagEvent): Omit<Tag, 'id'> =>
  tag.label ? { name: tag.name, label: tag.label } : { name: tag.name };

const tagChange = (event: SharinpixTagEvent, clock: EventClock, added: boolean): ImageChange =>
  imageChange(event.image, clock, 'snapshot', {
    // fromEntries defines an own property even for a tag id such as `__proto__`.
    tags: Object.fromEntries([[event.tag.id, added ? tagOf(event) : null]]),
  });

/** Each listed image exists in the album; `uploaded` shows only until an event states a status. */
const uploadChanges = (upload: SharinpixUploadDone, clock: EventClock): ImageChange[] =>
  [...new Set(upload.image_ids)].map((imageId) => ({
    vendor: 'sharinpix',
    imageId,
    clock,
    patch: { core: { collection: albumOf(upload.album_id) }, uploaded: true },
  }));

const einsteinChange = (
  prediction: SharinpixEinsteinPrediction,
  clock: EventClock,
): ImageChange => {
  const detections: Detection[] = prediction.probability.map(({ label, probability }) => ({
    label,
    confidence: probability,
    source: 'einstein',
  }));
  const model = presentValues({
    modelId: prediction.model_id,
    einsteinModelId: prediction.einstein_model_id,
    type: prediction.type,
    status: prediction.status,
  });
  return {
    vendor: 'sharinpix',
    imageId: prediction.image_id,
    clock,
    // No `uploaded`: a prediction annotates an image, it does not say the image exists.
    patch: {
      detections: { einstein: detections },
      vendorMeta: Object.keys(model).length > 0 ? { einstein: model } : {},
    },
  };
};

const supportedChanges = (event: SupportedSharinpixEvent, clock: EventClock): ImageChange[] => {
  switch (event.eventType) {
    case 'new_image':
      return [imageChange(event.payload, clock, 'snapshot')];
    case 'image_processed':
      return [imageChange(event.payload, clock, 'processed')];
    case 'delete_image':
      return [imageChange(event.payload, clock, 'deleted')];
    case 'new_tag_image':
      return [tagChange(event.payload, clock, true)];
    case 'delete_tag_image':
      return [tagChange(event.payload, clock, false)];
    case 'upload_done':
      return uploadChanges(event.payload, clock);
    case 'new_einstein_prediction':
      return [einsteinChange(event.payload, clock)];
  }
};

/**
 * The record changes of one SharinPix event (record mapping, SharinPix). Unsupported types make
 * none. No `user` field reaches a change: the schemas never let it through.
 */
export const normalizeSharinpixEvent = (event: SharinpixEvent, clock: EventClock): ImageChange[] =>
  event.unsupported ? [] : supportedChanges(event, clock);

/**
 * SharinPix announces an image with `new_image` (and lists uploads in `upload_done`); every other
 * supported event is about an image already announced.
 */
export const imagesExpectedBySharinpixEvent = (event: SharinpixEvent): ImageExpectation =>
  event.unsupported || event.eventType === 'new_image' || event.eventType === 'upload_done'
    ? 'new'
    : 'existing';

/**
 * The album a SharinPix event completes, if it does: `upload_done` says the user finished
 * uploading into its album. No other event (supported or not) completes anything.
 */
export const collectionCompletedBySharinpixEvent = (
  event: SharinpixEvent,
): Collection | undefined =>
  !event.unsupported && event.eventType === 'upload_done'
    ? { kind: 'album', id: event.payload.album_id }
    : undefined;
