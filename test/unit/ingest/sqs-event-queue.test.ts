import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import {
  EnqueueError,
  queueMessageBytes,
  SqsEventQueue,
  toQueueMessage,
} from '../../../shared/queue/event-queue';
import { loadBody } from '../../support/vendor-bodies';
import { ingestHarness } from './support/ingest-harness';
import { TEST_SECRETS } from './support/test-secrets';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhook-events';

describe('toQueueMessage', () => {
  it('escapes U+FFFE and U+FFFF in the JSON body (SQS refuses them) without changing the value', () => {
    // Prepare
    const value = { name: 'a\uffffb\ufffe' };

    // Act
    const message = toQueueMessage(value, {});

    // Assess
    expect(message.body).toBe('{"name":"a\\uffffb\\ufffe"}');
    expect(JSON.parse(message.body)).toEqual(value);
  });

  it('replaces unsendable characters in attributes and leaves out empty ones', () => {
    // Prepare
    const attributes = { eventId: 'id\u0001\ud800x', eventType: '' };

    // Act
    const message = toQueueMessage({}, attributes);

    // Assess
    expect(message.attributes).toEqual({ eventId: 'id\ufffd\ufffdx' });
  });

  it('counts body and attribute bytes as SQS does', () => {
    // Prepare
    const message = toQueueMessage({ a: 'é' }, { vendor: 'spyne' });

    // Act
    const bytes = queueMessageBytes(message);

    // Assess
    expect(bytes).toBe(
      Buffer.byteLength('{"a":"é"}') + 'vendor'.length + 'String'.length + 'spyne'.length,
    );
  });
});

describe('SqsEventQueue fault paths (aws-sdk-client-mock)', () => {
  const sqsMock = mockClient(SQSClient);
  afterEach(() => sqsMock.reset());

  it('translates an SDK error into EnqueueError carrying the cause', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    sqsMock.on(SendMessageCommand).rejects(throttled);
    const queue = new SqsEventQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL);

    // Act
    const sent = queue.send(toQueueMessage({ a: 1 }, { vendor: 'spyne' }));

    // Assess
    await expect(sent).rejects.toBeInstanceOf(EnqueueError);
    await expect(sent).rejects.toMatchObject({ queueUrl: QUEUE_URL, cause: throttled });
  });

  it.each([
    [
      'a throttling error',
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    ],
    ['a timeout', Object.assign(new Error('Request timed out'), { name: 'TimeoutError' })],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
  ])('makes the handler answer %s with 503 and Retry-After, never 2xx', async (_label, error) => {
    // Prepare
    sqsMock.on(SendMessageCommand).rejects(error);
    const client = new SQSClient({ region: 'eu-west-1' });
    const { deliver } = ingestHarness('image-intelligence', {
      eventQueue: new SqsEventQueue(client, QUEUE_URL),
    });

    // Act
    const answer = await deliver({
      body: loadBody('image-intelligence', 'detect--completed'),
      rawQueryString: `token=${TEST_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`,
    });

    // Assess
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: 'temporarily_unavailable' });
    expect(answer.headers['retry-after']).toBe('30');
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('makes the handler answer 503 when the quarantine send fails', async () => {
    // Prepare
    sqsMock
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('down'), { name: 'InternalError' }));
    const client = new SQSClient({ region: 'eu-west-1' });
    const { deliver, eventQueue } = ingestHarness('image-intelligence', {
      quarantineQueue: new SqsEventQueue(client, `${QUEUE_URL}-quarantine`),
    });

    // Act
    const answer = await deliver({
      body: '{"id":42}',
      rawQueryString: `token=${TEST_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`,
    });

    // Assess
    expect(answer).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(eventQueue.messages).toHaveLength(0);
  });
});
