import { createServer } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  type Gateway,
  type HealthReport,
  startGateway,
} from '../../../local/gateway/gateway-server';
import type { LambdaHandler } from '../../../local/lambda/invoke-handler';
import { freePort } from '../../../local/servers/free-port';
import { PortInUseError } from '../../../local/servers/port-check';
import type { FunctionName } from '../../../shared/http/routes';

/** A stand-in handler that records the events it gets and answers what the test says. */
const recorder = (answer: (event: APIGatewayProxyEventV2) => unknown) => {
  const events: APIGatewayProxyEventV2[] = [];
  const handler: LambdaHandler = async (event) => {
    const received = event as APIGatewayProxyEventV2;
    events.push(received);
    return answer(received);
  };
  return { events, handler };
};

const startTestGateway = async (
  handlers: Partial<Record<FunctionName, LambdaHandler>>,
  options: { ready?: boolean; timeoutMs?: number; maxBodyBytes?: number } = {},
): Promise<Gateway> => {
  const health = async (): Promise<HealthReport> =>
    options.ready === false
      ? { ready: false, body: { status: 'starting' } }
      : { ready: true, body: { status: 'ok' } };
  return startGateway({
    port: await freePort(),
    host: '127.0.0.1',
    portFlag: '--port',
    handlerFor: (name) => handlers[name],
    health,
    log: () => undefined,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
};

describe('the local HTTP gateway', () => {
  const gateways: Gateway[] = [];
  const track = (gateway: Gateway) => {
    gateways.push(gateway);
    return gateway;
  };

  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  });

  it('hands the handler the exact payload 2.0 event of the request', async () => {
    // Prepare
    const ingest = recorder(() => ({ statusCode: 200, body: '{}' }));
    const gateway = track(await startTestGateway({ 'ingest-sharinpix': ingest.handler }));

    // Act
    await fetch(`${gateway.url}/webhooks/sharinpix?b=2&a=1&a=3`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Sharinpix-Event': 'new_image',
        Cookie: 'session=abc; theme=dark',
      },
      body: '{"id":"1"}',
    });

    // Assess
    const [event] = ingest.events;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/sharinpix',
      rawPath: '/webhooks/sharinpix',
      rawQueryString: 'b=2&a=1&a=3',
      queryStringParameters: { a: '1,3', b: '2' },
      cookies: ['session=abc', 'theme=dark'],
      body: '{"id":"1"}',
      isBase64Encoded: false,
      requestContext: {
        http: {
          method: 'POST',
          path: '/webhooks/sharinpix',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
        },
        routeKey: 'POST /webhooks/sharinpix',
        stage: '$default',
      },
    });
    expect(event?.headers['content-type']).toBe('application/json');
    expect(event?.headers['x-sharinpix-event']).toBe('new_image');
    expect(event?.headers.cookie).toBeUndefined();
    expect(typeof event?.requestContext.requestId).toBe('string');
    expect(typeof event?.requestContext.timeEpoch).toBe('number');
  });

  it('base64-encodes a binary body and fills path parameters', async () => {
    // Prepare
    const ingest = recorder(() => ({
      statusCode: 415,
      body: '{"error":"unsupported_media_type"}',
    }));
    const read = recorder(() => ({ statusCode: 404, body: '{"error":"not_found"}' }));
    const gateway = track(
      await startTestGateway({ 'ingest-spyne': ingest.handler, read: read.handler }),
    );
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x10]);

    // Act
    const posted = await fetch(`${gateway.url}/webhooks/spyne`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: bytes,
    });
    const got = await fetch(`${gateway.url}/images/spyne/img%2F1`);

    // Assess
    expect(posted.status).toBe(415);
    expect(ingest.events[0]).toMatchObject({
      isBase64Encoded: true,
      body: bytes.toString('base64'),
    });
    expect(got.status).toBe(404);
    expect(read.events[0]).toMatchObject({
      routeKey: 'GET /images/{vendor}/{imageId}',
      pathParameters: { vendor: 'spyne', imageId: 'img/1' },
    });
  });

  it('maps the result back: status, headers, Set-Cookie lines and a base64 body as bytes', async () => {
    // Prepare
    const bytes = Buffer.from([1, 2, 3, 250]);
    const read = recorder(() => ({
      statusCode: 202,
      headers: { 'content-type': 'application/octet-stream', 'x-trace': 'abc' },
      cookies: ['a=1', 'b=2; Path=/'],
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    }));
    const gateway = track(await startTestGateway({ read: read.handler }));

    // Act
    const response = await fetch(`${gateway.url}/images?vendor=spyne&collection=c`);

    // Assess
    expect(response.status).toBe(202);
    expect(response.headers.get('x-trace')).toBe('abc');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2; Path=/']);
    expect(response.headers.get('apigw-requestid')).toBe(read.events[0]?.requestContext.requestId);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers unknown routes 404 {"error":"not_found"} without invoking anything', async () => {
    // Prepare
    const read = recorder(() => ({ statusCode: 200, body: '{}' }));
    const gateway = track(await startTestGateway({ read: read.handler }));

    // Act
    const responses = await Promise.all([
      fetch(`${gateway.url}/nope`),
      fetch(`${gateway.url}/webhooks/spyne`),
      fetch(`${gateway.url}/images/spyne`, { method: 'POST', body: '{}' }),
    ]);

    // Assess
    expect(responses.map((response) => response.status)).toEqual([404, 404, 404]);
    expect(await responses[0]?.json()).toEqual({ error: 'not_found' });
    expect(read.events).toHaveLength(0);
  });

  it('refuses a body over the limit with 413 before the handler sees it', async () => {
    // Prepare
    const ingest = recorder(() => ({ statusCode: 200, body: '{}' }));
    const gateway = track(
      await startTestGateway({ 'ingest-spyne': ingest.handler }, { maxBodyBytes: 1024 }),
    );

    // Act
    const response = await fetch(`${gateway.url}/webhooks/spyne`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(1025),
    });

    // Assess
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'payload_too_large', limitBytes: 1024 });
    expect(ingest.events).toHaveLength(0);
  });

  it('answers 504 when the handler outlives the integration timeout, and 500 when it throws', async () => {
    // Prepare
    const hung: LambdaHandler = () => new Promise(() => undefined);
    const broken: LambdaHandler = async () => {
      throw new RangeError('bug');
    };
    const gateway = track(
      await startTestGateway({ 'ingest-spyne': hung, read: broken }, { timeoutMs: 100 }),
    );

    // Act
    const timedOut = await fetch(`${gateway.url}/webhooks/spyne`, { method: 'POST', body: '{}' });
    const threw = await fetch(`${gateway.url}/images/spyne/x`);

    // Assess
    expect(timedOut.status).toBe(504);
    expect(await timedOut.json()).toEqual({ error: 'gateway_timeout' });
    expect(threw.status).toBe(500);
    expect(await threw.json()).toEqual({ error: 'internal_server_error' });
  });

  it('answers /health 503 until ready, and webhooks 503 with Retry-After while no handler is ready', async () => {
    // Prepare
    const gateway = track(await startTestGateway({}, { ready: false }));

    // Act
    const health = await fetch(`${gateway.url}/health`);
    const webhook = await fetch(`${gateway.url}/webhooks/spyne`, { method: 'POST', body: '{}' });

    // Assess
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'starting' });
    expect(webhook.status).toBe(503);
    expect(webhook.headers.get('retry-after')).toBe('1');
    expect(await webhook.json()).toEqual({ error: 'temporarily_unavailable' });
  });

  it('lets an in-flight request finish when it closes', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const slow: LambdaHandler = () =>
      new Promise((resolve) => {
        release = () => resolve({ statusCode: 200, body: '{"status":"accepted"}' });
      });
    const gateway = await startTestGateway({ 'ingest-spyne': slow });
    const pending = fetch(`${gateway.url}/webhooks/spyne`, { method: 'POST', body: '{}' });
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    const closed = gateway.close();
    release();
    const response = await pending;
    await closed;

    // Assess
    expect(response.status).toBe(200);
    await expect(fetch(`${gateway.url}/health`)).rejects.toThrow();
  });

  it('fails with a one-line PortInUseError when its port is taken', async () => {
    // Prepare
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));

    // Act
    const outcome = await startGateway({
      port,
      host: '127.0.0.1',
      portFlag: '--port',
      handlerFor: () => undefined,
      health: async () => ({ ready: true, body: {} }),
      log: () => undefined,
    }).then(
      (gateway) => track(gateway),
      (error: unknown) => error,
    );
    await new Promise((resolve) => blocker.close(resolve));

    // Assess
    expect(outcome).toBeInstanceOf(PortInUseError);
    expect(String(outcome)).toBe(
      `PortInUseError: Port ${port} (HTTP API) is already in use. Stop whatever holds it, or pick another port with --port N.`,
    );
  });
});
