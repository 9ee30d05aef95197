import * as v from 'valibot';
import { randomBytes } from 'node:crypto';
import {
  EventEnvelopeSchema,
  queueMessageBytes,
  SQS_MAX_MESSAGE_BYTES,
} from '../../../shared/queue/event-queue';
import { loadBody } from '../../support/vendor-bodies';
import { RECEIVED_AT } from './support/api-gateway-event';
import { ingestHarness } from './support/ingest-harness';
import { signJwt, spyneClaims } from './support/spyne-jwt';
import {
  fixedSecrets,
  SPYNE_SECRET_CURRENT,
  SPYNE_SECRET_NEXT,
  TEST_SECRETS,
} from './support/test-secrets';

const JSON_HEADERS = { 'content-type': 'application/json' };

type SpyneBody = Record<string, unknown> & { project_id: string; sku_id: string };

const sampleV2 = (): SpyneBody => loadBody('spyne', 'v2-sample-a') as SpyneBody;

/** The v2 sample with a valid signature over its ids. */
const signedV2 = (
  secret = SPYNE_SECRET_CURRENT,
  claims: Record<string, unknown> = {},
): SpyneBody & { signature: string } => {
  const body = sampleV2();
  const signature = signJwt(
    { ...spyneClaims(body.project_id, body.sku_id, RECEIVED_AT), ...claims },
    secret,
  );
  return { ...body, signature };
};

const V1_QUERY = `token=${TEST_SECRETS.SPYNE_URL_TOKEN}`;

/** Printable ASCII that JSON writes as itself (no quote, no backslash) and no address sign. */
const NOISE_ALPHABET = Array.from({ length: 94 }, (_, index) =>
  String.fromCharCode(0x21 + index),
).filter((char) => !'"\\@'.includes(char));

const noise = (length: number): string =>
  Array.from(randomBytes(length), (byte) => NOISE_ALPHABET[byte % NOISE_ALPHABET.length]).join('');

/**
 * The v2 sample as a SKU of `count` images grown to exactly `bytes`: `fill` writes each image's
 * padding fields from a number of ASCII characters it adds (0 for the bare fields); the images share the room, the last takes the rest.
 */
const skuOfBytes = (
  bytes: number,
  count: number,
  fill: (index: number, length: number) => Record<string, unknown>,
): string => {
  const body = sampleV2();
  const [image] = Array.isArray(body.image_data) ? body.image_data : [];
  const withLengths = (lengths: readonly number[]): string =>
    JSON.stringify({
      ...body,
      image_data: lengths.map((length, index) => ({
        ...image,
        image_id: `img-${index}`,
        ...fill(index, length),
      })),
    });
  const room = bytes - Buffer.byteLength(withLengths(Array.from({ length: count }, () => 0)));
  const each = Math.floor(room / count);
  return withLengths(
    Array.from({ length: count }, (_, index) =>
      index === count - 1 ? room - each * (count - 1) : each,
    ),
  );
};

