import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { eventClock, toImageRecord } from '../../../shared/record/record-state';
import type { ImageChange } from '../../../shared/record/image-change';
import {
  boundChange,
  MAX_DETECTIONS_PER_SOURCE,
  MAX_TAG_ENTRIES,
} from '../../../shared/record/image-record';
import { mergeAll } from '../../support/merge-all';
import { DynamoDbImageRecordStore } from '../../../shared/store/dynamodb-image-record-store';
import { MAX_ITEM_BYTES } from '../../../shared/store/dynamodb-item';
import { encodeState, toSizedRecordItem } from '../../../shared/store/record-item';
import { localDynamoDb, localDynamoDbPort } from '../../support/local-clients';
import { incompressible, worstCaseChanges } from '../../support/worst-case-record';
import { createTestTables, type TestTables } from './support/test-tables';

/**
 * DynamoDB's 400 KB item limit, met for real in DynamoDB Local: an Image Intelligence job with one
 * image carrying 240 detections of 2,000 characters (a 488 KB body, under the 1 MiB ingest limit)
 * made a record DynamoDB cannot hold, and the event was dead-lettered after 5 attempts. The record
 * caps make any history fit; the largest record they allow is stored here with its state as plain
 * text, uncompressed, so the limit that applies is DynamoDB's own.
 */
let client: DynamoDBClient;
let tables: TestTables;

beforeAll(async () => {
  client = localDynamoDb();
  tables = await createTestTables(client);
});

afterAll(() => client.destroy());

const store = () =>
  new DynamoDbImageRecordStore({
    client: localDynamoDbPort(),
    tableName: tables.records,
    now: () => new Date('2026-11-23T12:00:00.000Z'),
  });

/** The job's one image, as Image Intelligence reported it: 240 detections of 2,000 characters. */
const attackChange = (imageId: string): ImageChange => ({
  vendor: 'image-intelligence',
  imageId,
  clock: eventClock(
    new Date('2026-11-23T10:00:00.000Z'),
    'image-intelligence:job-big:COMPLETED_SUCCESSFULLY',
  ),
  patch: {
    core: { collection: { kind: 'job', id: 'job-big' }, status: 'done', error: null },
    urls: { input: 'https://images.example.com/big.jpg' },
    detections: {
      detect: Array.from({ length: 240 }, (_, index) => ({
        label: incompressible(2000),
        confidence: (index % 100) / 100,
        source: 'detect' as const,
      })),
    },
  },
});

/** PutItem of a record's item with its state stored as text, so nothing is compressed. */
const putAsText = (imageId: string, changes: readonly ImageChange[]) => {
  const state = mergeAll(changes);
  if (state === undefined) throw new Error('no state');
  const { item, textBytes } = toSizedRecordItem({
    state,
    rev: 1,
    updatedAt: '2026-11-23T12:00:00.000Z',
  });
  const put = client.send(
    new PutItemCommand({
      TableName: tables.records,
      Item: { ...item, state: { S: encodeState(state) } },
    }),
  );
  return { put, textBytes, imageId };
};

describe('the 400 KB item limit, against DynamoDB Local', () => {
  it('is real: DynamoDB refuses the record the 240-detection job made before the caps', async () => {
    // Act
    const { put, textBytes } = putAsText('img-unbounded', [attackChange('img-unbounded')]);

    // Assess
    expect(textBytes).toBeGreaterThan(MAX_ITEM_BYTES);
    await expect(put).rejects.toThrow(/Item size has exceeded the maximum allowed size/);
  });

  it('stores the same job within the caps: the 50 most confident detections, labels cut', async () => {
    // Prepare
    const { change, notes } = boundChange(attackChange('img-bounded'));

    // Act
    const result = await store().apply(change);

    // Assess
    expect(result.outcome).toBe('created');
    expect(notes).toHaveLength(2);
    const stored = await store().get('image-intelligence', 'img-bounded');
    const record = stored && toImageRecord(stored.state, stored.updatedAt);
    expect(record?.detections).toHaveLength(MAX_DETECTIONS_PER_SOURCE);
    expect(record?.status).toBe('done');
  });

  it('holds the largest record the caps allow in one item, stored uncompressed, and keeps merging into it', async () => {
    // Prepare
    const changes = worstCaseChanges('img-worst');
    const { put, textBytes } = putAsText('img-worst', changes);

    // Act
    await put;
    const later: ImageChange = {
      vendor: 'spyne',
      imageId: 'img-worst',
      clock: eventClock(new Date('2027-01-01T00:00:00.000Z'), 'spyne:p:s:later'),
      patch: { tags: { newest: { name: 'newest' } } },
    };
    const result = await store().apply(later, 'existing');

    // Assess
    expect(textBytes).toBeGreaterThan(0.85 * MAX_ITEM_BYTES);
    expect(textBytes).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    expect(result.outcome).toBe('updated');
    const stored = await store().get('spyne', 'img-worst');
    const tagKeys = Object.keys(stored?.state.fields ?? {}).filter((key) => key.startsWith('tag:'));
    expect(tagKeys).toHaveLength(MAX_TAG_ENTRIES);
    expect(tagKeys).toContain('tag:newest');
  });
});
