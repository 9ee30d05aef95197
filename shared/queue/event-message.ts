import * as v from 'valibot';
import type { SignedBy } from '../auth/auth-result';
import type { DroppedField, ValidationIssue } from '../validation/validation-issue';
import { type Vendor, VENDORS } from '../vendors/vendor';
import type {
  EventIdentity,
  VendorDefinition,
  VendorDelivery,
  VendorEvent,
} from '../vendors/vendor-definition';
import {
  jsonQueueMessage,
  type QueueMessage,
  queueMessageBytes,
  SQS_MAX_MESSAGE_BYTES,
} from './sqs-event-queue';

/**
 * The event message: the versioned envelope ingest puts on the queue for each accepted webhook
 * and the worker reads back (`EventEnvelopeSchema`), and the queue message of an event, made in
 * this one module: the envelope from a validated event (`toEventEnvelope`), its JSON
 * (`envelopeJson`), the message with its attributes (`envelopeMessage`), and the whole path from
 * a parsed delivery with the SQS size check (`toEventMessage`). The schema and its writer belong
 * together: a field added to one is added to the other, and both sides of the queue agree on one
 * definition. Ingest, quarantine redrive, the fixture generator and the tests all build their
 * messages here; the transport is `sqs-event-queue.ts`.
 */

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

/**
 * The envelope as JSON. The payload is the larger part by far; when the `eventId` digest already
 * wrote its canonical JSON (`EventIdentity.canonicalPayload`), that text is spliced in rather
 * than the payload serialized a second time. Any JSON reader sees the same envelope.
 */
export const envelopeJson = (envelope: EventEnvelope, payloadJson?: string): string => {
  const { payload, ...head } = envelope;
  const text = payloadJson ?? JSON.stringify(payload) ?? 'null';
  return `${JSON.stringify(head).slice(0, -1)},"payload":${text}}`;
};

/**
 * The queue message for an accepted event: the envelope as JSON, with vendor, event type and
 * `eventId` repeated as message attributes so redrive and inspection tools can filter without
 * parsing bodies.
 */
export const envelopeMessage = (envelope: EventEnvelope, payloadJson?: string): QueueMessage =>
  jsonQueueMessage(envelopeJson(envelope, payloadJson), {
    [ENVELOPE_ATTRIBUTES.vendor]: envelope.vendor,
    [ENVELOPE_ATTRIBUTES.eventType]: envelope.eventType,
    [ENVELOPE_ATTRIBUTES.eventId]: envelope.eventId,
  });

/** A parsed delivery turned into its queue message, or why it cannot be queued. */
export type EventMessage =
  | {
      readonly ok: true;
      readonly message: QueueMessage;
      readonly identity: EventIdentity;
      /** Optional fields dropped for failing their format. */
      readonly dropped: readonly DroppedField[];
    }
  | {
      readonly ok: false;
      readonly reason: 'invalid_payload';
      readonly issues: readonly ValidationIssue[];
    }
  | { readonly ok: false; readonly reason: 'too_large'; readonly limitBytes: number };

/**
 * Validate → identify → envelope → message, with the SQS size check: the one path from a parsed
 * delivery to the bytes on the queue. Ingest runs it after authentication; redriving a
 * quarantined delivery runs it again with the original receipt time and request id, so a
 * delivery that passes later is queued exactly as it would have been (same `eventId`).
 */
export const toEventMessage = (input: {
  vendor: Vendor;
  definition: VendorDefinition<VendorEvent>;
  delivery: VendorDelivery;
  receivedAt: Date;
  requestId: string;
  /** The per-delivery signature that authenticated it, when the route has one. */
  signedBy?: SignedBy;
}): EventMessage => {
  const read = input.definition.read(input.delivery);
  if (!read.ok) return { ok: false, reason: 'invalid_payload', issues: read.issues };
  const identity = input.definition.identify(read.value, input.receivedAt);
  const message = envelopeMessage(
    toEventEnvelope({
      vendor: input.vendor,
      event: read.value,
      identity,
      receivedAt: input.receivedAt,
      requestId: input.requestId,
      ...(input.signedBy ? { signedBy: input.signedBy } : {}),
    }),
    identity.canonicalPayload,
  );
  if (queueMessageBytes(message) > SQS_MAX_MESSAGE_BYTES) {
    return { ok: false, reason: 'too_large', limitBytes: SQS_MAX_MESSAGE_BYTES };
  }
  return { ok: true, message, identity, dropped: read.value.dropped ?? [] };
};
