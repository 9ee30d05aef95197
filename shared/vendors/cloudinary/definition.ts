import { isJsonObject, type JsonObject, sanitizeJson } from '../../json/json-value';
import {
  invalid,
  type Validated,
  validate,
  validateEvent,
} from '../../validation/validation-issue';
import type { VendorDefinition, VendorDelivery } from '../vendor-definition';
import type {
  CloudinaryEvent,
  SupportedCloudinaryEvent,
  UnsupportedCloudinaryEvent,
} from './event';
import {
  aliasChangesOfCloudinaryEvent,
  identifyCloudinaryEvent,
  imagesExpectedByCloudinaryEvent,
  normalizeCloudinaryEvent,
} from './normalize';
import {
  CloudinaryContextChangedSchema,
  CloudinaryDeleteSchema,
  CloudinaryDisplayNameChangedSchema,
  CloudinaryEagerSchema,
  type CloudinaryEventType,
  CloudinaryModerationSchema,
  CloudinaryMoveSchema,
  CloudinaryRenameSchema,
  CloudinaryTagsChangedSchema,
  CloudinaryUploadSchema,
  isSupportedCloudinaryType,
  NotificationTypeSchema,
} from './schema';

/** Top-level keys never kept from an unsupported notification: the API key fields. */
const PRIVATE_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(['api_key', 'signature_key']);

const readSupported = (
  eventType: CloudinaryEventType,
  payload: unknown,
): Validated<SupportedCloudinaryEvent> => {
  switch (eventType) {
    case 'upload':
      return validateEvent(eventType, CloudinaryUploadSchema, payload);
    case 'eager':
      return validateEvent(eventType, CloudinaryEagerSchema, payload);
    case 'moderation':
      return validateEvent(eventType, CloudinaryModerationSchema, payload);
    case 'rename':
      return validateEvent(eventType, CloudinaryRenameSchema, payload);
    case 'delete':
      return validateEvent(eventType, CloudinaryDeleteSchema, payload);
    case 'resource_tags_changed':
      return validateEvent(eventType, CloudinaryTagsChangedSchema, payload);
    case 'resource_context_changed':
      return validateEvent(eventType, CloudinaryContextChangedSchema, payload);
    case 'resource_display_name_changed':
      return validateEvent(eventType, CloudinaryDisplayNameChangedSchema, payload);
    case 'move':
      return validateEvent(eventType, CloudinaryMoveSchema, payload);
  }
};

/**
 * A notification we keep but do not map: the body copied clean (prototype keys dropped, deep
 * branches cut to `null`) without the API key fields, and `notification_context` cut to its
 * `triggered_at` (its `triggered_by.id` may be an API key). Re-reading the result gives it back.
 */
const readUnsupported = (
  eventType: string,
  payload: unknown,
): Validated<UnsupportedCloudinaryEvent> => {
  const clean = sanitizeJson(payload, 'truncate');
  if (!isJsonObject(clean)) return invalid('', 'must be a JSON object');
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(clean)) {
    if (PRIVATE_TOP_LEVEL_KEYS.has(key)) continue;
    if (key === 'notification_context') {
      const time = isJsonObject(value) ? value.triggered_at : undefined;
      kept[key] = typeof time === 'string' ? { triggered_at: time } : {};
      continue;
    }
    kept[key] = value;
  }
  return { ok: true, value: { eventType, payload: kept, unsupported: true } };
};

/**
 * Reads a notification by its `notification_type`. Cloudinary sends one notification per
 * request, always JSON; a body that is not an object, or whose type is missing or implausible,
 * is refused (400). A plausible type we do not map is kept as an ignored event.
 */
const readCloudinaryDelivery = ({ payload }: VendorDelivery): Validated<CloudinaryEvent> => {
  if (!isJsonObject(payload))
    return invalid('', 'must be a JSON object (a Cloudinary notification)');
  const type = validate(NotificationTypeSchema, payload.notification_type);
  if (!type.ok) {
    return {
      ok: false,
      issues: type.issues.map((issue) => ({ ...issue, path: 'notification_type' })),
    };
  }
  return isSupportedCloudinaryType(type.value)
    ? readSupported(type.value, payload)
    : readUnsupported(type.value, payload);
};

/**
 * Cloudinary notifications: one POST per notification, the type in the body. Images are keyed by
 * `asset_id`, which survives renames; a notification that names an image only by `public_id`
 * (moderation) reaches it through the public id alias its upload registered.
 */
export const cloudinary: VendorDefinition<CloudinaryEvent> = {
  vendor: 'cloudinary',
  read: readCloudinaryDelivery,
  identify: identifyCloudinaryEvent,
  normalize: normalizeCloudinaryEvent,
  aliasChanges: aliasChangesOfCloudinaryEvent,
  imagesExpected: imagesExpectedByCloudinaryEvent,
  /** A `move` notification files an asset under another folder: images move by design. */
  collections: 'moves',
  /**
   * A Cloudinary folder is never finished: assets arrive one notification at a time, with no
   * notification that closes a folder, so no event completes a collection.
   */
  collectionCompleted: () => undefined,
};
