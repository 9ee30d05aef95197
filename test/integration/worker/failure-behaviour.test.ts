import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { AwsCallError } from '../../../shared/aws/aws-call-error';
import type { DynamoDb } from '../../../shared/aws/dynamodb';
import { toSqsEvent } from '../../../local/worker-feed/sqs-event';
import type { EventEnvelope } from '../../../shared/queue/event-queue';
import type { EventLedger } from '../../../shared/store/event-ledger';
import { UNFINISHED_ATTEMPT } from '../../../shared/worker/process-event';
import { recordKey } from '../../../shared/store/record-item';
import {
  localDynamoDb,
  localDynamoDbPort,
  localSqs,
  uniqueName,
} from '../../support/local-clients';
import { envelopeOf, envelopeOfBody, sqsEventOf, sqsRecordOf } from './support/envelopes';
import { createTestPipeline } from './support/pipeline';

let dynamoDb: DynamoDBClient;
let sqs: SQSClient;
beforeAll(() => {
  dynamoDb = localDynamoDb();
  sqs = localSqs();
});
afterAll(() => {
  dynamoDb.destroy();
  sqs.destroy();
});

const PutItemInputSchema = v.object({ Item: v.object({ pk: v.object({ S: v.string() }) }) });

/**
 * The worker's client on the real DynamoDB Local, except that PutItem calls for one record key
 * fail with throttling as the client throws it once its retries are spent, so the fault reaches
 * the worker as it would in AWS. Every other call reaches the server.
 */
const clientThrottling = (throttledKey: string): DynamoDb => {
  const real = localDynamoDbPort();
  return {
    call: (operation, input) => {
      const put = v.safeParse(PutItemInputSchema, input);
      if (operation === 'PutItem' && put.success && put.output.Item.pk.S === throttledKey) {
        return Promise.reject(
          new AwsCallError({
            service: 'dynamodb',
            operation,
            code: 'ProvisionedThroughputExceededException',
            statusCode: 400,
            retryable: true,
          }),
        );
      }
      return real.call(operation, input);
    },
  };
};

describe('DynamoDB throttled for one message', () => {
  it('fails only that message; the rest of the batch completes, and its retry succeeds', async () => {
    // Prepare
    const throttled = envelopeOfBody('sharinpix', 'new_image');
    const others = [
      envelopeOfBody('spyne', 'v2-sample-a'),
      envelopeOfBody('sharinpix', 'image_processed'),
    ];
    const faulty = clientThrottling(recordKey('sharinpix', 'f37e01b7-942c-4179-bfd0-0cccf4700328'));
    const pipeline = await createTestPipeline(dynamoDb, { dynamoDb: faulty });
    const records = [throttled, ...others].map((envelope) => sqsRecordOf(envelope));

    // Act
    const response = await pipeline.handler(sqsEventOf(records));

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.messageId }]);
    for (const envelope of others) {
      expect((await pipeline.ledger.find(envelope.eventId))?.status).toBe('completed');
    }
    expect((await pipeline.ledger.find(throttled.eventId))?.status).toBe('processing');
    expect(pipeline.metrics.count('Failed')).toBe(1);
    expect(pipeline.log.lines.find((line) => line.level === 'error')?.attributes).toMatchObject({
      eventId: throttled.eventId,
      vendor: 'sharinpix',
    });

    // Act: SQS redelivers the same message once DynamoDB is healthy again.
    const retried = await createTestPipeline(dynamoDb, { tables: pipeline.tables });
    const retry = await retried.handler(sqsEventOf(records.slice(0, 1)));

    // Assess
    expect(retry.batchItemFailures).toEqual([]);
    expect((await retried.ledger.find(throttled.eventId))?.status).toBe('completed');
    expect(
      (await retried.store.get('sharinpix', 'f37e01b7-942c-4179-bfd0-0cccf4700328'))?.rev,
    ).toBe(1);
  });
});

/** Thrown by the test ledger to stand for a Lambda that died (timeout, OOM) mid-message. */
class SimulatedCrash extends Error {}

/**
 * A ledger that crashes once, right before marking the event complete. A worker that dies notes
 * nothing, so the failure note its attempt would write on the way out is dropped too.
 */
