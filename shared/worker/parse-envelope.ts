import { type EventEnvelope, EventEnvelopeSchema } from '../queue/event-message';
import { validate } from '../validation/validation-issue';
import { InvalidEnvelopeError, issuePathsOf } from './worker-errors';

/**
 * Reads one SQS message body as an `EventEnvelope`. The queue is a trust boundary like any other
 * (a manual send, a redrive of an old shape), so the body is parsed and validated, never cast.
 * Throws `InvalidEnvelopeError` naming only the failing paths.
 */
export const parseEnvelope = (messageId: string, body: string): EventEnvelope => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidEnvelopeError(messageId, []);
  }
  const envelope = validate(EventEnvelopeSchema, json);
  if (!envelope.ok) {
    throw new InvalidEnvelopeError(messageId, issuePathsOf(envelope.issues));
  }
  return envelope.value;
};
