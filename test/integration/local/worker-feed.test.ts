import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LambdaHandler } from '../../../local/lambda/invoke-handler';
import { localQueueArn } from '../../../local/stack/local-names';
import { type BatchReport, WorkerFeed } from '../../../local/worker-feed/worker-feed';
import { localSqs, uniqueName } from '../../support/local-clients';

jest.setTimeout(30_000);

interface TestQueues {
  readonly main: { url: string; arn: string };
  readonly dlqUrl: string;
}

/** A main queue with a 1 s visibility timeout that redrives to a DLQ after `maxReceiveCount`. */
const createQueues = async (sqs: SQSClient, maxReceiveCount: number): Promise<TestQueues> => {
  const dlqName = uniqueName('feed-dlq');
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: dlqName }));
  const mainName = uniqueName('feed-main');
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: mainName,
      Attributes: {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: localQueueArn(dlqName),
          maxReceiveCount,
        }),
      },
    }),
  );
  return {
    main: { url: main.QueueUrl ?? '', arn: localQueueArn(mainName) },
    dlqUrl: dlq.QueueUrl ?? '',
  };
};

const sendMessages = async (sqs: SQSClient, queueUrl: string, bodies: readonly string[]) => {
  for (let start = 0; start < bodies.length; start += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(start, start + 10).map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          MessageAttributes: { eventId: { DataType: 'String', StringValue: `event-${body}` } },
        })),
      }),
    );
  }
};

const visibleCount = async (sqs: SQSClient, queueUrl: string): Promise<number> => {
  const output = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(output.Attributes?.ApproximateNumberOfMessages ?? '0');
};

/** Resolves once `done()` holds, checking whenever a batch finishes. */
const until = (reports: BatchReport[], done: () => boolean, timeoutMs = 20_000) =>
  new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (done()) return resolve();
      if (Date.now() - started > timeoutMs) {
        return reject(new Error(`condition not met; reports: ${JSON.stringify(reports)}`));
      }
      setTimeout(check, 50);
    };
    check();
  });

const startFeed = (
  sqs: SQSClient,
  queues: TestQueues,
  handler: LambdaHandler,
  reports: BatchReport[],
  options: { pollers?: number; functionTimeoutMs?: number } = {},
) => {
  const feed = new WorkerFeed({
    sqs,
    queue: { ...queues.main, region: 'us-east-1' },
    handler,
    visibilityTimeoutSeconds: 1,
    pollers: options.pollers ?? 2,
    idleWaitSeconds: 1,
    ...(options.functionTimeoutMs ? { functionTimeoutMs: options.functionTimeoutMs } : {}),
    log: () => undefined,
    onBatch: (report) => reports.push(report),
  });
  feed.start();
  return feed;
};

const bodiesOf = (event: unknown): string[] => {
  const records: SQSRecord[] = (event as SQSEvent).Records;
  return records.map((record) => record.body);
};

