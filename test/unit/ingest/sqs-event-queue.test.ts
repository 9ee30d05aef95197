import { AwsCallError } from '../../../shared/aws/aws-call-error';
import { readAwsEnvironment } from '../../../shared/aws/aws-environment';
import { createSqsMessageSender } from '../../../shared/aws/sqs-send-message';
import {
  EnqueueError,
  queueMessageBytes,
  SqsEventQueue,
  toQueueMessage,
} from '../../../shared/queue/event-queue';
import {
  jsonAnswer,
  scriptedTransport,
  type ScriptedOutcome,
} from '../../support/scripted-transport';
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

/** The ingest path's SQS sender (two attempts), over a scripted wire. */
const scriptedSqs = (...outcomes: ScriptedOutcome[]) => {
  const script = scriptedTransport(...outcomes);
  const sender = createSqsMessageSender(
    readAwsEnvironment({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    }),
    { transport: script.transport, sleep: () => Promise.resolve() },
  );
  return { sender, requests: script.requests };
};

const throttled = jsonAnswer(400, { __type: 'com.amazonaws.sqs#ThrottlingException' });

describe('SqsEventQueue fault paths (lean SQS client, scripted wire)', () => {
  it('translates a client error into EnqueueError carrying the cause and its code', async () => {
    // Prepare
    const { sender } = scriptedSqs(throttled);
    const queue = new SqsEventQueue(sender, QUEUE_URL);

    // Act
    const sent = queue.send(toQueueMessage({ a: 1 }, { vendor: 'spyne' }));

    // Assess
    await expect(sent).rejects.toBeInstanceOf(EnqueueError);
    await expect(sent).rejects.toMatchObject({
      queueUrl: QUEUE_URL,
      message: 'SendMessage failed: ThrottlingException',
      cause: expect.any(AwsCallError),
    });
  });

  it.each([
    ['a throttling error', throttled, 2],
    ['a 5xx answer', jsonAnswer(500, { __type: 'InternalError' }), 2],
    ['a timeout', Object.assign(new Error('no answer'), { name: 'TimeoutError' }), 2],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      2,
    ],
    ['a missing queue', jsonAnswer(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist' }), 1],
    ['an access denial', jsonAnswer(400, { __type: 'AccessDeniedException' }), 1],
  ])(
    'makes the handler answer %s with 503 and Retry-After, never 2xx',
    async (_label, outcome, attempts) => {
      // Prepare
      const { sender, requests } = scriptedSqs(outcome);
      const { deliver } = ingestHarness('image-intelligence', {
        eventQueue: new SqsEventQueue(sender, QUEUE_URL),
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
      expect(requests.map((request) => request.headers['x-amz-target'])).toEqual(
        Array(attempts).fill('AmazonSQS.SendMessage'),
      );
    },
  );

  it('makes the handler answer 503 when the quarantine send fails', async () => {
    // Prepare
    const { sender } = scriptedSqs(jsonAnswer(500, { __type: 'InternalError' }));
    const { deliver, eventQueue } = ingestHarness('image-intelligence', {
      quarantineQueue: new SqsEventQueue(sender, `${QUEUE_URL}-quarantine`),
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
