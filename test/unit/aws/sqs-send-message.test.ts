import { createHash } from 'node:crypto';
import { readAwsEnvironment } from '../../../shared/aws/aws-environment';
import { createSqsMessageSender, messageAttributesMd5 } from '../../../shared/aws/sqs-send-message';
import {
  jsonAnswer,
  scriptedTransport,
  type ScriptedOutcome,
} from '../../support/scripted-transport';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhook-events';
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

const sender = (...outcomes: ScriptedOutcome[]) => {
  const script = scriptedTransport(...outcomes);
  const sqs = createSqsMessageSender(
    readAwsEnvironment({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 's',
    }),
    { transport: script.transport, sleep: () => Promise.resolve() },
  );
  return { sqs, requests: script.requests };
};

describe('sendSqsMessage', () => {
  it('sends SendMessage with string attributes and checks both digests', async () => {
    // Prepare
    const attributes = { vendor: 'spyne', eventId: 'spyne:1' };
    const { sqs, requests } = sender(
      jsonAnswer(200, {
        MessageId: 'm-1',
        MD5OfMessageBody: md5('{"a":1}'),
        MD5OfMessageAttributes: messageAttributesMd5(attributes),
      }),
    );

    // Act
    const output = await sqs.sendMessage({ queueUrl: QUEUE_URL, body: '{"a":1}', attributes });

    // Assess
    expect(output).toEqual({ messageId: 'm-1' });
    expect(requests[0]?.url.href).toBe('https://sqs.eu-west-1.amazonaws.com/');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: '{"a":1}',
      MessageAttributes: {
        vendor: { DataType: 'String', StringValue: 'spyne' },
        eventId: { DataType: 'String', StringValue: 'spyne:1' },
      },
    });
  });

  it('computes the attributes digest as SQS documents it', () => {
    // Prepare: name, type, transport byte and value, each length-prefixed, names in order.
    const part = (text: string) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(Buffer.byteLength(text));
      return Buffer.concat([length, Buffer.from(text)]);
    };
    const expected = createHash('md5')
      .update(Buffer.concat([part('a'), part('String'), Buffer.from([1]), part('x')]))
      .update(Buffer.concat([part('b'), part('String'), Buffer.from([1]), part('é')]))
      .digest('hex');

    // Act
    const digest = messageAttributesMd5({ b: 'é', a: 'x' });

    // Assess
    expect(digest).toBe(expected);
  });

  it('reports a message that reached SQS altered as a failure, not as stored', async () => {
    // Prepare
    const { sqs, requests } = sender(
      jsonAnswer(200, { MessageId: 'm-1', MD5OfMessageBody: md5('something else') }),
    );

    // Act
    const sent = sqs.sendMessage({ queueUrl: QUEUE_URL, body: '{"a":1}', attributes: {} });

    // Assess
    await expect(sent).rejects.toMatchObject({ code: 'BodyMd5Mismatch', retryable: false });
    expect(requests).toHaveLength(1);
  });

  it('makes at most two attempts on the ingest path', async () => {
    // Prepare
    const { sqs, requests } = sender(jsonAnswer(503, { __type: 'ServiceUnavailable' }));

    // Act
    const sent = sqs.sendMessage({ queueUrl: QUEUE_URL, body: '{}', attributes: {} });

    // Assess
    await expect(sent).rejects.toMatchObject({ code: 'ServiceUnavailable', retryable: true });
    expect(requests).toHaveLength(2);
  });
});
