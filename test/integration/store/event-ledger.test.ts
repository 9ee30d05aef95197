import { randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CapacityTally } from '../../../bench/support/capacity-tally';
import {
  MAX_ARCHIVE_BYTES,
  MAX_LISTED_DELIVERIES,
  MAX_LISTED_REFUSALS,
} from '../../../shared/store/dynamodb-event-ledger';
import { itemBytes, MAX_ITEM_BYTES } from '../../../shared/store/dynamodb-item';
import { deliveryCount } from '../../../shared/store/ledger-item';
import type {
  CheckRequest,
  CompleteRequest,
  FailureNote,
} from '../../../shared/store/event-ledger';
import { DynamoDbLedgerReader } from '../../../shared/store/ledger-reader';
import { UNFINISHED_ATTEMPT } from '../../../shared/worker/process-event';
import { localDynamoDb, localDynamoDbPort, uniqueName } from '../../support/local-clients';
import { envelopeOf, envelopeOfBody } from '../worker/support/envelopes';
import { createTestTables, type TestTables } from './support/test-tables';
import { InspectableLedger } from '../../support/inspectable-ledger';

const T0 = new Date('2026-11-23T12:00:00.000Z');
const WINDOW_SECONDS = 7 * 24 * 60 * 60;
const RETENTION_SECONDS = 30 * 24 * 60 * 60;

let client: DynamoDBClient;
let tables: TestTables;

beforeAll(async () => {
  client = localDynamoDb();
  tables = await createTestTables(client);
});

afterAll(() => client.destroy());

/** A ledger whose clock the test moves. */
const ledgerAt = (clock: { now: Date }, tally?: CapacityTally): InspectableLedger =>
  new InspectableLedger({
    client: localDynamoDbPort(),
    tableName: tables.ledger,
    dedupeWindowSeconds: WINDOW_SECONDS,
    archiveRetentionSeconds: RETENTION_SECONDS,
    now: () => clock.now,
    ...(tally ? { onCapacity: tally.listener } : {}),
  });

/** The event as one message carries it: its own vendor delivery, unless a delivery id is given. */
const eventOf = (eventId: string, messageId: string, deliveryId = `delivery-${messageId}`) => ({
  eventId,
  deliveryId,
  vendor: 'spyne' as const,
  eventType: 'sku.v2',
  receivedAt: T0.toISOString(),
});

/** A message's check, on its first receive unless a receive count is given. */
const checkFor = (
  eventId: string,
  messageId: string,
  options: { deliveryId?: string; receiveCount?: number } = {},
): CheckRequest => ({
  ...eventOf(eventId, messageId, options.deliveryId),
  attempt: { messageId, receiveCount: options.receiveCount ?? 1 },
});

/** A message's completion of the event, `completed` with one image unless told otherwise. */
const completeFor = (
  eventId: string,
  messageId: string,
  overrides: Partial<CompleteRequest> = {},
): CompleteRequest => ({
  ...eventOf(eventId, messageId),
  status: 'completed',
  imagesApplied: 1,
  ...overrides,
});

/** A failure noted by a message's first receive, unless an attempt is given. */
const failureOf = (
  eventId: string,
  messageId: string,
  error: string,
  receiveCount = 1,
): FailureNote => ({
  ...eventOf(eventId, messageId),
  attempt: { messageId, receiveCount },
  error,
});

/** The size of a ledger item as DynamoDB counts it, read raw. */
const entryBytes = async (eventId: string): Promise<number> => {
  const output = await client.send(
    new GetItemCommand({
      TableName: tables.ledger,
      Key: { eventId: { S: eventId } },
      ConsistentRead: true,
    }),
  );
  return output.Item ? itemBytes(output.Item) : 0;
};

const secondsAfter = (date: Date, seconds: number): Date =>
  new Date(date.getTime() + seconds * 1000);

