import { DeliveryFeed, type ObservedInvocation } from '../../../local/console/delivery-feed';
import type { CapturedLine } from '../../../local/logs/handler-lines';

const AT = new Date('2026-11-23T10:00:00.000Z');

const ingest = (
  requestId: string,
  statusCode: number,
  body: Record<string, unknown>,
): ObservedInvocation => ({
  functionName: 'ingest-spyne',
  at: AT,
  event: { requestContext: { requestId } },
  result: { statusCode, body: JSON.stringify(body) },
  lines: [],
});

const record = (fields: Record<string, unknown>): CapturedLine => ({
  kind: 'record',
  record: { level: 'INFO', message: 'm', ...fields },
  text: JSON.stringify(fields),
});

const workerBatch = (
  messages: ReadonlyArray<{ messageId: string; requestId: string; outcome: string }>,
): ObservedInvocation => ({
  functionName: 'worker',
  at: AT,
  event: {
    Records: messages.map(({ messageId, requestId }) => ({
      messageId,
      body: JSON.stringify({ requestId, eventId: 'spyne:e1' }),
    })),
  },
  result: { batchItemFailures: [] },
  lines: messages.map(({ messageId, outcome }) => record({ messageId, outcome })),
});

describe('DeliveryFeed', () => {
  it('lists deliveries newest first with ingest’s answer, and the 4xx reason with its paths', () => {
    // Prepare
    const feed = new DeliveryFeed();

    // Act
    feed.observe(ingest('r1', 200, { status: 'accepted', eventId: 'spyne:e1' }));
    feed.observe(
      ingest('r2', 400, {
        error: 'invalid_payload',
        message: 'body does not match',
        issues: [{ path: 'sku_id' }, { path: 'image_data' }],
      }),
    );
    feed.observe(ingest('r3', 401, { error: 'unauthorized' }));

    // Assess
    expect(feed.recent()).toEqual([
      {
        requestId: 'r3',
        at: AT.toISOString(),
        vendor: 'spyne',
        status: 401,
        outcome: 'unauthorized',
      },
      {
        requestId: 'r2',
        at: AT.toISOString(),
        vendor: 'spyne',
        status: 400,
        outcome: 'invalid_payload',
        detail: 'sku_id, image_data',
      },
      {
        requestId: 'r1',
        at: AT.toISOString(),
        vendor: 'spyne',
        status: 200,
        outcome: 'accepted',
        eventId: 'spyne:e1',
      },
    ]);
  });

  it('adds the worker’s outcome to the delivery whose request queued the message', () => {
    // Prepare
    const feed = new DeliveryFeed();
    feed.observe(ingest('first', 200, { status: 'accepted', eventId: 'spyne:e1' }));
    feed.observe(ingest('repeat', 200, { status: 'accepted', eventId: 'spyne:e1' }));

    // Act
    feed.observe(
      workerBatch([
        { messageId: 'm2', requestId: 'repeat', outcome: 'duplicate' },
        { messageId: 'm1', requestId: 'first', outcome: 'applied' },
      ]),
    );

    // Assess
    expect(feed.recent().map(({ requestId, worker }) => ({ requestId, worker }))).toEqual([
      { requestId: 'repeat', worker: 'duplicate' },
      { requestId: 'first', worker: 'applied' },
    ]);
  });

  it('keeps only the newest deliveries, and ignores invocations of other functions', () => {
    // Prepare
    const feed = new DeliveryFeed(2);

    // Act
    for (const id of ['a', 'b', 'c']) feed.observe(ingest(id, 200, { status: 'accepted' }));
    feed.observe({ functionName: 'read', at: AT, event: {}, result: {}, lines: [] });

    // Assess
    expect(feed.recent().map((delivery) => delivery.requestId)).toEqual(['c', 'b']);
  });
});
