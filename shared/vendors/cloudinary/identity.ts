import { contentDigestOf } from '../../json/json-value';
import { eventTimeFrom } from '../event-time';
import type { EventIdentity } from '../vendor-definition';
import type { CloudinaryEvent, SupportedCloudinaryEvent } from './event';
import { isImage } from './image-scope';

/**
 * `cloudinary:<notification type>:<subject>:<digest>`, where the digest is `contentDigest` of the
 * validated payload and the subject is the type's semantic key:
 *
 * | notification type                | subject                                           |
 * |----------------------------------|---------------------------------------------------|
 * | upload                           | `asset_id` `@` `version`                          |
 * | eager                            | `asset_id` `@` `batch_id` (else `request_id`)     |
 * | moderation                       | `public_id` `@` `moderation_status`               |
 * | rename                           | `asset_id`                                        |
 * | delete, tags, context, display name, move | `triggered_at` of the notification (bulk) |
 * | any unsupported type             | `event`                                           |
 *
 * Cloudinary sends no notification id, and `request_id` names the API call (an upload and its
 * eager result share it). The validated payload holds every field of the semantic keys (version,
 * batch, moderation kind and time, from and to ids, trigger time), so the digest completes them:
 * a retry of the same body keeps its id, and a tag added, removed and added again are three ids
 * (their trigger times differ). The payload has no `api_key`, `signature_key` or
 * `triggered_by`, and the signing headers are not part of it, so a re-signed retry keeps its id.
 *
 * Event time (never `X-Cld-Timestamp`, which is the signing time):
 * - upload: `version` (unix seconds of this upload), else `created_at`;
 * - moderation: `moderation_updated_at`;
 * - everything else: `notification_context.triggered_at`, else the body's `timestamp`;
 * - the receipt time when none is sent, or when the vendor's is beyond clock skew in the future.
 */
export const identifyCloudinaryEvent = (
  event: CloudinaryEvent,
  receivedAt: Date,
): EventIdentity => {
  const { digest, canonical } = contentDigestOf(event.payload);
  return {
    eventType: event.eventType,
    eventId: `cloudinary:${event.eventType}:${subjectOf(event)}:${digest}`,
    eventTime: eventTimeFrom(vendorTimeOf(event), receivedAt),
    supported: !event.unsupported && touchesImages(event),
    canonicalPayload: canonical,
  };
};

const BULK_SUBJECT = 'bulk';
const UNKNOWN_SUBJECT = 'event';

const subjectOf = (event: CloudinaryEvent): string => {
  if (event.unsupported) return UNKNOWN_SUBJECT;
  switch (event.eventType) {
    case 'upload':
      return `${event.payload.asset_id}@${event.payload.version ?? ''}`;
    case 'eager':
      return `${event.payload.asset_id}@${event.payload.batch_id ?? event.payload.request_id ?? ''}`;
    case 'moderation':
      return `${event.payload.public_id}@${event.payload.moderation_status}`;
    case 'rename':
      return event.payload.asset_id;
    case 'delete':
    case 'resource_tags_changed':
    case 'resource_context_changed':
    case 'resource_display_name_changed':
    case 'move':
      return event.payload.notification_context?.triggered_at ?? BULK_SUBJECT;
  }
};

/** The trigger time, else the body's generation time: what dates most notifications. */
const triggeredAt = (payload: {
  readonly timestamp?: string | null;
  readonly notification_context?: { readonly triggered_at?: string | null } | null;
}): string | undefined =>
  payload.notification_context?.triggered_at ?? payload.timestamp ?? undefined;

/** Unix seconds as an ISO time; `undefined` for a value `Date` cannot hold. */
const unixSecondsToIso = (seconds: number | string): string | undefined => {
  const date = new Date(Number(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

const vendorTimeOf = (event: CloudinaryEvent): string | undefined => {
  if (event.unsupported) return undefined;
  switch (event.eventType) {
    case 'upload':
      return event.payload.version == null
        ? (event.payload.created_at ?? triggeredAt(event.payload))
        : unixSecondsToIso(event.payload.version);
    case 'moderation':
      return event.payload.moderation_updated_at ?? triggeredAt(event.payload);
    default:
      return triggeredAt(event.payload);
  }
};

/**
 * Whether a supported notification is about at least one image. Cloudinary notifies about
 * videos and raw files on the same triggers; those are authentic, kept and answered `ignored`.
 */
const touchesImages = (event: SupportedCloudinaryEvent): boolean => {
  switch (event.eventType) {
    case 'upload':
    case 'moderation':
    case 'rename':
      return isImage(event.payload);
    case 'eager':
      return true;
    default:
      return event.payload.resources.some(isImage);
  }
};
