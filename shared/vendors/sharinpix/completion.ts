import type { Collection } from '../../record/image-record';
import type { SharinpixEvent } from './event';

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
