import { eventTimeFrom } from '../event-time';
import type { EventIdentity } from '../vendor-definition';
import type { ImageIntelligenceEvent } from './event';

/**
 * Where a job status stands in the job's life: `IN_PROGRESS` comes before any `COMPLETED_*`.
 * Unknown statuses rank with `IN_PROGRESS`, so they never outrank a completion.
 */
const jobLifecycleRank = (jobStatus: string): number =>
  jobStatus.trim().toUpperCase().startsWith('COMPLETED') ? 1 : 0;

/**
 * `image-intelligence:<job id>:<job status>`, the status upper-cased (contract: job id plus status).
 * The vendor POSTs a job's result and retries a failed delivery up to 5 times with the same body,
 * so the retries share this id; a job reported `IN_PROGRESS` and later `COMPLETED_*` gives two
 * distinct events. Each status of a job is reported once (retries aside), so no payload digest
 * is added, which also keeps retries equal if the vendor re-serializes the body.
 *
 * Event time: the job's `createdAt`, advanced by one millisecond per lifecycle stage
 * (`IN_PROGRESS` +0, `COMPLETED_*` +1). `createdAt` alone is the same on every status of a job, so
 * it cannot order them (and the eventId tie-break would let `IN_PROGRESS` win, `I` > `C`); the
 * receipt time cannot either, because a retried `IN_PROGRESS` (the vendor retries for a while)
 * can arrive after the `COMPLETED_*` and would put a finished image back to processing. The
 * lifecycle rank is the vendor's own order, stable across retries, so every delivery of an event
 * carries the same time. A later job on the same image has a later `createdAt` and wins. A
 * `createdAt` from beyond clock skew in the future falls back to the receipt time.
 */
export const identifyImageIntelligenceEvent = (
  event: ImageIntelligenceEvent,
  receivedAt: Date,
): EventIdentity => {
  const { id, status, createdAt } = event.payload;
  const stagedTime = new Date(Date.parse(createdAt) + jobLifecycleRank(status)).toISOString();
  return {
    eventType: event.eventType,
    eventId: `image-intelligence:${id}:${status.toUpperCase()}`,
    eventTime: eventTimeFrom(stagedTime, receivedAt),
    supported: true,
  };
};
