import { envelopeJson, envelopeMessage } from '../../../shared/queue/event-message';
import { canonicalJsonOnce, contentDigest } from '../../../shared/json/json-value';
import { EVENT_ENVELOPE_VERSION, type EventEnvelope } from '../../../shared/queue/event-envelope';

const envelopeWith = (payload: unknown): EventEnvelope => ({
  version: EVENT_ENVELOPE_VERSION,
  vendor: 'spyne',
  eventType: 'sku.v2',
  eventId: 'spyne:p:s:0123456789abcdef',
  eventTime: '2026-01-02T03:04:05.000Z',
  receivedAt: '2026-01-02T03:04:05.000Z',
  requestId: 'req-1',
  supported: true,
  payload,
});

describe('envelopeJson', () => {
  it('reads back as the same envelope', () => {
    // Prepare
    const envelope = envelopeWith({ sku_id: 's', image_data: [{ image_id: 'i "1"' }] });

    // Act
    const json = envelopeJson(envelope);

    // Assess
    expect(JSON.parse(json)).toEqual(envelope);
  });

  it('reuses the canonical payload text the eventId digest already wrote', () => {
    // Prepare
    const payload = { sku_id: 's', project_id: 'p' };
    contentDigest(payload);

    // Act
    const json = envelopeJson(envelopeWith(payload));

    // Assess
    expect(json.endsWith(`,"payload":${canonicalJsonOnce(payload)}}`)).toBe(true);
    expect(json).toContain('"payload":{"project_id":"p","sku_id":"s"}');
  });

  it('sends the envelope text as the message body, ids as attributes', () => {
    // Prepare
    const envelope = envelopeWith({ a: '\uffff' });

    // Act
    const message = envelopeMessage(envelope);

    // Assess
    expect(JSON.parse(message.body)).toEqual(envelope);
    expect(message.body).not.toContain('\uffff');
    expect(message.attributes).toEqual({
      vendor: 'spyne',
      eventType: 'sku.v2',
      eventId: 'spyne:p:s:0123456789abcdef',
    });
  });
});