describe('DynamoDbEventLedger', () => {
  it('checks a new event, then creates its entry completed, keeping the compressed envelope for 30 days', async () => {
    // Prepare
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');
    const eventId = uniqueName('event');

    // Act
    const check = await ledger.check(checkFor(eventId, 'msg-1'));
    const absent = await ledger.find(eventId);
    const completion = await ledger.complete(
      completeFor(eventId, 'msg-1', { imagesApplied: 2, archive: envelope }),
    );

    // Assess
    expect(check).toEqual({ kind: 'new' });
    expect(absent).toBeUndefined();
    expect(completion).toEqual({ kind: 'completed' });
    const entry = await ledger.find(eventId);
    expect(entry).toMatchObject({
      status: 'completed',
      firstSeenAt: T0.toISOString(),
      completedAt: T0.toISOString(),
      deliveries: ['delivery-msg-1'],
      imagesApplied: 2,
      vendor: 'spyne',
      eventType: 'sku.v2',
      receivedAt: T0.toISOString(),
      expiresAt: Math.floor(T0.getTime() / 1000) + RETENTION_SECONDS,
    });
    expect(entry?.failures).toBeUndefined();
    expect(entry?.unfinishedSince).toBeUndefined();
    expect(JSON.parse(gunzipSync(entry?.archive ?? new Uint8Array()).toString('utf8'))).toEqual(
      envelope,
    );
  });

  it('expires an unarchived event with the dedupe window', async () => {
    // Prepare
    const ledger = ledgerAt({ now: T0 });
    const eventId = uniqueName('event');

    // Act
    await ledger.complete(completeFor(eventId, 'msg-1', { status: 'ignored', imagesApplied: 0 }));

    // Assess
    const entry = await ledger.find(eventId);
    expect(entry?.status).toBe('ignored');
    expect(entry?.archive).toBeUndefined();
    expect(entry?.expiresAt).toBe(Math.floor(T0.getTime() / 1000) + WINDOW_SECONDS);
  });

  it('records the images refused for good on the completed entry', async () => {
    // Prepare
    const ledger = ledgerAt({ now: T0 });
    const eventId = uniqueName('event');
    const refused = [{ imageId: 'owned-elsewhere', reason: 'collection_mismatch' as const }];

    // Act
    await ledger.complete(completeFor(eventId, 'msg-1', { imagesApplied: 2, refused }));

    // Assess
    const entry = await ledger.find(eventId);
    expect(entry).toMatchObject({ imagesApplied: 2, imagesRefused: 1, refusedImages: refused });
  });

  it('binds a signature to its first event for one write unit, and refuses it for another', async () => {
    // Prepare
    const tally = new CapacityTally();
    const ledger = ledgerAt({ now: T0 }, tally);
    const digest = randomBytes(32).toString('hex');
    const expiresAt = '2027-11-14T12:00:00.000Z';

    // Act
    const first = await ledger.bindSignature({ digest, eventId: 'spyne:p:s:1111', expiresAt });
    const firstCost = tally.totals();
    const again = await ledger.bindSignature({ digest, eventId: 'spyne:p:s:1111', expiresAt });
    const other = await ledger.bindSignature({ digest, eventId: 'spyne:p:s:2222', expiresAt });

    // Assess
    expect([first, again, other]).toEqual(['bound', 'bound', 'reused']);
    expect(firstCost).toMatchObject({ writes: 1, writeUnits: 1, reads: 0 });
  });

  it('counts every later delivery within the window as a duplicate', async () => {
    // Prepare
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const eventId = uniqueName('event');
    await ledger.complete(completeFor(eventId, 'msg-1'));
    clock.now = secondsAfter(T0, WINDOW_SECONDS - 1);

    // Act
    const second = await ledger.check(checkFor(eventId, 'msg-2'));
    const third = await ledger.check(checkFor(eventId, 'msg-3'));
    const redelivered = await ledger.check(checkFor(eventId, 'msg-3', { receiveCount: 2 }));

    // Assess
    expect(second).toEqual({ kind: 'duplicate', deliveries: 2 });
    expect(third).toEqual({ kind: 'duplicate', deliveries: 3 });
    expect(redelivered).toEqual({ kind: 'duplicate', deliveries: 3 });
    expect(await ledger.find(eventId)).toMatchObject({
      status: 'completed',
      completedAt: T0.toISOString(),
    });
  });

  it('counts one vendor delivery queued twice (a retried SendMessage) once, writing nothing for the second', async () => {
    // Prepare
    const tally = new CapacityTally();
    const ledger = ledgerAt({ now: T0 }, tally);
    const eventId = uniqueName('event');
    await ledger.complete(completeFor(eventId, 'msg-1'));

    // Act
    tally.reset();
    const sameDelivery = await ledger.check(
      checkFor(eventId, 'msg-2', { deliveryId: 'delivery-msg-1' }),
    );
    const sameDeliveryCost = tally.totals();
    const vendorRetry = await ledger.check(checkFor(eventId, 'msg-3'));

    // Assess
    expect(sameDelivery).toEqual({ kind: 'duplicate', deliveries: 1 });
    expect(vendorRetry).toEqual({ kind: 'duplicate', deliveries: 2 });
    expect(sameDeliveryCost).toMatchObject({ reads: 1, writes: 0 });
  });

  it('applies a completed event again once the window has passed, although TTL has not removed it', async () => {
    // Prepare: completed with a refused image, notes and the archive; a failure noted before.
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const eventId = uniqueName('event');
    await ledger.noteFailure(failureOf(eventId, 'msg-1', 'StoreOperationError: PutItem'));
    await ledger.complete(
      completeFor(eventId, 'msg-1', {
        refused: [{ imageId: 'img-1', reason: 'collection_mismatch' }],
        notes: ['dropped image_data.0.status: Invalid option'],
        archive: envelopeOfBody('spyne', 'v2-sample-a'),
      }),
    );
    clock.now = secondsAfter(T0, WINDOW_SECONDS + 1);

    // Act
    const late = await ledger.check(checkFor(eventId, 'msg-late'));
    const completion = await ledger.complete(
      completeFor(eventId, 'msg-late', { imagesApplied: 2 }),
    );

    // Assess
    expect(late).toEqual({ kind: 'new' });
    expect(completion).toEqual({ kind: 'completed' });
    const entry = await ledger.find(eventId);
    expect(entry).toMatchObject({
      status: 'completed',
      firstSeenAt: T0.toISOString(),
      completedAt: clock.now.toISOString(),
      imagesApplied: 2,
      failures: 1,
      expiresAt: Math.floor(clock.now.getTime() / 1000) + WINDOW_SECONDS,
    });
    expect(entry?.deliveries).toEqual(
      expect.arrayContaining(['delivery-msg-1', 'delivery-msg-late']),
    );
    expect([entry?.refusedImages, entry?.notes, entry?.archive]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('counts a delivery that completes after another completed the event as a duplicate, once however often it retries', async () => {
    // Prepare: two deliveries checked the event before either completed it.
    const ledger = ledgerAt({ now: T0 });
    const eventId = uniqueName('event');
    const checks = [
      await ledger.check(checkFor(eventId, 'msg-1')),
      await ledger.check(checkFor(eventId, 'msg-2')),
    ];

    // Act
    const first = await ledger.complete(completeFor(eventId, 'msg-1'));
    const second = await ledger.complete(completeFor(eventId, 'msg-2', { imagesApplied: 0 }));
    const secondRedelivered = await ledger.check(checkFor(eventId, 'msg-2', { receiveCount: 2 }));

    // Assess
    expect(checks).toEqual([{ kind: 'new' }, { kind: 'new' }]);
    expect(first).toEqual({ kind: 'completed' });
    expect(second).toEqual({ kind: 'duplicate', deliveries: 2 });
    expect(secondRedelivered).toEqual({ kind: 'duplicate', deliveries: 2 });
    const entry = await ledger.find(eventId);
    expect(entry).toMatchObject({ status: 'completed', imagesApplied: 1 });
    expect([...(entry?.deliveries ?? [])].sort()).toEqual(['delivery-msg-1', 'delivery-msg-2']);
  });

  it('lets exactly one of two deliveries completing at once finish the event, every time', async () => {
    // Prepare
    const ledger = ledgerAt({ now: T0 });
    const rounds = 25;

    // Act
    const outcomes = [];
    for (let round = 0; round < rounds; round += 1) {
      const eventId = uniqueName('event');
      const [a, b] = await Promise.all([
        ledger.complete(completeFor(eventId, 'msg-a')),
        ledger.complete(completeFor(eventId, 'msg-b')),
      ]);
      outcomes.push({ kinds: [a.kind, b.kind].sort(), entry: await ledger.find(eventId) });
    }

    // Assess
    for (const { kinds, entry } of outcomes) {
      expect(kinds).toEqual(['completed', 'duplicate']);
      expect(entry && deliveryCount(entry)).toBe(2);
    }
  });

  it('completes without the archive when even the compressed envelope would not fit in an item', async () => {
    // Prepare
    const ledger = ledgerAt({ now: T0 });
    const eventId = uniqueName('event');
    // Random bytes do not compress: about 410 KB of gzip, over the archive limit (spread over
    // ten images, as each metadata blob is capped at 64 KiB).
    const envelope = envelopeOf('spyne', {
      project_id: 'p-1',
      sku_id: 'sku-1',
      image_data: Array.from({ length: 10 }, (_, index) => ({
        image_id: `img-${index}`,
        image_meta_data: { noise: randomBytes(40 * 1024).toString('base64') },
      })),
    });

    // Act
    await ledger.complete(completeFor(eventId, 'msg-1', { archive: envelope }));

    // Assess
    const entry = await ledger.find(eventId);
    expect(entry?.status).toBe('completed');
    expect(entry?.archive).toBeUndefined();
    expect(entry?.archiveSkipped).toBe('too_large');
  });

  it('counts 1,050 repeats of one event exactly, while its entry stops growing at 50 listed deliveries', async () => {
    // Prepare: before the list was capped, each repeat added its 36-character id to the item that
    // also holds the archive, and with a large archive the write itself failed about 1,000 repeats
    // in (DynamoDB's item limit), so every further repeat was dead-lettered.
    const tally = new CapacityTally();
    const ledger = ledgerAt({ now: T0 }, tally);
    const eventId = uniqueName('event');
    await ledger.complete({
      ...completeFor(eventId, 'msg-0', {
        imagesApplied: 2,
        archive: envelopeOfBody('spyne', 'v2-sample-a'),
      }),
      deliveryId: randomUUID(),
    });
    const repeats = 1050;
    const sizes: number[] = [];

    // Act
    for (let repeat = 1; repeat <= repeats; repeat += 1) {
      const check = await ledger.check(
        checkFor(eventId, `msg-${repeat}`, { deliveryId: randomUUID() }),
      );
      if (check.kind !== 'duplicate' || check.deliveries !== repeat + 1) {
        throw new Error(`repeat ${repeat} answered ${JSON.stringify(check)}`);
      }
      if (repeat === MAX_LISTED_DELIVERIES + 10 || repeat === repeats) {
        sizes.push(await entryBytes(eventId));
      }
    }
    const again = await ledger.check(
      checkFor(eventId, 'msg-again', { deliveryId: 'delivery-twice' }),
    );
    const twice = await ledger.check(
      checkFor(eventId, 'msg-again-2', { deliveryId: 'delivery-twice' }),
    );

    // Assess
    expect(again).toEqual({ kind: 'duplicate', deliveries: repeats + 2 });
    expect(twice).toEqual({ kind: 'duplicate', deliveries: repeats + 2 });
    const entry = await ledger.find(eventId);
    expect(entry?.deliveries).toHaveLength(MAX_LISTED_DELIVERIES);
    expect(entry && deliveryCount(entry)).toBe(repeats + 2);
    expect(entry?.archive).toBeDefined();
    const [at60, atEnd] = sizes;
    expect(atEnd).toBeDefined();
    // `moreDeliveries` gains a digit or two; nothing else grows.
    expect((atEnd ?? 0) - (at60 ?? 0)).toBeLessThanOrEqual(2);
    const totals = tally.totals(tables.ledger);
    console.log(
      `ledger: ${repeats + 3} deliveries of one event, ${totals.writes} writes, ` +
        `${totals.writeUnits} write units, ${totals.reads} reads, ${totals.readUnits} read units; ` +
        `entry ${atEnd} bytes after ${repeats} repeats`,
    );
  }, 300_000);

  it('keeps an entry at every cap (archive, refusals, notes) under the item limit past the listed deliveries', async () => {
    // Prepare: an archive just under its cap (random bytes do not compress), 100 refused images
    // with the longest ids and 40 notes: the largest entry an event can leave.
    const ledger = ledgerAt({ now: T0 });
    const eventId = uniqueName('event');
    const envelope = envelopeOf('spyne', {
      project_id: 'p-1',
      sku_id: 'sku-1',
      image_data: Array.from({ length: 8 }, (_, index) => ({
        image_id: `img-${index}`,
        image_meta_data: { noise: randomBytes(41 * 1024).toString('base64') },
      })),
    });
    await ledger.complete({
      ...completeFor(eventId, 'msg-0', {
        imagesApplied: 8,
        refused: Array.from({ length: MAX_LISTED_REFUSALS }, (_, index) => ({
          imageId: `${index}-${'i'.repeat(250)}`,
          reason: 'collection_mismatch' as const,
        })),
        notes: Array.from({ length: 40 }, (_, index) => `${index} ${'n'.repeat(400)}`),
        archive: envelope,
      }),
      deliveryId: randomUUID(),
    });

    // Act
    for (let repeat = 1; repeat <= MAX_LISTED_DELIVERIES + 10; repeat += 1) {
      await ledger.check(
        checkFor(eventId, `msg-${repeat}`, { deliveryId: `${randomUUID()}-${'d'.repeat(200)}` }),
      );
    }

    // Assess
    const entry = await ledger.find(eventId);
    expect(entry && deliveryCount(entry)).toBe(MAX_LISTED_DELIVERIES + 11);
    expect(entry?.archive?.byteLength).toBeGreaterThan(0.9 * MAX_ARCHIVE_BYTES);
    expect(entry?.notes).toHaveLength(20);
    expect(entry?.noteCount).toBe(40);
    expect(await entryBytes(eventId)).toBeLessThan(MAX_ITEM_BYTES);
  }, 120_000);

  it('completes an event again outside the window when its listed deliveries are full, counting this one past them', async () => {
    // Prepare: the completing delivery and 50 repeats: 50 listed, 1 counted past them.
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const eventId = uniqueName('event');
    await ledger.complete(completeFor(eventId, 'msg-0'));
    for (let repeat = 1; repeat <= MAX_LISTED_DELIVERIES; repeat += 1) {
      await ledger.check(checkFor(eventId, `msg-${repeat}`));
    }
    clock.now = secondsAfter(T0, WINDOW_SECONDS + 1);

    // Act
    const late = await ledger.check(checkFor(eventId, 'msg-late'));
    const completion = await ledger.complete(completeFor(eventId, 'msg-late'));

    // Assess
    expect(late).toEqual({ kind: 'new' });
    expect(completion).toEqual({ kind: 'completed' });
    const entry = await ledger.find(eventId);
    expect(entry).toMatchObject({
      completedAt: clock.now.toISOString(),
      moreDeliveries: 2,
      lastDelivery: 'delivery-msg-late',
    });
    expect(entry?.deliveries).toHaveLength(MAX_LISTED_DELIVERIES);
    expect(entry && deliveryCount(entry)).toBe(MAX_LISTED_DELIVERIES + 2);
  });

  it('costs one read and one write for a new event, and one read and one write per duplicate', async () => {
    // Prepare
    const tally = new CapacityTally();
    const ledger = ledgerAt({ now: T0 }, tally);
    const eventId = uniqueName('event');

    // Act
    await ledger.check(checkFor(eventId, 'msg-1'));
    await ledger.complete(completeFor(eventId, 'msg-1', { imagesApplied: 2 }));
    await ledger.check(checkFor(eventId, 'msg-2'));

    // Assess: eventually consistent reads of an entry under 4 KB, half a read unit each (the
    // first finds no entry, and is charged all the same).
    expect(tally.totals()).toEqual({
      readUnits: 1,
      writeUnits: 2,
      indexWriteUnits: 0,
      reads: 2,
      writes: 2,
    });
  });

  describe('the sparse index of unfinished events', () => {
    /** A reader of the test's ledger table (created in beforeAll). */
    const reader = () =>
      new DynamoDbLedgerReader({ client: localDynamoDbPort(), tableName: tables.ledger });

    it('costs no index write on the happy path: check and complete leave the index alone', async () => {
      // Prepare
      const tally = new CapacityTally();
      const ledger = ledgerAt({ now: T0 }, tally);
      const eventId = `happy-${uniqueName('e')}`;

      // Act
      await ledger.check(checkFor(eventId, 'msg-1'));
      await ledger.complete(completeFor(eventId, 'msg-1'));

      // Assess
      const totals = tally.totals(tables.ledger);
      expect(totals.writes).toBe(1);
      expect(totals.indexWriteUnits).toBe(0);
      expect(await reader().unfinished('spyne')).not.toContainEqual(
        expect.objectContaining({ eventId }),
      );
    });

    it('creates an unfinished entry at the first noted failure and indexes it until it completes, keeping the failure count', async () => {
      // Prepare
      const clock = { now: T0 };
      const tally = new CapacityTally();
      const ledger = ledgerAt(clock, tally);
      const eventId = `failing-${uniqueName('e')}`;

      // Act
      await ledger.noteFailure(failureOf(eventId, 'msg-1', 'StoreOperationError: PutItem'));
      clock.now = secondsAfter(T0, 30);
      const retry = await ledger.check(checkFor(eventId, 'msg-1', { receiveCount: 2 }));
      await ledger.noteFailure(failureOf(eventId, 'msg-1', 'ConcurrentUpdateError: x', 2));
      const whileFailing = await reader().unfinished('spyne');
      await ledger.complete(completeFor(eventId, 'msg-1'));
      const afterwards = await reader().unfinished('spyne');
      const entry = await ledger.find(eventId);

      // Assess
      expect(retry).toEqual({ kind: 'retry', unfinishedAttempt: false });
      expect(whileFailing).toContainEqual(
        expect.objectContaining({
          eventId,
          status: 'processing',
          vendor: 'spyne',
          eventType: 'sku.v2',
          receivedAt: T0.toISOString(),
          firstSeenAt: T0.toISOString(),
          failures: 2,
          lastError: 'ConcurrentUpdateError: x',
          lastFailedAt: clock.now.toISOString(),
          unfinishedSince: T0.toISOString(),
          expiresAt: Math.floor(T0.getTime() / 1000) + WINDOW_SECONDS,
        }),
      );
      expect(afterwards).not.toContainEqual(expect.objectContaining({ eventId }));
      expect(entry).toMatchObject({
        status: 'completed',
        failures: 2,
        lastError: 'ConcurrentUpdateError: x',
        lastFailedAt: clock.now.toISOString(),
        firstSeenAt: T0.toISOString(),
        deliveries: ['delivery-msg-1'],
      });
      expect(entry?.unfinishedSince).toBeUndefined();
      expect(tally.totals(tables.ledger).indexWriteUnits).toBeGreaterThan(0);
    });

    it('notes nothing on a completed event, and indexes an attempt that crashed once its message is received again', async () => {
      // Prepare: one event completed; another whose first receive crashed before any write.
      const clock = { now: T0 };
      const ledger = ledgerAt(clock);
      const done = `done-${uniqueName('e')}`;
      const crashed = `crashed-${uniqueName('e')}`;
      await ledger.complete(completeFor(done, 'msg-1', { imagesApplied: 0 }));

      // Act
      await ledger.noteFailure(failureOf(done, 'msg-1', 'late note'));
      clock.now = secondsAfter(T0, 181);
      const retry = await ledger.check(checkFor(crashed, 'msg-crashed', { receiveCount: 2 }));
      if (retry.kind === 'retry' && retry.unfinishedAttempt) {
        await ledger.noteFailure(failureOf(crashed, 'msg-crashed', UNFINISHED_ATTEMPT, 1));
      }
      const noted = await ledger.check(checkFor(crashed, 'msg-crashed', { receiveCount: 3 }));
      const indexed = await reader().unfinished('spyne');

      // Assess
      expect((await ledger.find(done))?.failures).toBeUndefined();
      expect(retry).toEqual({ kind: 'retry', unfinishedAttempt: true });
      // Receive 2 did not note a failure of its own: it too ended without finishing.
      expect(noted).toEqual({ kind: 'retry', unfinishedAttempt: true });
      expect(indexed).toContainEqual(
        expect.objectContaining({
          eventId: crashed,
          status: 'processing',
          failures: 1,
          lastError: UNFINISHED_ATTEMPT,
          unfinishedSince: clock.now.toISOString(),
        }),
      );
    });
  });
});
