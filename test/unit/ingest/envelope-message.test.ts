import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import * as v from 'valibot';
import {
  envelopeJson,
  envelopeMessage,
  EVENT_ENVELOPE_VERSION,
  type EventEnvelope,
  EventEnvelopeSchema,
  MAX_INFLATED_PAYLOAD_BYTES,
  queueableEnvelopeMessage,
  queueMessageBytes,
  SQS_MAX_MESSAGE_BYTES,
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

describe('queueableEnvelopeMessage', () => {
  const imagesOf = (count: number, name: (index: number) => string) => ({
    sku_id: 's',
    image_data: Array.from({ length: count }, (_, index) => ({
      image_id: `img-${index}`,
      image_name: name(index),
    })),
  });

  it('sends the plain message while it fits', () => {
    // Prepare
    const envelope = envelopeWith(imagesOf(10, (index) => `front-${index}.jpg`));

    // Act
    const message = queueableEnvelopeMessage(envelope);

    // Assess
    expect(message).toEqual(envelopeMessage(envelope));
  });

  it('compresses the payload of a message past the limit, and the schema reads it back whole', () => {
    // Prepare: 1.2 MB of payload, as webhook JSON repeats itself
    const payload = imagesOf(
      4000,
      (index) => `dealer/sku/${index}/exterior-front-left-${'x'.repeat(240)}.jpg`,
    );
    const envelope = envelopeWith(payload);
    expect(queueMessageBytes(envelopeMessage(envelope))).toBeGreaterThan(SQS_MAX_MESSAGE_BYTES);

    // Act
    const message = queueableEnvelopeMessage(envelope);

    // Assess
    expect(message).toBeDefined();
    expect(queueMessageBytes(message ?? { body: '', attributes: {} })).toBeLessThanOrEqual(
      SQS_MAX_MESSAGE_BYTES,
    );
    const body = JSON.parse(message?.body ?? 'null') as Record<string, unknown>;
    expect(body).not.toHaveProperty('payload');
    expect(v.parse(EventEnvelopeSchema, body)).toEqual(envelope);
    expect(message?.attributes).toEqual(envelopeMessage(envelope).attributes);
  });

  it('gives nothing for a payload that does not fit even compressed', () => {
    // Prepare: 2.4 MB of random hex, which gzip leaves at more than half its size
    const envelope = envelopeWith(imagesOf(1200, () => randomBytes(1000).toString('hex')));

    // Act
    const message = queueableEnvelopeMessage(envelope);

    // Assess
    expect(message === undefined).toBe(true);
  });
});

describe('EventEnvelopeSchema', () => {
  const { payload: _payload, ...head } = envelopeWith(null);
  const gzipBase64 = (text: string): string => gzipSync(text).toString('base64');

  it('reads `payloadGzip` as the payload it holds', () => {
    // Prepare
    const body = { ...head, payloadGzip: gzipBase64('{"sku_id":"s"}') };

    // Act
    const parsed = v.safeParse(EventEnvelopeSchema, body);

    // Assess
    expect(parsed.success && parsed.output).toEqual({ ...head, payload: { sku_id: 's' } });
  });

  it.each([
    ['neither payload nor payloadGzip', head, []],
    ['both', { ...head, payload: {}, payloadGzip: gzipBase64('{}') }, []],
    ['payloadGzip that is not gzip', { ...head, payloadGzip: 'bm90IGd6aXA=' }, ['payloadGzip']],
    ['payloadGzip that is not JSON', { ...head, payloadGzip: gzipBase64('{') }, ['payloadGzip']],
    ['payloadGzip that is not base64', { ...head, payloadGzip: '***' }, ['payloadGzip']],
    [
      'payloadGzip inflating past the cap',
      {
        ...head,
        payloadGzip: gzipSync(Buffer.alloc(MAX_INFLATED_PAYLOAD_BYTES + 1, 0x20)).toString(
          'base64',
        ),
      },
      ['payloadGzip'],
    ],
  ])('refuses an envelope with %s', (_name, body, paths) => {
    // Act
    const parsed = v.safeParse(EventEnvelopeSchema, body);

    // Assess
    expect(parsed.success).toBe(false);
    const issuePaths = parsed.issues?.map((issue) => v.getDotPath(issue)).filter(Boolean) ?? [];
    expect(issuePaths).toEqual(paths);
  });
});
