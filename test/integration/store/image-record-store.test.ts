import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { eventClock, toImageRecord } from '../../../shared/record/record-state';
import type { ImageChange, ImagePatch } from '../../../shared/record/image-change';
import type { ImageRecord } from '../../../shared/record/image-record';
import { mergeAll } from '../../support/merge-all';
import { CapacityTally } from '../../../bench/support/capacity-tally';
import { DynamoDbImageRecordStore } from '../../../shared/store/dynamodb-image-record-store';
import {
  ConcurrentUpdateError,
  CorruptItemError,
  RecordTooLargeError,
  StoreOperationError,
} from '../../../shared/store/store-errors';
import { localDynamoDb, localDynamoDbPort } from '../../support/local-clients';
import { createTestTables, type TestTables } from './support/test-tables';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const ALBUM = { kind: 'album' as const, id: '0WOB0000000YsjGOAS' };

let client: DynamoDBClient;
let tables: TestTables;

beforeAll(async () => {
  client = localDynamoDb();
  tables = await createTestTables(client);
});

afterAll(() => client.destroy());

const storeWith = (
  options: { tally?: CapacityTally; maxWriteAttempts?: number } = {},
): DynamoDbImageRecordStore =>
  new DynamoDbImageRecordStore({
    client: localDynamoDbPort(),
    tableName: tables.records,
    now: () => NOW,
    ...(options.tally ? { onCapacity: options.tally.listener } : {}),
    ...(options.maxWriteAttempts ? { maxWriteAttempts: options.maxWriteAttempts } : {}),
  });

const change = (imageId: string, day: number, eventId: string, patch: ImagePatch): ImageChange => ({
  vendor: 'sharinpix',
  imageId,
  clock: eventClock(new Date(Date.UTC(2026, 0, day)), eventId),
  patch,
});

/** The record as the store holds it, without the one value that depends on write time. */
const storedRecord = async (
  store: DynamoDbImageRecordStore,
  imageId: string,
): Promise<Omit<ImageRecord, 'updatedAt'> | undefined> => {
  const stored = await store.get('sharinpix', imageId);
  if (stored === undefined) return undefined;
  const { updatedAt: _ignored, ...record } = toImageRecord(stored.state, stored.updatedAt);
  return record;
};

/** The record the pure merge of these changes gives, without `updatedAt`. */
const modelRecord = (changes: readonly ImageChange[]): Omit<ImageRecord, 'updatedAt'> => {
  const state = mergeAll(changes);
  if (state === undefined) throw new Error('no changes');
  const { updatedAt: _ignored, ...record } = toImageRecord(state, NOW.toISOString());
  return record;
};