describe('POST /webhooks/spyne: accepted', () => {
  it('enqueues a signed v2 body and answers 200 accepted with its eventId', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('spyne');

    // Act
    const answer = await deliver({ body: signedV2(), headers: JSON_HEADERS });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'accepted',
      eventId: expect.stringMatching(/^spyne:88db42a7:523a07fa:[0-9a-f]{16}$/),
    });
    expect(eventQueue.messages).toHaveLength(1);
    const [envelope] = eventQueue.bodies();
    expect(v.safeParse(EventEnvelopeSchema, envelope).success).toBe(true);
    expect(envelope).toMatchObject({
      version: 1,
      vendor: 'spyne',
      eventType: 'sku.v2',
      eventId: answer.body.eventId,
      eventTime: RECEIVED_AT.toISOString(),
      receivedAt: RECEIVED_AT.toISOString(),
      requestId: 'Jq9yXhKpIAMEVjQ=',
      supported: true,
      payload: { project_id: '88db42a7', sku_id: '523a07fa' },
    });
    expect(JSON.stringify(envelope)).not.toContain('signature');
    expect(eventQueue.messages[0]?.attributes).toEqual({
      vendor: 'spyne',
      eventType: 'sku.v2',
      eventId: answer.body.eventId,
    });
  });

  it('accepts a signature made with the second value of the rotation list', async () => {
    // Prepare
    const { deliver } = ingestHarness('spyne');

    // Act
    const answer = await deliver({ body: signedV2(SPYNE_SECRET_NEXT), headers: JSON_HEADERS });

    // Assess
    expect(answer.status).toBe(200);
  });

  it('accepts an unsigned v1 body with the URL token', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('spyne');

    // Act
    const answer = await deliver({
      body: loadBody('spyne', 'v1-sample'),
      headers: JSON_HEADERS,
      rawQueryString: V1_QUERY,
    });

    // Assess
    expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(eventQueue.bodies()[0]).toMatchObject({
      eventType: 'sku.v1',
      eventTime: '2021-09-14T09:49:26.000Z',
    });
  });

  it('names the signature on the envelope by a digest, never the signature itself', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('spyne');
    const body = signedV2();

    // Act
    await deliver({ body, headers: JSON_HEADERS });
    await deliver({ body: signedV2(SPYNE_SECRET_NEXT), headers: JSON_HEADERS });

    // Assess
    const [first, second] = eventQueue.bodies() as Array<{ signedBy?: { digest: string } }>;
    expect(first?.signedBy).toEqual({
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      expiresAt: expect.any(String),
    });
    expect(second?.signedBy?.digest).not.toBe(first?.signedBy?.digest);
    const [, , signaturePart = ''] = body.signature.split('.');
    expect(JSON.stringify(first)).not.toContain(signaturePart);
  });

  it('reads "signature": null as no signature and accepts the URL token', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('spyne');

    // Act
    const answer = await deliver({
      body: { ...sampleV2(), signature: null },
      headers: JSON_HEADERS,
      rawQueryString: V1_QUERY,
    });

    // Assess
    expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(eventQueue.bodies()[0]).not.toHaveProperty('signedBy');
  });

  it('refuses "signature": null without the URL token', async () => {
    // Prepare
    const { deliver } = ingestHarness('spyne');

    // Act
    const answer = await deliver({
      body: { ...sampleV2(), signature: null },
      headers: JSON_HEADERS,
    });

    // Assess
    expect(answer.status).toBe(401);
  });

  it('answers a repeat delivery (re-signed) 200 accepted with the same eventId', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('spyne');
    const first = await deliver({ body: signedV2(), headers: JSON_HEADERS });

    // Act
    const repeat = await deliver({
      body: signedV2(SPYNE_SECRET_NEXT, { iat: Math.floor(RECEIVED_AT.getTime() / 1000) - 10 }),
      headers: JSON_HEADERS,
    });

    // Assess
    expect(repeat).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(repeat.body.eventId).toBe(first.body.eventId);
    expect(eventQueue.messages).toHaveLength(2);
  });

  it.each([
    ['application/json; charset=utf-8'],
    ['Application/JSON'],
    ['application/vnd.spyne.webhook+json'],
  ])('takes content type %p as JSON', async (contentType) => {
    // Prepare
    const { deliver } = ingestHarness('spyne');

    // Act
    const answer = await deliver({ body: signedV2(), headers: { 'content-type': contentType } });

    // Assess
    expect(answer.status).toBe(200);
  });

  it('reads a missing content-type header as JSON', async () => {
    // Prepare
    const { deliver } = ingestHarness('spyne');

    // Act
    const answer = await deliver({ body: signedV2() });

    // Assess
    expect(answer.status).toBe(200);
  });

  it('decodes a base64-encoded body before reading it', async () => {
    // Prepare
    const { deliver } = ingestHarness('spyne');
    const encoded = Buffer.from(JSON.stringify(signedV2())).toString('base64');

    // Act
    const answer = await deliver({ body: encoded, isBase64Encoded: true, headers: JSON_HEADERS });

    // Assess
    expect(answer.status).toBe(200);
  });
});

