import type { JsonObject } from '../../json/json-value';
import type { WithDroppedFields } from '../../validation/validation-issue';
import type {
  CloudinaryContextChanged,
  CloudinaryDelete,
  CloudinaryDisplayNameChanged,
  CloudinaryEager,
  CloudinaryModeration,
  CloudinaryMove,
  CloudinaryRename,
  CloudinaryTagsChanged,
  CloudinaryUpload,
} from './schema';

/**
 * A validated Cloudinary notification that becomes record changes; a switch on `eventType`
 * narrows the payload. `unsupported` is absent here, so checking it narrows `CloudinaryEvent`.
 */
export type SupportedCloudinaryEvent = { readonly unsupported?: false } & WithDroppedFields &
  (
    | { readonly eventType: 'upload'; readonly payload: CloudinaryUpload }
    | { readonly eventType: 'eager'; readonly payload: CloudinaryEager }
    | { readonly eventType: 'moderation'; readonly payload: CloudinaryModeration }
    | { readonly eventType: 'rename'; readonly payload: CloudinaryRename }
    | { readonly eventType: 'delete'; readonly payload: CloudinaryDelete }
    | { readonly eventType: 'resource_tags_changed'; readonly payload: CloudinaryTagsChanged }
    | { readonly eventType: 'resource_context_changed'; readonly payload: CloudinaryContextChanged }
    | {
        readonly eventType: 'resource_display_name_changed';
        readonly payload: CloudinaryDisplayNameChanged;
      }
    | { readonly eventType: 'move'; readonly payload: CloudinaryMove }
  );

/**
 * An authentic notification of a type we do not map (`create_folder`, `resource_metadata_changed`,
 * …): kept in the ledger and answered `ignored`. Its payload is the body, sanitized, without the
 * API key fields and with only the time of `notification_context`.
 */
export interface UnsupportedCloudinaryEvent {
  readonly eventType: string;
  readonly payload: JsonObject;
  readonly unsupported: true;
}

/** A validated Cloudinary delivery. */
export type CloudinaryEvent = SupportedCloudinaryEvent | UnsupportedCloudinaryEvent;
