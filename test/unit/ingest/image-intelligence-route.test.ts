import { bodyNames, loadBody } from '../../support/vendor-bodies';
import { apiGatewayEvent } from './support/api-gateway-event';
import { ingestHarness } from './support/ingest-harness';
import { TEST_SECRETS } from './support/test-secrets';

const TOKEN_QUERY = `token=${TEST_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`;
const JSON_HEADERS = { 'content-type': 'application/json' };

describe('POST /webhooks/image-intelligence: accepted', () => {
  it.each(bodyNames('image-intelligence'))('enqueues %s and answers 200 accepted', async (name) => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('image-intelligence');
    const body = loadBody('image-intelligence', name) as { id: string; status: string };

    // Act
    const answer = await deliver({ body, headers: JSON_HEADERS, rawQueryString: TOKEN_QUERY });

    // Assess
    expect(answer).toEqual({
      status: 200,
      body: { status: 'accepted', eventId: `image-intelligence:${body.id}:${body.status}` },
      headers: expect.anything(),
    });
    expect(eventQueue.messages).toHaveLength(1);
  });

  it('answers every retry of a job result 200 accepted with the same eventId', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('image-intelligence');
    const body = loadBody('image-intelligence', 'detect--completed');
    const first = await deliver({ body, headers: JSON_HEADERS, rawQueryString: TOKEN_QUERY });

    // Act
    const retries = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      retries.push(await deliver({ body, headers: JSON_HEADERS, rawQueryString: TOKEN_QUERY }));
    }

    // Assess
    expect(retries.map((retry) => retry.body)).toEqual(Array(5).fill(first.body));
    expect(eventQueue.messages).toHaveLength(6);
  });

  it('takes the token among other query parameters', async () => {
    // Prepare
    const { deliver } = ingestHarness('image-intelligence');

    // Act
    const answer = await deliver({
      body: loadBody('image-intelligence', 'detect--completed'),
      rawQueryString: `feed=Camera_123456&${TOKEN_QUERY}`,
    });

    // Assess
    expect(answer.status).toBe(200);
  });
});

describe('POST /webhooks/image-intelligence: authentication', () => {
  it.each([
    ['no token', ''],
    ['an empty token', 'token='],
    ['a wrong token', 'token=ii-token-4e7b1e'],
    ['the token twice, once wrong', `${TOKEN_QUERY}&token=x`],
    ['the token in another parameter', `key=${TEST_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`],
  ])('answers 401 for %s and stores nothing', async (_label, rawQueryString) => {
    // Prepare
    const { deliver, eventQueue, quarantineQueue } = ingestHarness('image-intelligence');

    // Act
    const answer = await deliver({
      body: loadBody('image-intelligence', 'detect--completed'),
      headers: JSON_HEADERS,
      rawQueryString,
    });

    // Assess
    expect(answer).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(eventQueue.messages).toHaveLength(0);
    expect(quarantineQueue.messages).toHaveLength(0);
  });

  it('reads the token from rawQueryString, not the folded queryStringParameters', async () => {
    // Prepare
    const { handler } = ingestHarness('image-intelligence');
    const event = apiGatewayEvent({
      path: '/webhooks/image-intelligence',
      body: loadBody('image-intelligence', 'detect--completed'),
      rawQueryString: 'token=wrong',
    });
    event.queryStringParameters = { token: TEST_SECRETS.IMAGE_INTELLIGENCE_TOKEN };

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(401);
  });

  it('authenticates before parsing: a bad body without the token gets 401', async () => {
    // Prepare
    const { deliver } = ingestHarness('image-intelligence');

    // Act
    const answer = await deliver({ body: '<xml/>', headers: JSON_HEADERS });

    // Assess
    expect(answer.status).toBe(401);
  });
});