describe('POST /webhooks/spyne: JWT attacks answer 401 and enqueue nothing', () => {
  const nowSeconds = Math.floor(RECEIVED_AT.getTime() / 1000);
  const withSignature = (signature: unknown) => ({ ...sampleV2(), signature });
  const claimsFor = (overrides: Record<string, unknown> = {}) => ({
    ...spyneClaims('88db42a7', '523a07fa', RECEIVED_AT),
    ...overrides,
  });

  it.each([
    ['a wrong secret', () => withSignature(signJwt(claimsFor(), 'leaked-old-secret'))],
    ['alg none', () => withSignature(signJwt(claimsFor(), SPYNE_SECRET_CURRENT, { alg: 'none' }))],
    [
      'alg HS512',
      () => withSignature(signJwt(claimsFor(), SPYNE_SECRET_CURRENT, { alg: 'HS512' })),
    ],
    [
      'alg RS256',
      () => withSignature(signJwt(claimsFor(), SPYNE_SECRET_CURRENT, { alg: 'RS256' })),
    ],
    [
      'an expired token',
      () => withSignature(signJwt(claimsFor({ exp: nowSeconds - 120 }), SPYNE_SECRET_CURRENT)),
    ],
    [
      'a token without exp',
      () =>
        withSignature(
          signJwt({ project_id: '88db42a7', sku_id: '523a07fa' }, SPYNE_SECRET_CURRENT),
        ),
    ],
    [
      'nbf in the future',
      () => withSignature(signJwt(claimsFor({ nbf: nowSeconds + 600 }), SPYNE_SECRET_CURRENT)),
    ],
    [
      'iat in the future',
      () => withSignature(signJwt(claimsFor({ iat: nowSeconds + 600 }), SPYNE_SECRET_CURRENT)),
    ],
    [
      'a project_id claim for another project',
      () => withSignature(signJwt(claimsFor({ project_id: 'ffff0000' }), SPYNE_SECRET_CURRENT)),
    ],
    [
      'a sku_id claim for another SKU',
      () => withSignature(signJwt(claimsFor({ sku_id: 'ffff0000' }), SPYNE_SECRET_CURRENT)),
    ],
    [
      'no id claims at all',
      () => withSignature(signJwt({ iat: nowSeconds, exp: nowSeconds + 60 }, SPYNE_SECRET_CURRENT)),
    ],
    ['body ids changed after signing', () => ({ ...signedV2(), sku_id: 'a0a0a0a0' })],
    ['a garbled token', () => withSignature('eyJhbGciOiJIUzI1NiJ9.garbled%%.zzz')],
    ['an empty signature', () => withSignature('')],
    ['a null signature', () => withSignature(null)],
    ['a numeric signature', () => withSignature(12345)],
    ['an object signature', () => withSignature({ alg: 'HS256' })],
  ])('refuses %s', async (_label, body) => {
    // Prepare
    const { deliver, eventQueue, quarantineQueue } = ingestHarness('spyne');

    // Act
    const answer = await deliver({ body: body(), headers: JSON_HEADERS });

    // Assess
    expect(answer).toEqual({
      status: 401,
      body: { error: 'unauthorized' },
      headers: expect.anything(),
    });
    expect(eventQueue.messages).toHaveLength(0);
    expect(quarantineQueue.messages).toHaveLength(0);
  });

  it('does not fall back to the URL token when a present signature fails', async () => {
    // Prepare
    const { deliver } = ingestHarness('spyne');

    // Act
    const answer = await deliver({
      body: withSignature(signJwt(claimsFor(), 'wrong-secret')),
      headers: JSON_HEADERS,
      rawQueryString: V1_QUERY,
    });

    // Assess
    expect(answer.status).toBe(401);
  });

  it('never accepts a token signed with an empty rotation element', async () => {
    // Prepare
    const secrets = fixedSecrets({
      ...TEST_SECRETS,
      SPYNE_SIGNING_SECRET: `${SPYNE_SECRET_CURRENT},, `,
    });
    const { deliver } = ingestHarness('spyne', { secrets });

    // Act
    const answer = await deliver({
      body: withSignature(signJwt(claimsFor(), '')),
      headers: JSON_HEADERS,
    });

    // Assess
    expect(answer.status).toBe(401);
  });
});

describe('POST /webhooks/spyne: unsigned payloads', () => {
  it.each([
    ['no token', ''],
    ['a wrong token', 'token=guessed'],
    ['an empty token', 'token='],
    ['a right token and a wrong one', `${V1_QUERY}&token=guessed`],
  ])('refuses a v1 body with %s', async (_label, rawQueryString) => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('spyne');

    // Act
    const answer = await deliver({
      body: loadBody('spyne', 'v1-sample'),
      headers: JSON_HEADERS,
      rawQueryString,
    });

    // Assess
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'unauthorized' });
    expect(eventQueue.messages).toHaveLength(0);
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
  ])('refuses unsigned payloads when SPYNE_URL_TOKEN is %s', async (_label, urlToken) => {
    // Prepare
    const secrets = fixedSecrets({ ...TEST_SECRETS, SPYNE_URL_TOKEN: urlToken });
    const { deliver } = ingestHarness('spyne', { secrets });

    // Act
    const answer = await deliver({
      body: loadBody('spyne', 'v1-sample'),
      headers: JSON_HEADERS,
      rawQueryString: 'token=',
    });

    // Assess
    expect(answer.status).toBe(401);
  });
});

