import {
  CreateQueueCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { QuarantineRecordSchema } from '../../../shared/ingest/quarantine';
import { EventEnvelopeSchema, SqsEventQueue } from '../../../shared/queue/event-queue';
import { localSqs, localSqsSender, uniqueName } from '../../support/local-clients';
import { loadBody } from '../../support/vendor-bodies';
import { RECEIVED_AT } from '../../unit/ingest/support/api-gateway-event';
import { ingestHarness } from '../../unit/ingest/support/ingest-harness';
import { signJwt, spyneClaims } from '../../unit/ingest/support/spyne-jwt';
import { SPYNE_SECRET_CURRENT, TEST_SECRETS } from '../../unit/ingest/support/test-secrets';

const receiveAll = async (sqs: SQSClient, queueUrl: string): Promise<Message[]> => {
  const received = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
    }),
  );
  return received.Messages ?? [];
};

describe('ingest against local SQS', () => {
  const admin = localSqs();
  // The ingest path's own client (the lean JSON one), as the deployed functions send.
  const sender = localSqsSender();
  let queueUrl = '';
  let quarantineUrl = '';

  beforeAll(async () => {
    const [events, quarantine] = await Promise.all([
      admin.send(new CreateQueueCommand({ QueueName: uniqueName('ingest-events') })),
      admin.send(new CreateQueueCommand({ QueueName: uniqueName('ingest-quarantine') })),
    ]);
    queueUrl = events.QueueUrl ?? '';
    quarantineUrl = quarantine.QueueUrl ?? '';
  });

  afterAll(() => {
    admin.destroy();
  });

  const harness = (vendor: Parameters<typeof ingestHarness>[0]) =>
    ingestHarness(vendor, {
      eventQueue: new SqsEventQueue(sender, queueUrl),
      quarantineQueue: new SqsEventQueue(sender, quarantineUrl),
    });

  it('puts an accepted Spyne webhook on the queue with the envelope and its attributes', async () => {
    // Prepare
    const body = loadBody('spyne', 'v2-sample-b') as { project_id: string; sku_id: string };
    const signature = signJwt(
      spyneClaims(body.project_id, body.sku_id, RECEIVED_AT),
      SPYNE_SECRET_CURRENT,
    );
    const { deliver } = harness('spyne');

    // Act
    const answer = await deliver({
      body: { ...body, signature },
      headers: { 'content-type': 'application/json' },
      requestId: 'Kx1mYhLpIAMEbQw=',
    });
    const messages = await receiveAll(admin, queueUrl);

    // Assess
    expect(answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(messages).toHaveLength(1);
    const [message] = messages;
    const envelope = v.parse(EventEnvelopeSchema, JSON.parse(message?.Body ?? 'null'));
    expect(envelope).toMatchObject({
      version: 1,
      vendor: 'spyne',
      eventType: 'sku.v2',
      eventId: answer.body.eventId,
      receivedAt: RECEIVED_AT.toISOString(),
      eventTime: RECEIVED_AT.toISOString(),
      requestId: 'Kx1mYhLpIAMEbQw=',
      supported: true,
      payload: { project_id: body.project_id, sku_id: body.sku_id },
    });
    expect(message?.Body).not.toContain(signature);
    expect(message?.MessageAttributes).toEqual({
      vendor: { DataType: 'String', StringValue: 'spyne' },
      eventType: { DataType: 'String', StringValue: 'sku.v2' },
      eventId: { DataType: 'String', StringValue: answer.body.eventId },
    });
  });

  it('puts an unsupported SharinPix event on the queue before answering ignored', async () => {
    // Prepare
    const { deliver } = harness('sharinpix');

    // Act
    const answer = await deliver({
      body: loadBody('sharinpix', 'new_publication'),
      headers: {
        'content-type': 'application/json',
        'x-sharinpix-event': 'new_publication',
        'x-sharinpix-secret': TEST_SECRETS.SHARINPIX_SECRET,
      },
    });
    const messages = await receiveAll(admin, queueUrl);

    // Assess
    expect(answer).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect(messages.map((message) => message.MessageAttributes?.eventId?.StringValue)).toEqual([
      answer.body.eventId,
    ]);
    expect(JSON.parse(messages[0]?.Body ?? '{}')).toMatchObject({ supported: false });
  });

  it('puts an authentic invalid delivery on the quarantine queue without secrets or user data', async () => {
    // Prepare
    const body = loadBody('sharinpix', 'new_tag_image') as Record<string, unknown>;
    const { deliver } = harness('sharinpix');

    // Act
    const answer = await deliver({
      body: new URLSearchParams({ p: JSON.stringify({ ...body, tag: null }) }).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-sharinpix-event': 'new_tag_image',
        'x-sharinpix-secret': TEST_SECRETS.SHARINPIX_SECRET,
      },
      rawQueryString: 'token=not-for-storage&org=00D5e000000AbCd',
    });
    const [quarantined] = await receiveAll(admin, quarantineUrl);
    const events = await receiveAll(admin, queueUrl);

    // Assess
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_payload' } });
    expect(events).toHaveLength(0);
    const record = v.parse(QuarantineRecordSchema, JSON.parse(quarantined?.Body ?? 'null'));
    expect(record).toMatchObject({
      vendor: 'sharinpix',
      reason: 'invalid_payload',
      eventType: 'new_tag_image',
      queryString: 'org=00D5e000000AbCd',
      body: { encoding: 'utf8' },
    });
    const storedPayload = JSON.parse(new URLSearchParams(record.body?.data).get('p') ?? '{}');
    expect(storedPayload).toMatchObject({ id: body.id, tag: null });
    expect(storedPayload.user).toBeUndefined();
    for (const forbidden of [
      TEST_SECRETS.SHARINPIX_SECRET,
      'not-for-storage',
      'jane.example',
      'Jane Example',
    ]) {
      expect(quarantined?.Body?.includes(forbidden)).toBe(false);
    }
    expect(quarantined?.MessageAttributes).toEqual({
      vendor: { DataType: 'String', StringValue: 'sharinpix' },
      reason: { DataType: 'String', StringValue: 'invalid_payload' },
    });
  });
});
