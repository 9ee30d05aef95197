import type { SignedBy } from '../auth/auth-result';
import {
  type QueueMessage,
  queueMessageBytes,
  SQS_MAX_MESSAGE_BYTES,
} from '../queue/sqs-event-queue';
import { toEventEnvelope } from '../queue/to-event-envelope';
import type { DroppedField, ValidationIssue } from '../validation/validation-issue';
import type { Vendor } from '../vendors/vendor';
import type {
  EventIdentity,
  VendorDefinition,
  VendorDelivery,
  VendorEvent,
} from '../vendors/vendor-definition';
import { envelopeMessage } from './envelope-message';

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
  );
  if (queueMessageBytes(message) > SQS_MAX_MESSAGE_BYTES) {
    return { ok: false, reason: 'too_large', limitBytes: SQS_MAX_MESSAGE_BYTES };
  }
  return { ok: true, message, identity, dropped: read.value.dropped ?? [] };
};
