import { isJsonObject, type JsonObject, sanitizeJson } from '../../json/json-value';
import { withoutPersonalData } from '../../privacy/personal-data';
import { invalid, type Validated, validateEvent } from '../../validation/validation-issue';
import {
  collectionCompletedBySharinpixEvent,
  identifySharinpixEvent,
  imagesExpectedBySharinpixEvent,
  normalizeSharinpixEvent,
} from './normalize';
import type { VendorDefinition, VendorDelivery } from '../vendor-definition';
import type { SharinpixEvent, SupportedSharinpixEvent, UnsupportedSharinpixEvent } from './event';
import {
  isSupportedEventType,
  readEventName,
  SharinpixEinsteinPredictionSchema,
  type SharinpixEventType,
  SharinpixImageSchema,
  SharinpixTagEventSchema,
  SharinpixUploadDoneSchema,
  withWebhooksV1Fields,
  withWebhooksV1Image,
} from './schema';

const NOT_AN_OBJECT = 'must be a JSON object';

/** Reads a supported event; image shapes may be the older Webhooks V1 one (`withWebhooksV1Fields`). */
const readSupported = (
  eventType: SharinpixEventType,
  payload: Record<string, unknown>,
): Validated<SupportedSharinpixEvent> => {
  switch (eventType) {
    case 'new_image':
    case 'image_processed':
    case 'delete_image':
      return validateEvent(eventType, SharinpixImageSchema, withWebhooksV1Fields(payload));
    case 'new_tag_image':
    case 'delete_tag_image':
      return validateEvent(eventType, SharinpixTagEventSchema, withWebhooksV1Image(payload));
    case 'upload_done':
      return validateEvent(eventType, SharinpixUploadDoneSchema, payload);
    case 'new_einstein_prediction':
      return validateEvent(eventType, SharinpixEinsteinPredictionSchema, payload);
  }
};

/**
 * An event we keep but do not map: the body as sent (already without personal data, see
 * `readSharinpixDelivery`), copied clean (prototype keys dropped, deep branches cut to `null`).
 * Re-reading the result gives it back.
 */
const readUnsupported = (
  eventType: string,
  payload: unknown,
): Validated<UnsupportedSharinpixEvent> => {
  const clean = sanitizeJson(payload, 'truncate');
  if (!isJsonObject(clean)) return invalid('', NOT_AN_OBJECT);
  return { ok: true, value: { eventType, payload: clean as JsonObject, unsupported: true } };
};

/**
 * Reads a delivery: the event name from the `X-Sharinpix-Event` header (or the stored event type
 * when the worker re-reads a queued payload), then the body by that name. A body that is not a
 * JSON object is refused before any schema runs (valibot's `object` would take an array).
 */
const readSharinpixDelivery = ({
  payload,
  eventType,
}: VendorDelivery): Validated<SharinpixEvent> => {
  const name = readEventName(eventType);
  if (!name.ok) return name;
  if (!isJsonObject(payload)) return invalid('', NOT_AN_OBJECT);
  // SharinPix bodies carry people (`user` in tag events, emails anywhere): none of it goes further.
  const clean = withoutPersonalData(payload);
  if (!isJsonObject(clean)) return invalid('', NOT_AN_OBJECT);
  return isSupportedEventType(name.value)
    ? readSupported(name.value, clean)
    : readUnsupported(name.value, clean);
};

/**
 * SharinPix Webhooks::V2: one POST per image event, named by header. Unsupported types are read
 * and identified (kept in the ledger, answered `ignored`) but make no record changes.
 */
export const sharinpix: VendorDefinition<SharinpixEvent> = {
  vendor: 'sharinpix',
  read: readSharinpixDelivery,
  identify: identifySharinpixEvent,
  normalize: normalizeSharinpixEvent,
  imagesExpected: imagesExpectedBySharinpixEvent,
  collections: 'fixed',
  collectionCompleted: collectionCompletedBySharinpixEvent,
};