describe('POST /webhooks/image-intelligence: rejections', () => {
  it('answers 400 malformed_body and quarantines the exact bytes, base64 when not UTF-8', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('image-intelligence');
    const bytes = Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0xff, 0xfe, 0x7d]);

    // Act
    const answer = await deliver({
      body: bytes.toString('base64'),
      isBase64Encoded: true,
      headers: JSON_HEADERS,
      rawQueryString: `${TOKEN_QUERY}&job=42`,
    });

    // Assess
    expect(answer).toMatchObject({
      status: 400,
      body: { error: 'malformed_body', message: 'body is not valid UTF-8' },
    });
    const record = JSON.parse(quarantineQueue.messages[0]?.body ?? '{}');
    expect(record).toMatchObject({
      vendor: 'image-intelligence',
      reason: 'malformed_body',
      body: { encoding: 'base64', data: bytes.toString('base64') },
      queryString: 'job=42',
      bodyBytes: bytes.length,
    });
    expect(quarantineQueue.messages[0]?.body).not.toContain(TEST_SECRETS.IMAGE_INTELLIGENCE_TOKEN);
  });

  it('answers 400 invalid_payload with dotted paths and quarantines the body as sent', async () => {
    // Prepare
    const { deliver, quarantineQueue, eventQueue } = ingestHarness('image-intelligence');
    const body = loadBody('image-intelligence', 'detect--completed') as Record<string, unknown>;
    const results = body.imageResults as Array<Record<string, unknown>>;
    const sent = JSON.stringify({ ...body, imageResults: [{ ...results[0], id: 17 }] }, null, 2);

    // Act
    const answer = await deliver({
      body: sent,
      headers: JSON_HEADERS,
      rawQueryString: TOKEN_QUERY,
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: 'invalid_payload',
      issues: [{ path: 'imageResults.0.id', message: expect.any(String) }],
    });
    expect(eventQueue.messages).toHaveLength(0);
    expect(JSON.parse(quarantineQueue.messages[0]?.body ?? '{}').body).toEqual({
      encoding: 'utf8',
      data: sent,
    });
  });

  it('answers a JSON value that is not an object 400 invalid_payload at path ""', async () => {
    // Prepare
    const { deliver } = ingestHarness('image-intelligence');

    // Act
    const answer = await deliver({
      body: '"done"',
      headers: JSON_HEADERS,
      rawQueryString: TOKEN_QUERY,
    });

    // Assess
    expect(answer).toMatchObject({
      status: 400,
      body: { error: 'invalid_payload', issues: [{ path: '' }] },
    });
  });

  it('keeps a too-deep body raw, since it has nothing to redact', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('image-intelligence');
    const depth = 200_000;
    const deep = `{"id":"job-1","nested":${'['.repeat(depth)}${']'.repeat(depth)}}`;

    // Act
    const answer = await deliver({
      body: deep,
      headers: JSON_HEADERS,
      rawQueryString: TOKEN_QUERY,
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(JSON.parse(quarantineQueue.messages[0]?.body ?? '{}').body).toEqual({
      encoding: 'utf8',
      data: deep,
    });
  });

  it('answers 413 for a body over the limit', async () => {
    // Prepare
    const { deliver } = ingestHarness('image-intelligence', { maxBodyBytes: 100 });

    // Act
    const answer = await deliver({
      body: loadBody('image-intelligence', 'detect--completed'),
      rawQueryString: TOKEN_QUERY,
    });

    // Assess
    expect(answer).toMatchObject({
      status: 413,
      body: { error: 'payload_too_large', limitBytes: 100 },
    });
  });

  it.each([['application/x-www-form-urlencoded'], ['text/json'], ['application/xml']])(
    'answers 415 for %p',
    async (contentType) => {
      // Prepare
      const { deliver } = ingestHarness('image-intelligence');

      // Act
      const answer = await deliver({
        body: loadBody('image-intelligence', 'detect--completed'),
        headers: { 'content-type': contentType },
        rawQueryString: TOKEN_QUERY,
      });

      // Assess
      expect(answer).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    },
  );

  it('answers 503 with Retry-After when the queue is down', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('image-intelligence');
    eventQueue.failWith = new Error('timeout');

    // Act
    const answer = await deliver({
      body: loadBody('image-intelligence', 'detect--completed'),
      rawQueryString: TOKEN_QUERY,
    });

    // Assess
    expect(answer).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(answer.headers['retry-after']).toBe('30');
  });
});
