import * as v from 'valibot';
import {
  COLLECTION_COMPLETED,
  DeliveredChangeEventSchema,
} from '../../shared/changes/change-event';

/** How many changed paths a line names before it counts the rest. */
const PATHS_SHOWN = 6;

const clockOf = (time: string): string => time.slice(11, 19);

/**
 * One change event as one compact line, for the stack log and `npm run changes`:
 *
 *     21:32:49 → changed acme/img-0f0d6707 rev 3: status, urls.output
 *     21:32:50 → completed acme sku 523a07fa: 8 images, 8 done, 0 failed
 *
 * Anything that is not one of the two change events is shown by its detail type.
 */
export const changeLine = (event: unknown): string => {
  const parsed = v.safeParse(DeliveredChangeEventSchema, event);
  if (!parsed.success) {
    const loose = v.safeParse(
      v.object({ time: v.string(), 'detail-type': v.string(), source: v.string() }),
      event,
    );
    return loose.success
      ? `${clockOf(loose.output.time)} → ${loose.output['detail-type']} from ${loose.output.source}`
      : '→ an event that is not a change event';
  }
  const delivered = parsed.output;
  const time = clockOf(delivered.time);
  if (delivered['detail-type'] === COLLECTION_COMPLETED) {
    const { vendor, collection, images } = delivered.detail;
    return `${time} → completed ${vendor} ${collection.kind} ${collection.id}: ${images.total} images, ${images.done} done, ${images.failed} failed`;
  }
  const { vendor, imageId, revision, changed, recordOmitted } = delivered.detail;
  const shown = changed.slice(0, PATHS_SHOWN).join(', ');
  const more = changed.length > PATHS_SHOWN ? ` +${changed.length - PATHS_SHOWN} more` : '';
  const omitted = recordOmitted ? ' (record too large to carry)' : '';
  return `${time} → changed ${vendor}/${imageId} rev ${revision}: ${shown}${more}${omitted}`;
};