describe('DynamoDbImageRecordStore.apply', () => {
  it('refuses a change that names an image stored under another collection, and writes nothing', async () => {
    // Prepare
    const tally = new CapacityTally();
    const store = storeWith({ tally });
    const owner = change('img-owned', 1, 'e1', { core: { collection: ALBUM, name: 'Owner' } });
    await store.apply(owner);
    const before = await store.get('sharinpix', 'img-owned');
    tally.reset();
    const intruder = change('img-owned', 2, 'e2', {
      core: { collection: { kind: 'album', id: 'other-album' }, name: 'Intruder' },
    });

    // Act
    const fixed = await store.apply(intruder, 'new', 'fixed');
    const cost = tally.totals();

    // Assess
    expect(fixed).toMatchObject({ outcome: 'refused', reason: 'collection_mismatch' });
    // The check costs nothing beyond the refused create DynamoDB answered with the stored item.
    expect(cost.writes).toBe(1);
    expect(cost.reads).toBe(0);
    expect((await store.get('sharinpix', 'img-owned'))?.rev).toBe(before?.rev);
    expect(await storedRecord(store, 'img-owned')).toEqual(modelRecord([owner]));
  });

  it('moves the image when the vendor says its images move', async () => {
    // Prepare
    const store = storeWith();
    const first = change('img-moves', 1, 'e1', { core: { collection: ALBUM } });
    const other = { kind: 'album' as const, id: 'next-album' };
    await store.apply(first);

    // Act
    const moved = await store.apply(
      change('img-moves', 2, 'e2', { core: { collection: other } }),
      'existing',
      'moves',
    );

    // Assess
    expect(moved.outcome).toBe('updated');
    expect((await storedRecord(store, 'img-moves'))?.collection).toEqual(other);
  });

  it('creates a new image with exactly one write, and reports its units', async () => {
    // Prepare
    const tally = new CapacityTally();
    const store = storeWith({ tally });
    const created = change('img-new', 1, 'e1', { core: { collection: ALBUM, name: 'North' } });

    // Act
    const result = await store.apply(created);

    // Assess
    expect(result).toEqual({ outcome: 'created', writeUnits: 2, attempts: 1 });
    expect(tally.totals()).toEqual({
      readUnits: 0,
      writeUnits: 2,
      indexWriteUnits: 1,
      reads: 0,
      writes: 1,
    });
    expect((await store.get('sharinpix', 'img-new'))?.rev).toBe(1);
  });

  it('merges a later change into an existing image and bumps its version', async () => {
    // Prepare
    const store = storeWith();
    await store.apply(change('img-update', 1, 'e1', { core: { name: 'old', width: 100 } }));

    // Act
    const result = await store.apply(change('img-update', 2, 'e2', { core: { name: 'new' } }));

    // Assess
    expect(result.outcome).toBe('updated');
    expect(result.attempts).toBe(2);
    const stored = await store.get('sharinpix', 'img-update');
    expect(stored?.rev).toBe(2);
    expect(await storedRecord(store, 'img-update')).toMatchObject({ name: 'new', width: 100 });
  });

  it('writes nothing for a stale change or a repeat of the same change', async () => {
    // Prepare
    const tally = new CapacityTally();
    const store = storeWith({ tally });
    const newer = change('img-stale', 5, 'e5', { core: { name: 'newer' } });
    await store.apply(newer);
    tally.reset();

    // Act
    const stale = await store.apply(change('img-stale', 1, 'e1', { core: { name: 'older' } }));
    const repeat = await store.apply(newer);

    // Assess
    expect(stale.outcome).toBe('stale');
    expect(repeat.outcome).toBe('stale');
    expect((await store.get('sharinpix', 'img-stale'))?.rev).toBe(1);
    expect(await storedRecord(store, 'img-stale')).toMatchObject({ name: 'newer' });
    // Only the two refused conditional puts, estimated: no successful write happened.
    expect(tally.totals()).toMatchObject({ writes: 2, writeUnits: 2, indexWriteUnits: 0 });
  });

  it('reads first when the image is expected to exist, and then writes once', async () => {
    // Prepare
    const tally = new CapacityTally();
    const store = storeWith({ tally });
    await store.apply(change('img-expected', 1, 'e1', { core: { collection: ALBUM, name: 'a' } }));
    tally.reset();

    // Act
    const result = await store.apply(
      change('img-expected', 2, 'e2', { core: { status: 'done' } }),
      'existing',
    );

    // Assess: one eventually consistent GetItem (0.5 RRU) and one winning put; no refused put.
    expect(result).toEqual({ outcome: 'updated', writeUnits: 2, attempts: 1 });
    expect(tally.totals()).toEqual({
      readUnits: 0.5,
      writeUnits: 2,
      indexWriteUnits: 1,
      reads: 1,
      writes: 1,
    });
    expect(await storedRecord(store, 'img-expected')).toMatchObject({ name: 'a', status: 'done' });
  });

  it('creates the image after the read when an image expected to exist is absent', async () => {
    // Prepare
    const tally = new CapacityTally();
    const store = storeWith({ tally });

    // Act
    const result = await store.apply(
      change('img-not-there', 1, 'e1', { core: { name: 'first' } }),
      'existing',
    );

    // Assess: the read found nothing, so the create was made; no collection, so no index write.
    expect(result).toEqual({ outcome: 'created', writeUnits: 1, attempts: 1 });
    expect(tally.totals()).toMatchObject({ reads: 1, writes: 1 });
    expect((await store.get('sharinpix', 'img-not-there'))?.rev).toBe(1);
  });

  it('writes nothing at all for a stale change when the read shows it', async () => {
    // Prepare
    const tally = new CapacityTally();
    const store = storeWith({ tally });
    await store.apply(change('img-read-stale', 5, 'e5', { core: { name: 'newer' } }));
    tally.reset();

    // Act
    const result = await store.apply(
      change('img-read-stale', 1, 'e1', { core: { name: 'older' } }),
      'existing',
    );

    // Assess
    expect(result).toEqual({ outcome: 'stale', writeUnits: 0, attempts: 0 });
    expect(tally.totals()).toMatchObject({ reads: 1, writes: 0, writeUnits: 0 });
    expect(await storedRecord(store, 'img-read-stale')).toMatchObject({ name: 'newer' });
  });

  it('keeps deletion terminal and tags converged per tag id', async () => {
    // Prepare
    const store = storeWith();
    const events = [
      change('img-life', 1, 'new', { core: { collection: ALBUM, status: 'processing' } }),
      change('img-life', 2, 'tag-add', { tags: { t1: { name: 'Villa' } } }),
      change('img-life', 3, 'tag-remove', { tags: { t1: null } }),
      change('img-life', 4, 'tag-add-again', { tags: { t1: { name: 'Villa', label: 'v' } } }),
      change('img-life', 5, 'delete', { deleted: true }),
      change('img-life', 6, 'late-processed', { core: { status: 'done' } }),
    ];

    // Act
    for (const event of events) await store.apply(event);

    // Assess
    expect(await storedRecord(store, 'img-life')).toMatchObject({
      status: 'deleted',
      deleted: true,
      tags: [{ id: 't1', name: 'Villa', label: 'v' }],
    });
  });

  it('converges concurrent writers on one image to the sequential result', async () => {
    // Prepare
    const store = storeWith({ maxWriteAttempts: 40 });
    const changes = Array.from({ length: 30 }, (_, index) =>
      change('img-contended', 1 + (index % 7), `e${index.toString().padStart(2, '0')}`, {
        core: { name: `name-${index}`, width: index },
        tags: { [`t${index % 4}`]: index % 3 === 0 ? null : { name: `tag-${index}` } },
        vendorMeta: { [`k${index % 5}`]: index },
      }),
    );

    // Act: half the writers expect to create the image, half read it first.
    const results = await Promise.all(
      changes.map((item, index) => store.apply(item, index % 2 === 0 ? 'new' : 'existing')),
    );

    // Assess
    expect(await storedRecord(store, 'img-contended')).toEqual(modelRecord(changes));
    const stored = await store.get('sharinpix', 'img-contended');
    const written = results.filter((result) => result.outcome !== 'stale').length;
    expect(stored?.rev).toBe(written);
    expect(results.some((result) => result.attempts > 2)).toBe(true);
  });

  it('gives up with ConcurrentUpdateError when every attempt loses', async () => {
    // Prepare: one attempt only, and the image already exists, so the first put must lose.
    const store = storeWith();
    await store.apply(change('img-bounded', 1, 'e1', { core: { name: 'a' } }));
    const bounded = storeWith({ maxWriteAttempts: 1 });

    // Act
    const applying = bounded.apply(change('img-bounded', 2, 'e2', { core: { name: 'b' } }));

    // Assess
    await expect(applying).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await storedRecord(store, 'img-bounded')).toMatchObject({ name: 'a' });
  });

  it('refuses a record over the item limit before calling DynamoDB', async () => {
    // Prepare
    const store = storeWith();
    const huge = change('img-huge', 1, 'e1', { vendorMeta: { blob: 'x'.repeat(420 * 1024) } });

    // Act
    const applying = store.apply(huge);

    // Assess
    await expect(applying).rejects.toBeInstanceOf(RecordTooLargeError);
    expect(await store.get('sharinpix', 'img-huge')).toBeUndefined();
  });

  it('reports an item it did not write as corrupt instead of guessing', async () => {
    // Prepare
    const store = storeWith();
    await client.send(
      new PutItemCommand({
        TableName: tables.records,
        Item: { pk: { S: 'sharinpix#img-corrupt' }, state: { S: 'not json' } },
      }),
    );

    // Act
    const reading = store.get('sharinpix', 'img-corrupt');

    // Assess
    await expect(reading).rejects.toBeInstanceOf(CorruptItemError);
  });

  it('translates an unreachable DynamoDB into StoreOperationError', async () => {
    // Prepare
    const unreachable = localDynamoDbPort({ maxAttempts: 1 }, 'http://127.0.0.1:9');
    const store = new DynamoDbImageRecordStore({ client: unreachable, tableName: tables.records });

    // Act
    const applying = store.apply(change('img-x', 1, 'e1', { core: { name: 'x' } }));

    // Assess
    await expect(applying).rejects.toBeInstanceOf(StoreOperationError);
  });
});

