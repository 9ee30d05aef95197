import type { EventIdentity } from '../vendor-definition';
import type { ImageIntelligenceEvent } from './event';

/**
 * `image-intelligence:<job id>:<job status>`, the status upper-cased (BRIEF: job id plus status).
 * The vendor POSTs a job's result and retries a failed delivery up to 5 times with the same body,
 * so the retries share this id; a job reported `IN_PROGRESS` and later `COMPLETED_*` gives two
 * distinct events. Each status of a job is reported once (retries aside), so no payload digest
 * is added, which also keeps retries equal if the vendor re-serializes the body.
 *
 * Event time: the receipt time. The payload's only time, `createdAt`, is when the job was
 * created: identical on every status of one job, so it does not date the change. Using it would
 * make `IN_PROGRESS` and `COMPLETED_*` tie, and the tie-break on `eventId` would let `IN_PROGRESS`
 * win (`I` sorts after `C`).
 */
export const identifyImageIntelligenceEvent = (
  event: ImageIntelligenceEvent,
  receivedAt: Date,
): EventIdentity => ({
  eventType: event.eventType,
  eventId: `image-intelligence:${event.payload.id}:${event.payload.status.toUpperCase()}`,
  eventTime: receivedAt,
  supported: true,
});
