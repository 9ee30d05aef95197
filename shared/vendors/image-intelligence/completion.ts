import type { Collection } from '../../record/image-record';
import type { ImageIntelligenceEvent } from './event';

/**
 * The job an Image Intelligence result completes, if it does: a job whose status is any
 * `COMPLETED_*` (successfully, or with errors on some images). An `IN_PROGRESS` result does not.
 */
export const collectionCompletedByImageIntelligenceEvent = (
  event: ImageIntelligenceEvent,
): Collection | undefined =>
  event.payload.status.toUpperCase().startsWith('COMPLETED_')
    ? { kind: 'job', id: event.payload.id }
    : undefined;
