import { createHash } from 'node:crypto';
import { toSqsEvent } from '../../../local/worker-feed/sqs-event';

const QUEUE = {
  arn: 'arn:aws:sqs:us-east-1:123456789012:vendor-webhooks-events',
  region: 'us-east-1',
};

describe('building the SQSEvent the worker receives', () => {
  it('carries every SQSRecord field the event source mapping sets', () => {
    // Prepare
    const body = '{"version":1}';
    const message = {
      MessageId: '0b8f8f0e-1111-4c2a-9d55-2a6f3e0c7b21',
      ReceiptHandle: 'receipt-1',
      Body: body,
      MD5OfBody: createHash('md5').update(body).digest('hex'),
      MD5OfMessageAttributes: 'abc123',
      Attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1793491320025',
        SenderId: 'AROAEXAMPLE:ingest',
        ApproximateFirstReceiveTimestamp: '1793491320100',
      },
      MessageAttributes: {
        vendor: { DataType: 'String', StringValue: 'spyne' },
        blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) },
      },
    };

    // Act
    const event = toSqsEvent([message], QUEUE);

    // Assess
    expect(event.Records).toEqual([
      {
        messageId: message.MessageId,
        receiptHandle: 'receipt-1',
        body,
        attributes: message.Attributes,
        messageAttributes: {
          vendor: {
            stringValue: 'spyne',
            stringListValues: [],
            binaryListValues: [],
            dataType: 'String',
          },
          blob: {
            binaryValue: 'AQID',
            stringListValues: [],
            binaryListValues: [],
            dataType: 'Binary',
          },
        },
        md5OfBody: message.MD5OfBody,
        md5OfMessageAttributes: 'abc123',
        eventSource: 'aws:sqs',
        eventSourceARN: QUEUE.arn,
        awsRegion: 'us-east-1',
      },
    ]);
  });

  it('keeps receive order and computes md5OfBody when the server leaves it out', () => {
    // Prepare
    const messages = [
      { MessageId: 'a', ReceiptHandle: 'ra', Body: 'first' },
      { MessageId: 'b', ReceiptHandle: 'rb', Body: 'second' },
    ];

    // Act
    const event = toSqsEvent(messages, QUEUE);

    // Assess
    expect(event.Records.map((record) => record.messageId)).toEqual(['a', 'b']);
    expect(event.Records[1]?.md5OfBody).toBe(createHash('md5').update('second').digest('hex'));
    expect(event.Records[0]?.attributes.ApproximateReceiveCount).toBe('1');
  });
});
