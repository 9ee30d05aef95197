import type { SignedBy } from '../auth/auth-result';
import type { Vendor } from '../vendors/vendor';
import type { EventIdentity, VendorEvent } from '../vendors/vendor-definition';
import { EVENT_ENVELOPE_VERSION, type EventEnvelope, MAX_DROPPED_FIELDS } from './event-envelope';

/**
 * The queue message for one validated event. Ingest sends it; the fixture generator and replay
 * tools build the same bytes through this one function.
 */
export const toEventEnvelope = (input: {
  vendor: Vendor;
  event: VendorEvent;
  identity: EventIdentity;
  receivedAt: Date;
  requestId: string;
  signedBy?: SignedBy;
}): EventEnvelope => ({
  version: EVENT_ENVELOPE_VERSION,
  vendor: input.vendor,
  eventType: input.identity.eventType,
  eventId: input.identity.eventId,
  eventTime: input.identity.eventTime.toISOString(),
  receivedAt: input.receivedAt.toISOString(),
  requestId: input.requestId,
  supported: input.identity.supported,
  ...(input.signedBy
    ? {
        signedBy: {
          digest: input.signedBy.digest,
          expiresAt: input.signedBy.expiresAt.toISOString(),
        },
      }
    : {}),
  ...(input.event.dropped && input.event.dropped.length > 0
    ? { dropped: input.event.dropped.slice(0, MAX_DROPPED_FIELDS) }
    : {}),
  payload: input.event.payload,
});