/** Events over a small space of times, ids and values, so that they collide and overlap. */
const IMAGES = ['img-a', 'img-b'] as const;
const patchArb: fc.Arbitrary<ImagePatch> = fc.record(
  {
    core: fc.record(
      {
        collection: fc.constant(ALBUM),
        name: fc.option(fc.constantFrom('North', 'South'), { nil: null }),
        status: fc.constantFrom('processing' as const, 'done' as const, 'failed' as const),
        sequence: fc.integer({ min: 1, max: 3 }),
      },
      { requiredKeys: [] },
    ),
    tags: fc.dictionary(
      fc.constantFrom('t1', 't2'),
      fc.option(fc.record({ name: fc.constantFrom('Villa', 'main') }), { nil: null }),
    ),
    detections: fc.record(
      {
        einstein: fc.array(
          fc.record({
            label: fc.constantFrom('car', 'truck'),
            confidence: fc.constantFrom(0.2, 0.9),
            source: fc.constant('einstein' as const),
          }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
    vendorMeta: fc.dictionary(
      fc.constantFrom('page', 'group_id'),
      fc.option(fc.nat(3), { nil: null }),
    ),
    deleted: fc.constant(true as const),
    uploaded: fc.constant(true as const),
  },
  { requiredKeys: [] },
);
const eventArb = fc.record({
  day: fc.integer({ min: 1, max: 4 }),
  images: fc.subarray([...IMAGES], { minLength: 1 }),
  patch: patchArb,
});
const scenarioArb = fc
  .array(eventArb, { minLength: 2, maxLength: 6 })
  .chain((events) =>
    fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })),
  );

describe('any processing order through the real store', () => {
  it('ends in identical records for 200 random permutations of mixed event sequences', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ([events, shuffled]) => {
        // Prepare: every run writes its own images, so runs never see each other.
        run += 1;
        const store = storeWith();
        const changesOf = (list: typeof events): ImageChange[] =>
          list.flatMap((event) =>
            event.images.map((image) =>
              change(
                `perm-${run}-${image}`,
                event.day,
                `event-${events.indexOf(event)}`,
                event.patch,
              ),
            ),
          );

        // Act: whatever each change expects, the records are the same.
        for (const [index, item] of changesOf(shuffled).entries()) {
          await store.apply(item, index % 3 === 0 ? 'existing' : 'new');
        }

        // Assess
        for (const image of IMAGES) {
          const expected = changesOf(events).filter(
            (item) => item.imageId === `perm-${run}-${image}`,
          );
          const actual = await storedRecord(store, `perm-${run}-${image}`);
          expect(actual).toEqual(expected.length > 0 ? modelRecord(expected) : undefined);
        }
      }),
      { numRuns: 200, seed: 4242 },
    );
  }, 180_000);
});
