import * as v from 'valibot';
import { VENDORS } from '../vendors/vendor';

/**
 * The message ingest puts on the queue for each accepted webhook, and the worker reads back.
 * Versioned, so a worker can refuse (and dead-letter) a shape it does not know instead of
 * guessing. The payload is the vendor definition's validated output: documented fields only,
 * without personal data or credentials.
 */
export const EVENT_ENVELOPE_VERSION = 1;

/** Most dropped fields an envelope lists (a 1 MiB body could name thousands). */
export const MAX_DROPPED_FIELDS = 20;

const IsoTimestamp = v.pipe(v.string(), v.isoTimestamp());
const NonEmpty = v.pipe(v.string(), v.minLength(1));

export const EventEnvelopeSchema = v.object({
  version: v.literal(EVENT_ENVELOPE_VERSION),
  vendor: v.picklist(VENDORS),
  eventType: NonEmpty,
  eventId: NonEmpty,
  /** The vendor's time of change where the payload has one, else `receivedAt`. */
  eventTime: IsoTimestamp,
  /** API Gateway's `requestContext.timeEpoch`: fixed at ingest, before the queue. */
  receivedAt: IsoTimestamp,
  requestId: NonEmpty,
  /** False for authentic events that are kept in the ledger but produce no records. */
  supported: v.boolean(),
  /**
   * The one-time signature that authenticated the delivery (a body JWT), as a digest: the worker binds
   * it to this event, so the same signature with another body is refused. Absent for credentials
   * that are not per delivery.
   */
  signedBy: v.optional(
    v.object({
      digest: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
      expiresAt: IsoTimestamp,
    }),
  ),
  /**
   * Optional fields ingest dropped from the payload because they failed their format (a
   * placeholder where a URL goes, a number beyond the finite range): the event was accepted
   * without them, and the worker notes them on the event's ledger entry.
   */
  dropped: v.optional(
    v.pipe(
      v.array(v.object({ path: v.string(), message: v.string() })),
      v.maxLength(MAX_DROPPED_FIELDS),
    ),
  ),
  payload: v.unknown(),
});
export type EventEnvelope = v.InferOutput<typeof EventEnvelopeSchema>;

/** SQS message attribute names carried beside the body, for filtering and redrive tooling. */
export const ENVELOPE_ATTRIBUTES = {
  vendor: 'vendor',
  eventType: 'eventType',
  eventId: 'eventId',
} as const;