const crashingBeforeComplete = (ledger: EventLedger): EventLedger => {
  let crashed = false;
  let dying = false;
  return {
    check: (request) => ledger.check(request),
    bindSignature: (request) => ledger.bindSignature(request),
    noteFailure: async (note) => {
      if (dying) {
        dying = false;
        return;
      }
      return ledger.noteFailure(note);
    },
    complete: async (request) => {
      if (!crashed) {
        crashed = true;
        dying = true;
        throw new SimulatedCrash('worker died after writing records, before completing');
      }
      return ledger.complete(request);
    },
  };
};

describe('a crash after writing records but before completing', () => {
  const IMAGES = [
    'img-0f0d6707-d264-44fe-82ce-ab912b0a8ea0',
    'img-7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  ];

  it('is finished by the SQS redelivery with no double effects', async () => {
    // Prepare
    const crashing = await createTestPipeline(dynamoDb, { wrapLedger: crashingBeforeComplete });
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');
    const record = sqsRecordOf(envelope);
    const first = await crashing.handler(sqsEventOf([record]));
    const written = await Promise.all(IMAGES.map((id) => crashing.store.get('spyne', id)));

    // Act
    const redelivered = await crashing.handler(
      sqsEventOf([
        { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } },
      ]),
    );

    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(redelivered.batchItemFailures).toEqual([]);
    const after = await Promise.all(IMAGES.map((id) => crashing.store.get('spyne', id)));
    expect(after).toEqual(written);
    expect(after.map((item) => item?.rev)).toEqual([1, 1]);
    expect(crashing.metrics.count('Stale')).toBe(2);
    // The crashed receive left no note of its own; the redelivery noted it before applying.
    expect(await crashing.ledger.find(envelope.eventId)).toMatchObject({
      status: 'completed',
      deliveries: [envelope.requestId],
      failures: 1,
      lastError: UNFINISHED_ATTEMPT,
    });
  });

  it('is finished at once by a vendor retry, and the crashed message comes back as a duplicate', async () => {
    // Prepare: the first delivery's message crashed; nothing holds the event.
    const crashing = await createTestPipeline(dynamoDb, { wrapLedger: crashingBeforeComplete });
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');
    const crashed = sqsRecordOf(envelope);
    await crashing.handler(sqsEventOf([crashed]));
    const written = await Promise.all(IMAGES.map((id) => crashing.store.get('spyne', id)));
    const vendorRetry = sqsRecordOf({ ...envelope, requestId: 'vendor-retry' });

    // Act
    const retried = await crashing.handler(sqsEventOf([vendorRetry]));
    const redelivered = await crashing.handler(
      sqsEventOf([
        { ...crashed, attributes: { ...crashed.attributes, ApproximateReceiveCount: '2' } },
      ]),
    );

    // Assess
    expect(retried.batchItemFailures).toEqual([]);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect([crashing.metrics.count('Applied'), crashing.metrics.count('Duplicate')]).toEqual([
      1, 1,
    ]);
    const after = await Promise.all(IMAGES.map((id) => crashing.store.get('spyne', id)));
    expect(after.map((item) => item?.state)).toEqual(written.map((item) => item?.state));
    expect(after.map((item) => item?.rev)).toEqual([1, 1]);
    const entry = await crashing.ledger.find(envelope.eventId);
    expect(entry?.status).toBe('completed');
    expect([...(entry?.deliveries ?? [])].sort()).toEqual([envelope.requestId, 'vendor-retry']);
  });
});

describe('the same event delivered 6× concurrently', () => {
  it('is applied once in effect, with 5 counted duplicates, none of them failing', async () => {
    // Prepare: six SQS messages (six vendor retries) carrying one event, each to its own worker.
    const pipeline = await createTestPipeline(dynamoDb);
    const envelope = envelopeOfBody('image-intelligence', 'detect--partial-error');
    // Each vendor retry is its own gateway request: same event, another request id.
    const deliveries = Array.from({ length: 6 }, (_, index) =>
      sqsRecordOf({ ...envelope, requestId: `vendor-delivery-${index + 1}` }),
    );

    // Act: deliver all at once. Nothing holds the event, so none has to come back later.
    const responses = await Promise.all(
      deliveries.map((item) => pipeline.handler(sqsEventOf([item]))),
    );

    // Assess
    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
    expect(pipeline.metrics.count('Failed')).toBe(0);
    expect(pipeline.metrics.count('Applied')).toBe(1);
    expect(pipeline.metrics.count('Duplicate')).toBe(5);
    // The round really overlapped: deliveries applied the event alongside the one that completed
    // it, and were counted as duplicates at their completion.
    const concurrent = pipeline.log.lines.filter((line) => line.attributes.appliedConcurrently);
    expect(concurrent.length).toBeGreaterThan(0);
    const entry = await pipeline.ledger.find(envelope.eventId);
    expect(entry?.status).toBe('completed');
    expect((entry?.deliveries.length ?? 0) - 1).toBe(5);
    const records = await Promise.all(
      [
        'e1a7c3f0-16b2-11ef-9a4d-0242ac120002',
        'e1a7c6a2-16b2-11ef-9a4d-0242ac120002',
        'e1a7c8d4-16b2-11ef-9a4d-0242ac120002',
      ].map((id) => pipeline.store.get('image-intelligence', id)),
    );
    expect(records.map((item) => item?.rev)).toEqual([1, 1, 1]);
  });
});

