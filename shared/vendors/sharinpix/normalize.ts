import { canonicalJson, type JsonValue, presentValues } from '../../json/json-value';
import type { EventClock } from '../../record/record-state';
import type {
  ImageChange,
  ImagePatch,
  StatedStatus,
  ImageExpectation,
} from '../../record/image-change';
import type { Collection, Detection, Tag } from '../../record/image-record';
import { numberOrUndefined, toIsoTime, urlOrUndefined } from '../common-schemas';
import type { SharinpixEvent, SupportedSharinpixEvent } from './event';
import {
  imageIdOf,
  type SharinpixEinsteinPrediction,
  type SharinpixImage,
  type SharinpixTagEvent,
  type SharinpixUploadDone,
} from './schema';

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
