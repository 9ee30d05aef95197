import {
  envelopeJson,
  envelopeMessage,
  EVENT_ENVELOPE_VERSION,
  type EventEnvelope,
} from '../../../shared/queue/event-queue';
import fc from 'fast-check';
import { canonicalJson, contentDigestOf } from '../../../shared/json/json-value';

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

  it('splices in the canonical payload text the eventId digest wrote', () => {
    // Prepare
    const payload = { sku_id: 's', project_id: 'p' };
    const { canonical } = contentDigestOf(payload);

    // Act
    const json = envelopeJson(envelopeWith(payload), canonical);

    // Assess
    expect(json.endsWith(`,"payload":${canonical}}`)).toBe(true);
    expect(json).toContain('"payload":{"project_id":"p","sku_id":"s"}');
  });

  it('falls back to plain JSON for a payload whose canonical form was not written', () => {
    // Prepare
    const payload = { b: 1, a: 2 };

    // Act
    const written = envelopeJson(envelopeWith(payload));
    const absent = envelopeJson(envelopeWith(undefined));

    // Assess
    expect(written.endsWith(',"payload":{"b":1,"a":2}}')).toBe(true);
    expect(absent.endsWith(',"payload":null}')).toBe(true);
  });

  it('gives every payload text that parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, digested) => {
        // Prepare
        const canonical = digested ? canonicalJson(value) : undefined;

        // Act
        const written = envelopeJson(envelopeWith(value), canonical);

        // Assess
        const { payload } = JSON.parse(written) as { payload: unknown };
        expect(payload).toEqual(JSON.parse(JSON.stringify(value) ?? 'null'));
      }),
      { numRuns: 300 },
    );
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
