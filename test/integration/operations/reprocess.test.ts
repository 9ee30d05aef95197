import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { MemoryCheckpointStore } from '../../../local/stream-feed/stream-checkpoints';
import { StreamFeed } from '../../../local/stream-feed/stream-feed';
import type { ChangeEvent } from '../../../shared/changes/change-event';
import { createPublisherHandler } from '../../../shared/changes/publish-changes';
import type { EventEnvelope } from '../../../shared/queue/event-queue';
import type { ImageRecord } from '../../../shared/record/image-record';
import { DynamoDbImageAliasStore } from '../../../shared/store/dynamodb-image-alias-store';
import { DynamoDbLedgerReader } from '../../../shared/store/ledger-reader';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import type { VendorDefinition, VendorEvent } from '../../../shared/vendors/vendor-definition';
import {
  reprocessArchive,
  type ReprocessDeps,
  type ReprocessSelection,
} from '../../../scripts/lib/reprocess/reprocess-archive';
import { eventChangesOf } from '../../../shared/worker/process-event';
import { localDynamoDb, localDynamoDbPort } from '../../support/local-clients';
import { getImageEvent } from '../read/support/http-events';
import { runScript } from '../local/support/stack-process';
import { envelopeOf, envelopeOfBody } from '../worker/support/envelopes';
import { createTestPipeline, type TestPipeline } from '../worker/support/pipeline';

/**
 * A normalizer fix reaches the records through the archive. The worker first runs a deliberately
 * broken Spyne normalizer (the output URL read from the input image, an extra metadata key); the
 * fixed code then reprocesses the archived events, and every record must equal what in-order
 * processing of the same events with the fixed code gives (a reference pipeline on fresh tables).
 * The oldest event is processed before archiving was on, as an event older than the archive's
 * retention: the fields only it set must survive.
 */

const spyne = VENDOR_DEFINITIONS.spyne;
if (spyne === undefined) throw new Error('no Spyne definition');

/** The bug: `urls.output` from the input image, and a metadata key no event carries. */
const BROKEN: Readonly<Partial<Record<'spyne', VendorDefinition<VendorEvent>>>> = {
  ...VENDOR_DEFINITIONS,
  spyne: {
    ...spyne,
    normalize: (event, clock) =>
      spyne.normalize(event, clock).map((change) => ({
        ...change,
        patch: {
          ...change.patch,
          urls: { ...change.patch.urls, output: change.patch.urls?.input ?? null },
          vendorMeta: { ...change.patch.vendorMeta, normalizer: 'broken' },
        },
      })),
  },
};

interface ImageSpec {
  readonly id: string;
  readonly status: string;
  readonly meta?: Record<string, string>;
}

/** A Spyne v2 SKU event received at `minute` past 10:00. */
const skuEvent = (sku: string, minute: number, images: readonly ImageSpec[]): EventEnvelope =>
  envelopeOf(
    'spyne',
    {
      project_id: 'reprocess-project',
      sku_id: sku,
      sku_status: images.every((image) => image.status === 'done') ? 'Done' : 'In Progress',
      image_data: images.map((image, index) => ({
        image_id: image.id,
        image_name: `${sku}_${image.id}`,
        image_category: 'Exterior',
        frame_no: String(index + 1),
        input_image: `https://media.example.com/raw/${image.id}.jpg`,
        ...(image.status === 'done'
          ? { output_image: `https://media.example.com/edited/${image.id}-${minute}.png` }
          : {}),
        status: image.status,
        ...(image.meta ? { image_meta_data: image.meta } : {}),
      })),
    },
    {
      receivedAt: new Date(`2026-11-23T10:${String(minute).padStart(2, '0')}:00.000Z`),
      requestId: `request-${sku}-${minute}`,
    },
  );

// Before archiving: the only event that sets `image_meta_data` on r-1 and r-2.
const e0 = skuEvent('sku-r1', 0, [
  { id: 'r-1', status: 'processing', meta: { shoot: 'studio-3' } },
  { id: 'r-2', status: 'processing', meta: { shoot: 'studio-4' } },
]);
// Archived, under the broken normalizer.
const e1 = skuEvent('sku-r1', 5, [
  { id: 'r-1', status: 'done' },
  { id: 'r-2', status: 'processing' },
]);
const e2 = skuEvent('sku-r1', 10, [
  { id: 'r-2', status: 'done' },
  { id: 'r-3', status: 'done' },
]);
const e3 = skuEvent('sku-r2', 6, [{ id: 'r-4', status: 'done' }]);
const other = envelopeOfBody('sharinpix', 'new_image');
const ALL = [e0, e1, e2, e3, other];
const SPYNE_IMAGES = ['r-1', 'r-2', 'r-3', 'r-4'];
const otherImage = eventChangesOf(other, VENDOR_DEFINITIONS).changes[0]?.imageId ?? '';

let client: DynamoDBClient;
let reference: TestPipeline;

