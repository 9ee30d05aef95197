import type { WithDroppedFields } from '../../validation/validation-issue';
import type { JsonObject } from '../../json/json-value';
import type {
  SharinpixEinsteinPrediction,
  SharinpixImage,
  SharinpixTagEvent,
  SharinpixUploadDone,
} from './schema';

/** The events that carry the bare image shape. */
export type SharinpixImageEventType = 'new_image' | 'image_processed' | 'delete_image';
/** The events that carry a tag, the tag–image link id and an image snapshot. */
export type SharinpixTagEventType = 'new_tag_image' | 'delete_tag_image';

/**
 * A validated SharinPix event that becomes record changes. `unsupported` is absent or false here,
 * so a check of that flag narrows a `SharinpixEvent` to this union, and a switch on `eventType`
 * then narrows the payload.
 */
export type SupportedSharinpixEvent = { readonly unsupported?: false } & WithDroppedFields &
  (
    | { readonly eventType: SharinpixImageEventType; readonly payload: SharinpixImage }
    | { readonly eventType: SharinpixTagEventType; readonly payload: SharinpixTagEvent }
    | { readonly eventType: 'upload_done'; readonly payload: SharinpixUploadDone }
    | {
        readonly eventType: 'new_einstein_prediction';
        readonly payload: SharinpixEinsteinPrediction;
      }
  );

/**
 * An authentic event of a type we do not turn into records (`new_publication`,
 * `new_provider_reply`, …). It is still queued and kept in the ledger, so its payload is the
 * body as sent, sanitized, without the top-level `user` and `app_url`.
 */
export interface UnsupportedSharinpixEvent {
  readonly eventType: string;
  readonly payload: JsonObject;
  readonly unsupported: true;
}

/** A validated SharinPix delivery. */
export type SharinpixEvent = SupportedSharinpixEvent | UnsupportedSharinpixEvent;