const QueueArnSchema = v.object({ Attributes: v.object({ QueueArn: v.string() }) });

/** Receives, invokes and deletes the way Lambda's SQS event source mapping does, for a while. */
const pollOnce = async (
  queueUrl: string,
  queueArn: string,
  handler: (
    event: ReturnType<typeof toSqsEvent>,
  ) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>,
): Promise<number> => {
  const received = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  const messages = received.Messages ?? [];
  if (messages.length === 0) return 0;
  const response = await handler(toSqsEvent(messages, { arn: queueArn, region: 'us-east-1' }));
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  const done = messages.filter((message) => message.MessageId && !failed.has(message.MessageId));
  if (done.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
  return messages.length;
};

describe('a poison message', () => {
  it('goes to the DLQ after maxReceiveCount while good messages are applied', async () => {
    // Prepare
    const maxReceiveCount = 3;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('worker-dlq') }));
    const dlqUrl = dlq.QueueUrl ?? '';
    const dlqArn = v.parse(
      QueueArnSchema,
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
      ),
    ).Attributes.QueueArn;
    const main = await sqs.send(
      new CreateQueueCommand({
        QueueName: uniqueName('worker-main'),
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
        },
      }),
    );
    const mainUrl = main.QueueUrl ?? '';
    const mainArn = v.parse(
      QueueArnSchema,
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: mainUrl, AttributeNames: ['QueueArn'] }),
      ),
    ).Attributes.QueueArn;
    const pipeline = await createTestPipeline(dynamoDb);
    const good = envelopeOfBody('spyne', 'v1-single-image');
    const badPayload: EventEnvelope = {
      ...envelopeOf('spyne', { project_id: 'p', sku_id: 's', image_data: [{ image_id: 'i' }] }),
      payload: { sku_id: 42 },
    };
    const bodies = [
      '{"version":1,"vendor":"spyne"',
      JSON.stringify(badPayload),
      JSON.stringify(good),
    ];
    for (const body of bodies)
      await sqs.send(new SendMessageCommand({ QueueUrl: mainUrl, MessageBody: body }));

    // Act: poll until the main queue stays empty (bounded).
    let idlePolls = 0;
    for (let poll = 0; poll < 30 && idlePolls < 3; poll += 1) {
      const handled = await pollOnce(mainUrl, mainArn, pipeline.handler);
      idlePolls = handled === 0 ? idlePolls + 1 : 0;
    }

    // Assess
    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect((dead.Messages ?? []).map((message) => message.Body).sort()).toEqual(
      bodies.slice(0, 2).sort(),
    );
    expect(pipeline.metrics.count('Failed')).toBe(2 * maxReceiveCount);
    expect((await pipeline.ledger.find(good.eventId))?.status).toBe('completed');
    expect(await pipeline.ledger.find(badPayload.eventId)).toBeUndefined();
  }, 60_000);
});

describe('two deliveries of one event in the same batch', () => {
  it('applies the event once and counts the other delivery as a duplicate at once', async () => {
    // Prepare: SharinPix's JSON and form copies of one event, received in one batch.
    const pipeline = await createTestPipeline(dynamoDb);
    const envelope = envelopeOfBody('sharinpix', 'new_image');
    const first = sqsRecordOf(envelope);
    const second = sqsRecordOf(envelope);

    // Act
    const response = await pipeline.handler(sqsEventOf([first, second]));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(pipeline.metrics.count('Applied')).toBe(1);
    expect(pipeline.metrics.count('Duplicate')).toBe(1);
    // In turn: the second was checked after the first completed, so it applied nothing.
    expect(pipeline.log.lines.filter((line) => line.attributes.appliedConcurrently)).toEqual([]);
  });
});