/** A record without `updatedAt`, the one value that is not a function of the events. */
const content = ({ updatedAt: _updatedAt, ...rest }: ImageRecord): Omit<ImageRecord, 'updatedAt'> =>
  rest;

/** The tables after the broken normalizer: e0 unarchived with the correct code, the rest broken. */
const brokenPipeline = async (): Promise<TestPipeline> => {
  const before = await createTestPipeline(client, { archiveEvents: false });
  await before.deliver(e0);
  const broken = await createTestPipeline(client, {
    tables: before.tables,
    archiveEvents: true,
    definitions: BROKEN,
  });
  await broken.deliver(e1, e3, other);
  await broken.deliver(e2);
  return broken;
};

const depsFor = (pipeline: TestPipeline, dryRun = false): ReprocessDeps => ({
  archive: new DynamoDbLedgerReader({
    client: localDynamoDbPort(),
    tableName: pipeline.tables.ledger,
  }),
  records: pipeline.store,
  aliases: new DynamoDbImageAliasStore({
    client: localDynamoDbPort(),
    tableName: pipeline.tables.records,
  }),
  definitions: VENDOR_DEFINITIONS,
  dryRun,
});

const reprocess = (pipeline: TestPipeline, selection: ReprocessSelection = {}, dryRun = false) =>
  reprocessArchive(selection, depsFor(pipeline, dryRun));

const revisions = async (pipeline: TestPipeline): Promise<number[]> =>
  Promise.all(SPYNE_IMAGES.map(async (id) => (await pipeline.store.get('spyne', id))?.rev ?? 0));

beforeAll(async () => {
  client = localDynamoDb();
  reference = await createTestPipeline(client, { archiveEvents: true });
  for (const envelope of ALL) await reference.deliver(envelope);
});

afterAll(() => client.destroy());

describe('events reprocess', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await brokenPipeline();
  });

  it('the broken normalizer wrote wrong records (the premise)', async () => {
    // Act
    const record = await pipeline.getRecord('spyne', 'r-1');

    // Assess
    expect(record.urls.output).toBe('https://media.example.com/raw/r-1.jpg');
    expect(record.vendorMeta.normalizer).toBe('broken');
    expect(content(record)).not.toEqual(content(await reference.getRecord('spyne', 'r-1')));
  });

  it('a dry run names the images and paths it would change, and writes nothing', async () => {
    // Prepare
    const before = await revisions(pipeline);

    // Act
    const summary = await reprocess(pipeline, {}, true);

    // Assess
    expect(summary.rewritten.map((image) => image.imageId)).toEqual(SPYNE_IMAGES);
    expect(summary.rewritten[0]?.changed).toEqual(['urls.output', 'vendorMeta.normalizer']);
    expect(summary).toMatchObject({ archivedEvents: 4, selectedEvents: 4, unchanged: 1 });
    expect(await revisions(pipeline)).toEqual(before);
  });

  it('--collection rebuilds only that collection’s images', async () => {
    // Act
    const summary = await reprocess(pipeline, { collection: 'sku-r2' });

    // Assess
    expect(summary.rewritten.map((image) => image.imageId)).toEqual(['r-4']);
    expect(content(await pipeline.getRecord('spyne', 'r-4'))).toEqual(
      content(await reference.getRecord('spyne', 'r-4')),
    );
    expect((await pipeline.getRecord('spyne', 'r-3')).vendorMeta.normalizer).toBe('broken');
  });

  it('--event rebuilds the images that event touches from all their archived events', async () => {
    // Act
    const summary = await reprocess(pipeline, { eventId: e1.eventId });

    // Assess: r-2 takes its output URL from e2, which was not selected but is archived.
    expect(summary.selectedEvents).toBe(1);
    expect(summary.rewritten.map((image) => image.imageId)).toEqual(['r-1', 'r-2']);
    for (const id of ['r-1', 'r-2']) {
      expect(content(await pipeline.getRecord('spyne', id))).toEqual(
        content(await reference.getRecord('spyne', id)),
      );
    }
    expect((await pipeline.getRecord('spyne', 'r-3')).vendorMeta.normalizer).toBe('broken');
  });

  it('npm run events -- reprocess fixes every record, keeps the unarchived event’s fields, and prints a summary', async () => {
    // Act
    const result = await runScript(
      'events',
      [
        'reprocess',
        '--ledger-table',
        pipeline.tables.ledger,
        '--records-table',
        pipeline.tables.records,
      ],
      {
        AWS_ENDPOINT_URL_DYNAMODB: process.env.TEST_DYNAMODB_ENDPOINT ?? '',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    );

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rewrote spyne/r-3: urls.output, vendorMeta.normalizer');
    expect(result.stdout).toMatch(
      /reprocessed 4 of 4 archived events in [\d.]+ s \(\d+ events\/s\): 5 images, 1 rewritten, 4 unchanged/,
    );
    for (const id of SPYNE_IMAGES) {
      expect(content(await pipeline.getRecord('spyne', id))).toEqual(
        content(await reference.getRecord('spyne', id)),
      );
    }
    const r1 = await pipeline.getRecord('spyne', 'r-1');
    expect(r1.vendorMeta.image_meta_data).toEqual({ shoot: 'studio-3' });
    expect(r1.urls.output).toBe('https://media.example.com/edited/r-1-5.png');
    expect(content(await pipeline.getRecord('sharinpix', otherImage))).toEqual(
      content(await reference.getRecord('sharinpix', otherImage)),
    );
  });

  it('is idempotent: a second run writes nothing', async () => {
    // Prepare
    const before = await revisions(pipeline);

    // Act
    const summary = await reprocess(pipeline);

    // Assess
    expect(summary.rewritten).toEqual([]);
    expect(summary.unchanged).toBe(5);
    expect(await revisions(pipeline)).toEqual(before);
  });

  it('provenance still names the events that set each field', async () => {
    // Act
    const explained = await pipeline.request(getImageEvent('spyne', 'r-2', { explain: 'true' }));

    // Assess
    const body = explained.body as { provenance: Record<string, { eventId: string }> };
    expect(body.provenance['urls.output']?.eventId).toBe(e2.eventId);
    expect(body.provenance['vendorMeta.image_meta_data']?.eventId).toBe(e0.eventId);
  });
});

