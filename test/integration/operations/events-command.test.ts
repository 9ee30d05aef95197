import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { DynamoDbEventLedger } from '../../../shared/store/dynamodb-event-ledger';
import { localDynamoDb, localDynamoDbPort } from '../../support/local-clients';
import { runScript } from '../local/support/stack-process';
import { envelopeOfBody } from '../worker/support/envelopes';
import { createTestPipeline, type TestPipeline } from '../worker/support/pipeline';

let client: DynamoDBClient;
let pipeline: TestPipeline;

/** `npm run events` against the test tables, named explicitly as for AWS, at DynamoDB Local. */
const events = (args: readonly string[]) =>
  runScript(
    'events',
    [...args, '--ledger-table', pipeline.tables.ledger, '--records-table', pipeline.tables.records],
    {
      AWS_ENDPOINT_URL_DYNAMODB: process.env.TEST_DYNAMODB_ENDPOINT ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  );

const applied = envelopeOfBody('spyne', 'v2-sample-a');
const ignored = envelopeOfBody('sharinpix', 'new_image');
const failing = { ...envelopeOfBody('sharinpix', 'image_processed'), eventId: 'failing-event-1' };

beforeAll(async () => {
  client = localDynamoDb();
  pipeline = await createTestPipeline(client, { archiveEvents: true });
  await pipeline.deliver(applied);
  await pipeline.deliver({ ...applied, requestId: 'the-vendor-retried' });
  await pipeline.deliver(ignored);
  const ledger = new DynamoDbEventLedger({
    client: localDynamoDbPort(),
    tableName: pipeline.tables.ledger,
    dedupeWindowSeconds: 3600,
    archiveRetentionSeconds: 3600,
  });
  // An event whose first attempt failed: the failure note creates its entry, unfinished.
  await ledger.noteFailure({
    eventId: failing.eventId,
    deliveryId: 'delivery-failing',
    vendor: 'sharinpix',
    eventType: failing.eventType,
    receivedAt: failing.receivedAt,
    attempt: { messageId: 'msg-failing', receiveCount: 1 },
    error: 'StoreOperationError: PutItem failed',
  });
});

afterAll(() => client.destroy());

const ListSchema = v.array(
  v.object({ eventId: v.string(), status: v.string(), vendor: v.string(), deliveries: v.number() }),
);

describe('npm run events', () => {
  it('shows one event: status, vendor, type, times, deliveries, images and the archived payload', async () => {
    // Act
    const shown = await events(['show', applied.eventId, '--json']);

    // Assess
    expect(shown.code).toBe(0);
    const details = JSON.parse(shown.stdout) as Record<string, unknown>;
    expect(details).toMatchObject({
      eventId: applied.eventId,
      status: 'completed',
      vendor: 'spyne',
      eventType: applied.eventType,
      firstSeen: applied.receivedAt,
      deliveries: 2,
      refused: [],
      failures: 0,
      payload: applied.payload,
    });
    expect(typeof details.completedAt).toBe('string');
    expect((details.images as string[]).length).toBeGreaterThan(0);
    expect(details.images).toHaveLength(details.imagesApplied as number);
  });

  it('lists events newest first, filtered by vendor and status, and the failing ones from the index', async () => {
    // Act
    const all = await events(['list', '--json']);
    const spyne = await events(['list', '--vendor', 'spyne', '--json']);
    const failingOnes = await events(['list', '--status', 'failing', '--json']);
    const text = await events(['list', '--status', 'failing']);

    // Assess
    expect(all.code).toBe(0);
    expect(
      v
        .parse(ListSchema, JSON.parse(all.stdout))
        .map((e) => e.eventId)
        .sort(),
    ).toEqual([applied.eventId, ignored.eventId, failing.eventId].sort());
    expect(v.parse(ListSchema, JSON.parse(spyne.stdout))).toEqual([
      expect.objectContaining({ eventId: applied.eventId, status: 'completed', deliveries: 2 }),
    ]);
    expect(v.parse(ListSchema, JSON.parse(failingOnes.stdout))).toEqual([
      expect.objectContaining({ eventId: failing.eventId, status: 'failing', vendor: 'sharinpix' }),
    ]);
    expect(text.stdout).toContain('(1 failed: StoreOperationError: PutItem failed)');
  });

  it('says which event it cannot find, and refuses an unknown status naming the flag', async () => {
    // Act
    const missing = await events(['show', 'no-such-event']);
    const badStatus = await events(['list', '--status', 'lost']);

    // Assess
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no event no-such-event in the ledger');
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toContain('--status must be one of');
  });
});
