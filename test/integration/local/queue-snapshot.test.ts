import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  readQueueContents,
  restoreQueueContents,
  saveQueueContents,
  takeVisibleMessages,
} from '../../../local/sqs/queue-snapshot';
import { localQueueArn } from '../../../local/stack/local-names';
import type { LocalQueues } from '../../../local/stack/queue-layout';
import { localSqs, uniqueName } from '../../support/local-clients';

const createTestQueues = async (sqs: SQSClient): Promise<LocalQueues> => {
  const create = async () => {
    const name = uniqueName('snapshot');
    const output = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    return { name, url: output.QueueUrl ?? '', arn: localQueueArn(name) };
  };
  return { main: await create(), dlq: await create(), quarantine: await create() };
};

describe('saving and restoring local queues across restarts', () => {
  let sqs: SQSClient;
  let dir: string;

  beforeAll(() => {
    sqs = localSqs();
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'queue-snapshot-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  afterAll(() => sqs.destroy());

  it('puts every message back with its body and attributes, on the queue it came from', async () => {
    // Prepare
    const before = await createTestQueues(sqs);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: before.dlq.url,
        MessageBody: '{"eventId":"dead-1"}',
        MessageAttributes: {
          eventId: { DataType: 'String', StringValue: 'dead-1' },
          raw: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 1, 254]) },
        },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: before.quarantine.url, MessageBody: 'q-1' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: before.main.url, MessageBody: 'm-1' }));
    const after = await createTestQueues(sqs);

    // Act
    saveQueueContents(
      dir,
      {
        main: await takeVisibleMessages(sqs, before.main.url),
        dlq: await takeVisibleMessages(sqs, before.dlq.url),
        quarantine: await takeVisibleMessages(sqs, before.quarantine.url),
      },
      before,
      new Date(),
    );
    const restored = await restoreQueueContents(sqs, dir, after);
    const dlq = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: after.dlq.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );

    // Assess
    expect(restored).toEqual({ main: 1, dlq: 1, quarantine: 1 });
    expect(dlq.Messages?.map((message) => message.Body)).toEqual(['{"eventId":"dead-1"}']);
    const attributes = dlq.Messages?.[0]?.MessageAttributes ?? {};
    expect(attributes.eventId?.StringValue).toBe('dead-1');
    expect(Buffer.from(attributes.raw?.BinaryValue ?? []).toJSON().data).toEqual([0, 1, 254]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('records how often a saved message had been delivered, not counting the snapshot read', async () => {
    // Prepare
    const queues = await createTestQueues(sqs);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.main.url, MessageBody: 'never-received' }),
    );

    // Act
    const taken = await takeVisibleMessages(sqs, queues.main.url);
    saveQueueContents(dir, { main: taken, dlq: [], quarantine: [] }, queues, new Date());
    const saved = readQueueContents(dir);

    // Assess
    expect(saved.main).toEqual([
      {
        messageId: expect.any(String),
        body: 'never-received',
        messageAttributes: {},
        receiveCount: 0,
      },
    ]);
    expect(saved.dlq).toEqual([]);
  });
});