describe('POST /webhooks/spyne: rejections', () => {
  it('answers 400 malformed_body for a body that is not JSON, without authenticating or storing it', async () => {
    // Prepare
    const { deliver, quarantineQueue, secrets } = ingestHarness('spyne');

    // Act
    const answer = await deliver({ body: '{"project_id": "88db42a7",', headers: JSON_HEADERS });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'malformed_body', message: 'body is not valid JSON' });
    expect(quarantineQueue.messages).toHaveLength(0);
    expect(secrets.calls).toBe(0);
  });

  it('answers 400 malformed_body for a body that is not UTF-8', async () => {
    // Prepare
    const { deliver } = ingestHarness('spyne');
    const latin1 = Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]).toString('base64');

    // Act
    const answer = await deliver({ body: latin1, isBase64Encoded: true, headers: JSON_HEADERS });

    // Assess
    expect(answer.body).toEqual({ error: 'malformed_body', message: 'body is not valid UTF-8' });
  });

  it('answers 400 invalid_payload with dotted paths and quarantines the signed body without its signature', async () => {
    // Prepare
    const { deliver, eventQueue, quarantineQueue } = ingestHarness('spyne');
    const body = signedV2();
    const images = body.image_data as Array<Record<string, unknown>>;
    const broken = { ...body, image_data: [{ ...images[0], image_id: undefined }, images[1]] };

    // Act
    const answer = await deliver({
      body: broken,
      headers: { ...JSON_HEADERS, authorization: 'Bearer abc', cookie: 'session=1' },
      rawQueryString: 'source=push&token=spyne-url-token-5c2e81',
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: 'invalid_payload',
      message: expect.any(String),
      issues: [{ path: 'image_data.0.image_id', message: expect.any(String) }],
    });
    expect(eventQueue.messages).toHaveLength(0);
    expect(quarantineQueue.messages).toHaveLength(1);
    const [record] = quarantineQueue.bodies() as Array<Record<string, unknown>>;
    expect(record).toMatchObject({
      reason: 'invalid_payload',
      vendor: 'spyne',
      queryString: 'source=push',
      issues: [{ path: 'image_data.0.image_id' }],
    });
    const stored = JSON.stringify(record);
    expect(stored).not.toContain(body.signature);
    expect(stored).not.toContain('signature');
    expect(stored).not.toContain('Bearer abc');
    expect(stored).not.toContain('session=1');
    expect(stored).not.toContain('spyne-url-token');
  });

  it('reports at most 10 issues', async () => {
    // Prepare
    const { deliver } = ingestHarness('spyne');
    const body = signedV2();
    const images = Array.from({ length: 25 }, (_, index) => ({ image_name: `frame-${index}` }));

    // Act
    const answer = await deliver({ body: { ...body, image_data: images }, headers: JSON_HEADERS });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toHaveLength(10);
  });

  it('sends a JSON value that is not an object to the schema (400 invalid_payload, path "")', async () => {
    // Prepare
    const { deliver } = ingestHarness('spyne');

    // Act
    const answer = await deliver({
      body: '[1,2,3]',
      headers: JSON_HEADERS,
      rawQueryString: V1_QUERY,
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_payload', issues: [{ path: '' }] });
  });

  it('answers 401, not 400, for an invalid body without credentials, and stores nothing', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('spyne');

    // Act
    const answer = await deliver({ body: { image_data: 'nope' }, headers: JSON_HEADERS });

    // Assess
    expect(answer).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(quarantineQueue.messages).toHaveLength(0);
  });

  it('answers 413 with the limit for a body over MAX_BODY_BYTES, before anything else', async () => {
    // Prepare
    const { deliver, secrets } = ingestHarness('spyne', { maxBodyBytes: 1024 });

    // Act
    const answer = await deliver({
      body: 'x'.repeat(1025),
      headers: { 'content-type': 'text/plain' },
    });

    // Assess
    expect(answer).toMatchObject({
      status: 413,
      body: { error: 'payload_too_large', limitBytes: 1024 },
    });
    expect(secrets.calls).toBe(0);
  });

  it('counts decoded bytes, not base64 text, against the limit', async () => {
    // Prepare
    const bodyText = JSON.stringify(signedV2());
    const limit = Buffer.byteLength(bodyText);
    const { deliver } = ingestHarness('spyne', { maxBodyBytes: limit });
    const encoded = Buffer.from(bodyText).toString('base64');

    // Act
    const answer = await deliver({ body: encoded, isBase64Encoded: true, headers: JSON_HEADERS });

    // Assess
    expect(encoded.length).toBeGreaterThan(limit);
    expect(answer.status).toBe(200);
  });

  it('answers 413 one byte over the limit, and accepts exactly the limit', async () => {
    // Prepare
    const bodyText = JSON.stringify(signedV2());
    const limit = Buffer.byteLength(bodyText);
    const { deliver } = ingestHarness('spyne', { maxBodyBytes: limit });

    // Act
    const atLimit = await deliver({ body: bodyText, headers: JSON_HEADERS });
    const overLimit = await deliver({ body: `${bodyText} `, headers: JSON_HEADERS });

    // Assess
    expect(atLimit.status).toBe(200);
    expect(overLimit).toMatchObject({ status: 413, body: { limitBytes: limit } });
  });

  it('accepts a body of exactly 1 MiB, queued with its payload compressed and read back whole', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('spyne');
    const images = 1000;
    const body = skuOfBytes(SQS_MAX_MESSAGE_BYTES, images, (index, length) => ({
      image_name: `https://cdn.example.com/dealer/sku-${index}/front-left.jpg${'#'.repeat(length)}`,
    }));

    // Act
    const answer = await deliver({ body, headers: JSON_HEADERS, rawQueryString: V1_QUERY });

    // Assess
    expect(Buffer.byteLength(body)).toBe(SQS_MAX_MESSAGE_BYTES);
    expect(answer.status).toBe(200);
    const [message] = eventQueue.messages;
    expect(queueMessageBytes(message ?? { body: '', attributes: {} })).toBeLessThanOrEqual(
      SQS_MAX_MESSAGE_BYTES,
    );
    const [queued] = eventQueue.bodies();
    expect(queued).toHaveProperty('payloadGzip');
    expect(queued).not.toHaveProperty('payload');
    const envelope = v.parse(EventEnvelopeSchema, queued);
    expect(envelope.payload).toMatchObject({ image_data: expect.any(Array) });
    const queuedImages = (envelope.payload as { image_data: unknown[] }).image_data;
    expect(queuedImages).toHaveLength(images);
    expect(queuedImages.at(-1)).toEqual(
      (JSON.parse(body) as { image_data: unknown[] }).image_data.at(-1),
    );
  });

  it('answers 413 when the message would exceed the SQS maximum even compressed', async () => {
    // Prepare: random printable text, kept whole in each image's metadata (at most 64 KB
    // each), compresses to more than 3/4 of itself, and base64 grows it by 4/3 again.
    const { deliver, eventQueue } = ingestHarness('spyne');
    const body = skuOfBytes(SQS_MAX_MESSAGE_BYTES, 17, (_index, length) => ({
      image_meta_data: { render: noise(length) },
    }));

    // Act
    const answer = await deliver({ body, headers: JSON_HEADERS, rawQueryString: V1_QUERY });

    // Assess
    expect(Buffer.byteLength(body)).toBe(SQS_MAX_MESSAGE_BYTES);
    expect(answer).toMatchObject({
      status: 413,
      body: { error: 'payload_too_large', limitBytes: SQS_MAX_MESSAGE_BYTES },
    });
    expect(eventQueue.messages).toHaveLength(0);
  });

  it.each([
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=xyz'],
    ['application/jsonp'],
  ])('answers 415 for content type %p', async (contentType) => {
    // Prepare
    const { deliver } = ingestHarness('spyne');

    // Act
    const answer = await deliver({ body: signedV2(), headers: { 'content-type': contentType } });

    // Assess
    expect(answer).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
  });

  it('answers 503 with Retry-After when the queue fails, never 2xx', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('spyne');
    eventQueue.failWith = new Error('queue down');

    // Act
    const answer = await deliver({ body: signedV2(), headers: JSON_HEADERS });

    // Assess
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: 'temporarily_unavailable' });
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('answers every response as JSON', async () => {
    // Prepare
    const { deliver } = ingestHarness('spyne');

    // Act
    const answer = await deliver({ body: 'nope', headers: { 'content-type': 'text/plain' } });

    // Assess
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});
