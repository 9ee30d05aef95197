import { ENVELOPE_ATTRIBUTES, type EventEnvelope } from '../queue/event-envelope';
import { type QueueMessage, toQueueMessage } from '../queue/sqs-event-queue';

/**
 * The queue message for an accepted event: the envelope as JSON, with vendor, event type and
 * `eventId` repeated as message attributes so redrive and inspection tools can filter without
 * parsing bodies.
 */
export const envelopeMessage = (envelope: EventEnvelope): QueueMessage =>
  toQueueMessage(envelope, {
    [ENVELOPE_ATTRIBUTES.vendor]: envelope.vendor,
    [ENVELOPE_ATTRIBUTES.eventType]: envelope.eventType,
    [ENVELOPE_ATTRIBUTES.eventId]: envelope.eventId,
  });