describe('the worker feed against local SQS', () => {
  let sqs: SQSClient;

  beforeAll(() => {
    sqs = localSqs();
  });

  afterAll(() => {
    sqs.destroy();
  });

  it('invokes the worker with batches of at most 10, each message once, and deletes the successes', async () => {
    // Prepare
    const queues = await createQueues(sqs, 5);
    const bodies = Array.from({ length: 25 }, (_, index) => `m${index}`);
    await sendMessages(sqs, queues.main.url, bodies);
    const seen: string[] = [];
    const reports: BatchReport[] = [];
    const handler: LambdaHandler = async (event) => {
      seen.push(...bodiesOf(event));
      return { batchItemFailures: [] };
    };

    // Act
    const feed = startFeed(sqs, queues, handler, reports);
    await until(reports, () => seen.length >= bodies.length);
    await feed.stop({ drainMs: 5000 });

    // Assess
    expect([...seen].sort()).toEqual([...bodies].sort());
    expect(Math.max(...reports.map((report) => report.messageIds.length))).toBeLessThanOrEqual(10);
    expect(reports.flatMap((report) => report.deleted)).toHaveLength(25);
    expect(await visibleCount(sqs, queues.main.url)).toBe(0);
  });

  it('hands the worker complete SQS records', async () => {
    // Prepare
    const queues = await createQueues(sqs, 5);
    await sendMessages(sqs, queues.main.url, ['only']);
    const records: SQSRecord[] = [];
    const reports: BatchReport[] = [];
    const handler: LambdaHandler = async (event) => {
      records.push(...(event as SQSEvent).Records);
    };

    // Act
    const feed = startFeed(sqs, queues, handler, reports, { pollers: 1 });
    await until(reports, () => reports.length >= 1);
    await feed.stop({ drainMs: 0 });

    // Assess
    expect(records).toEqual([
      {
        messageId: expect.any(String),
        receiptHandle: expect.any(String),
        body: 'only',
        attributes: expect.objectContaining({
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d+$/),
          SenderId: expect.any(String),
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
        }),
        messageAttributes: {
          eventId: {
            stringValue: 'event-only',
            stringListValues: [],
            binaryListValues: [],
            dataType: 'String',
          },
        },
        md5OfBody: createHash('md5').update('only').digest('hex'),
        md5OfMessageAttributes: expect.any(String),
        eventSource: 'aws:sqs',
        eventSourceARN: queues.main.arn,
        awsRegion: 'us-east-1',
      },
    ]);
  });

  it('leaves a reported failure to the visibility timeout and delivers it again, counting receives', async () => {
    // Prepare
    const queues = await createQueues(sqs, 5);
    await sendMessages(sqs, queues.main.url, ['ok-1', 'flaky', 'ok-2']);
    const deliveries: Array<{ body: string; receiveCount: string }> = [];
    const reports: BatchReport[] = [];
    const handler: LambdaHandler = async (event) => {
      const records = (event as SQSEvent).Records;
      deliveries.push(
        ...records.map((record) => ({
          body: record.body,
          receiveCount: record.attributes.ApproximateReceiveCount,
        })),
      );
      const firstFlaky = records.find(
        (record) => record.body === 'flaky' && record.attributes.ApproximateReceiveCount === '1',
      );
      return { batchItemFailures: firstFlaky ? [{ itemIdentifier: firstFlaky.messageId }] : [] };
    };

    // Act
    const feed = startFeed(sqs, queues, handler, reports, { pollers: 1 });
    await until(reports, () =>
      deliveries.some((d) => d.body === 'flaky' && d.receiveCount === '2'),
    );
    await feed.stop({ drainMs: 2000 });

    // Assess
    expect(deliveries.filter((d) => d.body === 'ok-1')).toEqual([
      { body: 'ok-1', receiveCount: '1' },
    ]);
    expect(deliveries.filter((d) => d.body === 'flaky').map((d) => d.receiveCount)).toEqual([
      '1',
      '2',
    ]);
    expect(await visibleCount(sqs, queues.main.url)).toBe(0);
    expect(await visibleCount(sqs, queues.dlqUrl)).toBe(0);
  });

  it('retries the whole batch when the worker throws, and the server moves a poison message to the DLQ', async () => {
    // Prepare
    const queues = await createQueues(sqs, 2);
    await sendMessages(sqs, queues.main.url, ['poison']);
    const reports: BatchReport[] = [];
    const handler: LambdaHandler = async () => {
      throw new TypeError('cannot read the envelope');
    };

    // Act
    const feed = startFeed(sqs, queues, handler, reports, { pollers: 1 });
    await until(reports, () => reports.length >= 2);
    const dlqMessages: string[] = [];
    const deadline = Date.now() + 10_000;
    while (dlqMessages.length === 0 && Date.now() < deadline) {
      const output = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.dlqUrl,
          WaitTimeSeconds: 1,
          MaxNumberOfMessages: 1,
        }),
      );
      dlqMessages.push(...(output.Messages ?? []).map((message) => message.Body ?? ''));
    }
    await feed.stop({ drainMs: 0 });

    // Assess
    expect(reports.slice(0, 2).map((report) => [report.outcome, report.deleted.length])).toEqual([
      ['threw', 0],
      ['threw', 0],
    ]);
    expect(dlqMessages).toEqual(['poison']);
  });

  it('counts a batch that outlives the function timeout as failed, and remembers what it holds', async () => {
    // Prepare
    const queues = await createQueues(sqs, 5);
    await sendMessages(sqs, queues.main.url, ['slow']);
    const reports: BatchReport[] = [];
    const handler: LambdaHandler = () => new Promise(() => undefined);

    // Act
    const feed = startFeed(sqs, queues, handler, reports, { pollers: 1, functionTimeoutMs: 200 });
    await until(reports, () => reports.length >= 1);
    const held = feed.heldMessages(Date.now());
    await feed.stop({ drainMs: 0 });

    // Assess
    expect(reports[0]).toMatchObject({ outcome: 'timed-out', deleted: [] });
    expect(held).toEqual([
      {
        messageId: reports[0]?.messageIds[0],
        body: 'slow',
        messageAttributes: { eventId: { dataType: 'String', stringValue: 'event-slow' } },
        receiveCount: 1,
      },
    ]);
  });

  it('drains the queue before stopping', async () => {
    // Prepare
    const queues = await createQueues(sqs, 5);
    const reports: BatchReport[] = [];
    const seen: string[] = [];
    const handler: LambdaHandler = async (event) => {
      seen.push(...bodiesOf(event));
    };
    const feed = startFeed(sqs, queues, handler, reports);
    const bodies = Array.from({ length: 30 }, (_, index) => `late-${index}`);
    await sendMessages(sqs, queues.main.url, bodies);

    // Act
    await feed.stop({ drainMs: 10_000 });

    // Assess
    expect([...seen].sort()).toEqual([...bodies].sort());
    expect(await visibleCount(sqs, queues.main.url)).toBe(0);
  });
});