describe('events reprocess beside a live worker', () => {
  it('rebuilds on a concurrent write instead of overwriting it', async () => {
    // Prepare: the fixed worker applies a later event between reprocess's read and its write.
    const pipeline = await brokenPipeline();
    const fixed = await createTestPipeline(client, {
      tables: pipeline.tables,
      archiveEvents: true,
    });
    const later = skuEvent('sku-r1', 20, [{ id: 'r-1', status: 'failed' }]);
    let raced = false;
    const deps = depsFor(pipeline);
    const records: ReprocessDeps['records'] = {
      get: (vendor, imageId) => pipeline.store.get(vendor, imageId),
      replace: async (state, rev, cause) => {
        if (!raced && state.imageId === 'r-1') {
          raced = true;
          await fixed.deliver(later);
        }
        return pipeline.store.replace(state, rev, cause);
      },
    };

    // Act
    const summary = await reprocessArchive({ eventId: e1.eventId }, { ...deps, records });

    // Assess: the later event's status and the fixed output URL are both there.
    expect(summary.conflicts).toBe(1);
    await reference.deliver(later);
    const record = await pipeline.getRecord('spyne', 'r-1');
    expect(record.status).toBe('failed');
    expect(record.vendorMeta.normalizer).toBeUndefined();
    expect(content(record)).toEqual(content(await reference.getRecord('spyne', 'r-1')));
  });
});

describe('events reprocess and change events', () => {
  it('each rewritten record reaches consumers through the table’s stream, caused by the reprocess', async () => {
    // Prepare: the publisher on the records table's stream, as the stack runs it.
    const pipeline = await brokenPipeline();
    const published: ChangeEvent[] = [];
    const streams = new DynamoDBStreamsClient({
      ...LOCAL_AWS,
      endpoint: process.env.TEST_DYNAMODB_ENDPOINT ?? '',
    });
    const described = await client.send(
      new DescribeTableCommand({ TableName: pipeline.tables.records }),
    );
    const publish = createPublisherHandler({
      bus: {
        put: async (events) => {
          published.push(...events);
          return { failed: [] };
        },
      },
      store: pipeline.store,
      log: { info: () => {}, error: () => {} },
    });
    const feed = new StreamFeed({
      streams,
      streamArn: described.Table?.LatestStreamArn ?? '',
      functionName: 'publisher',
      // The feed hands over the event in Lambda's DynamoDB stream shape.
      handler: (event) => publish(event as DynamoDBStreamEvent),
      checkpoints: new MemoryCheckpointStore(),
      batchSize: 100,
      functionTimeoutMs: 10_000,
      retryAttempts: 10,
      maxRecordAgeMs: 3_600_000,
      bisectOnError: true,
      onFailure: async () => {},
      idlePollMs: 50,
      log: () => undefined,
    });
    feed.start();
    const byReprocess = () =>
      published.flatMap((event) =>
        event.detailType === 'Image Record Changed' && event.detail.cause.eventType === 'reprocess'
          ? [event.detail]
          : [],
      );

    try {
      // Act
      const summary = await reprocess(pipeline);
      const deadline = Date.now() + 20_000;
      while (byReprocess().length < summary.rewritten.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      // Assess
      const details = byReprocess().sort((a, b) => a.imageId.localeCompare(b.imageId));
      expect(details.map((detail) => detail.imageId)).toEqual(SPYNE_IMAGES);
      for (const detail of details) {
        expect(detail.changed).toEqual(['urls.output', 'vendorMeta.normalizer']);
        expect(detail.cause).toEqual(summary.cause);
        expect(detail.revision).toBe((await pipeline.store.get('spyne', detail.imageId))?.rev);
        expect(detail.record).toEqual(await pipeline.getRecord('spyne', detail.imageId));
      }
    } finally {
      await feed.stop();
      streams.destroy();
    }
  });
});
