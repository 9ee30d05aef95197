import { jsonOfValue } from '../json/json-value';
import { ENVELOPE_ATTRIBUTES, type EventEnvelope } from '../queue/event-envelope';
import { jsonQueueMessage, type QueueMessage } from '../queue/sqs-event-queue';

/**
 * The envelope as JSON. The payload is the larger part by far, and vendors whose `eventId` digests
 * it have already written its canonical JSON, so that text is spliced in rather
 * than the payload serialized a second time; any JSON reader sees the same envelope.
 */
export const envelopeJson = (envelope: EventEnvelope): string => {
  const { payload, ...head } = envelope;
  return `${JSON.stringify(head).slice(0, -1)},"payload":${jsonOfValue(payload)}}`;
};

/**
 * The queue message for an accepted event: the envelope as JSON, with vendor, event type and
 * `eventId` repeated as message attributes so redrive and inspection tools can filter without
 * parsing bodies.
 */
export const envelopeMessage = (envelope: EventEnvelope): QueueMessage =>
  jsonQueueMessage(envelopeJson(envelope), {
    [ENVELOPE_ATTRIBUTES.vendor]: envelope.vendor,
    [ENVELOPE_ATTRIBUTES.eventType]: envelope.eventType,
    [ENVELOPE_ATTRIBUTES.eventId]: envelope.eventId,
  });
