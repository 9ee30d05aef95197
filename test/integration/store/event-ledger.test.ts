import { randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CapacityTally } from '../../../bench/support/capacity-tally';
import {
  ABANDONED_LEASE,
  MAX_ARCHIVE_BYTES,
  MAX_LISTED_DELIVERIES,
  MAX_LISTED_REFUSALS,
} from '../../../shared/store/dynamodb-event-ledger';
import { itemBytes, MAX_ITEM_BYTES } from '../../../shared/store/dynamodb-item';
import { deliveryCount } from '../../../shared/store/ledger-item';
import type { ClaimRequest } from '../../../shared/store/event-ledger';
import { DynamoDbLedgerReader } from '../../../shared/store/ledger-reader';
import { LeaseHeldError, LeaseLostError } from '../../../shared/store/store-errors';
import { localDynamoDb, uniqueName } from '../../support/local-clients';
import { envelopeOf, envelopeOfBody } from '../worker/support/envelopes';
import { createTestTables, type TestTables } from './support/test-tables';
import { InspectableLedger } from '../../support/inspectable-ledger';

const T0 = new Date('2026-11-23T12:00:00.000Z');
const LEASE_SECONDS = 120;
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
    client,
    tableName: tables.ledger,
    dedupeWindowSeconds: WINDOW_SECONDS,
    leaseSeconds: LEASE_SECONDS,
    archiveRetentionSeconds: RETENTION_SECONDS,
    now: () => clock.now,
    ...(tally ? { onCapacity: tally.listener } : {}),
  });

/** A claim by one message carrying its own vendor delivery (unless a delivery id is given). */
const claimFor = (
  eventId: string,
  messageId: string,
  deliveryId = `delivery-${messageId}`,
): ClaimRequest => ({
  eventId,
  messageId,
  deliveryId,
  vendor: 'spyne',
  eventType: 'sku.v2',
  receivedAt: T0.toISOString(),
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
  it('claims a new event, completes it and keeps the compressed envelope for 30 days', async () => {
    // Prepare
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');
    const eventId = uniqueName('event');

    // Act
    const claim = await ledger.claim(claimFor(eventId, 'msg-1'));
    await ledger.complete({
      eventId,
      messageId: 'msg-1',
      status: 'completed',
      imagesApplied: 2,
      archive: envelope,
    });

    // Assess
    expect(claim).toEqual({ kind: 'claimed' });
    const entry = await ledger.find(eventId);
    expect(entry).toMatchObject({
      status: 'completed',
      owner: 'msg-1',
      completedAt: T0.toISOString(),
      deliveries: ['delivery-msg-1'],
      imagesApplied: 2,
      vendor: 'spyne',
      eventType: 'sku.v2',
      expiresAt: Math.floor(T0.getTime() / 1000) + RETENTION_SECONDS,
    });
    expect(entry?.leaseUntil).toBeUndefined();
    expect(JSON.parse(gunzipSync(entry?.archive ?? new Uint8Array()).toString('utf8'))).toEqual(
      envelope,
    );
  });

  it('expires an unarchived event with the dedupe window', async () => {
    // Prepare
    const ledger = ledgerAt({ now: T0 });
    const eventId = uniqueName('event');
    await ledger.claim(claimFor(eventId, 'msg-1'));

    // Act
    await ledger.complete({ eventId, messageId: 'msg-1', status: 'ignored', imagesApplied: 0 });

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
    await ledger.claim(claimFor(eventId, 'msg-1'));
    const refused = [{ imageId: 'owned-elsewhere', reason: 'collection_mismatch' as const }];

    // Act
    await ledger.complete({
      eventId,
      messageId: 'msg-1',
      status: 'completed',
      imagesApplied: 2,
      refused,
    });

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
    await ledger.claim(claimFor(eventId, 'msg-1'));
    await ledger.complete({ eventId, messageId: 'msg-1', status: 'completed', imagesApplied: 1 });
    clock.now = secondsAfter(T0, WINDOW_SECONDS - 1);

    // Act
    const second = await ledger.claim(claimFor(eventId, 'msg-2'));
    const third = await ledger.claim(claimFor(eventId, 'msg-3'));
    const redelivered = await ledger.claim(claimFor(eventId, 'msg-3'));

    // Assess
    expect(second).toEqual({ kind: 'duplicate', deliveries: 2 });
    expect(third).toEqual({ kind: 'duplicate', deliveries: 3 });
    expect(redelivered).toEqual({ kind: 'duplicate', deliveries: 3 });
    expect((await ledger.find(eventId))?.status).toBe('completed');
  });

  it('counts one vendor delivery queued twice (a retried SendMessage) once', async () => {
    // Prepare
    const ledger = ledgerAt({ now: T0 });
    const eventId = uniqueName('event');
    await ledger.claim(claimFor(eventId, 'msg-1', 'delivery-1'));
    await ledger.complete({ eventId, messageId: 'msg-1', status: 'completed', imagesApplied: 1 });

    // Act
    const sameDelivery = await ledger.claim(claimFor(eventId, 'msg-2', 'delivery-1'));
    const vendorRetry = await ledger.claim(claimFor(eventId, 'msg-3', 'delivery-2'));

    // Assess
    expect(sameDelivery).toEqual({ kind: 'duplicate', deliveries: 1 });
    expect(vendorRetry).toEqual({ kind: 'duplicate', deliveries: 2 });
  });

  it('takes over a completed event once the window has passed, although TTL has not removed it', async () => {
    // Prepare
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const eventId = uniqueName('event');
    await ledger.claim(claimFor(eventId, 'msg-1'));
    await ledger.complete({ eventId, messageId: 'msg-1', status: 'completed', imagesApplied: 1 });
    clock.now = secondsAfter(T0, WINDOW_SECONDS + 1);

    // Act
    const late = await ledger.claim(claimFor(eventId, 'msg-late'));

    // Assess
    expect(late).toEqual({ kind: 'claimed' });
    expect(await ledger.find(eventId)).toMatchObject({ status: 'processing', owner: 'msg-late' });
  });

  it('defers another delivery while the lease lives, counting it once however often it retries', async () => {
    // Prepare
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const eventId = uniqueName('event');
    await ledger.claim(claimFor(eventId, 'msg-1'));

    // Act
    const first = ledger.claim(claimFor(eventId, 'msg-2'));
    await expect(first).rejects.toBeInstanceOf(LeaseHeldError);
    clock.now = secondsAfter(T0, LEASE_SECONDS - 1);
    const retried = ledger.claim(claimFor(eventId, 'msg-2'));

    // Assess
    await expect(retried).rejects.toBeInstanceOf(LeaseHeldError);
    expect((await ledger.find(eventId))?.deliveries).toEqual(
      expect.arrayContaining(['delivery-msg-1', 'delivery-msg-2']),
    );
    expect((await ledger.find(eventId))?.deliveries).toHaveLength(2);
  });

  it('lets the owning message resume after a crash', async () => {
    // Prepare
    const ledger = ledgerAt({ now: T0 });
    const eventId = uniqueName('event');
    await ledger.claim(claimFor(eventId, 'msg-1'));

    // Act
    const again = await ledger.claim(claimFor(eventId, 'msg-1'));

    // Assess
    expect(again).toEqual({ kind: 'resumed' });
  });

  it('hands an expired lease to the next delivery, and the old owner can no longer complete', async () => {
    // Prepare
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const eventId = uniqueName('event');
    await ledger.claim(claimFor(eventId, 'msg-1'));
    clock.now = secondsAfter(T0, LEASE_SECONDS + 1);

    // Act
    const takeover = await ledger.claim(claimFor(eventId, 'msg-2'));
    const stale = ledger.complete({
      eventId,
      messageId: 'msg-1',
      status: 'completed',
      imagesApplied: 1,
    });

    // Assess
    expect(takeover).toEqual({ kind: 'claimed' });
    await expect(stale).rejects.toBeInstanceOf(LeaseLostError);
    expect(await ledger.find(eventId)).toMatchObject({
      status: 'processing',
      owner: 'msg-2',
      leaseUntil: secondsAfter(clock.now, LEASE_SECONDS).toISOString(),
    });
  });

  it('lets exactly one of two racing deliveries take over an expired lease', async () => {
    // Prepare
    const clock = { now: T0 };
    const ledger = ledgerAt(clock);
    const eventId = uniqueName('event');
    await ledger.claim(claimFor(eventId, 'msg-1'));
    clock.now = secondsAfter(T0, LEASE_SECONDS + 1);

    // Act
    const outcomes = await Promise.allSettled([
      ledger.claim(claimFor(eventId, 'msg-2')),
      ledger.claim(claimFor(eventId, 'msg-3')),
    ]);

    // Assess
    const claimed = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter(
      (outcome) => outcome.status === 'rejected' && outcome.reason instanceof LeaseHeldError,
    );
    expect(claimed).toHaveLength(1);
    expect(refused).toHaveLength(1);
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
    await ledger.claim(claimFor(eventId, 'msg-1'));

    // Act
    await ledger.complete({
      eventId,
      messageId: 'msg-1',
      status: 'completed',
      imagesApplied: 1,
      archive: envelope,
    });

    // Assess
    const entry = await ledger.find(eventId);
    expect(entry?.status).toBe('completed');
    expect(entry?.archive).toBeUndefined();
  });

  it('counts 1,050 repeats of one event exactly, while its entry stops growing at 50 listed deliveries', async () => {
    // Prepare: before the list was capped, each repeat added its 36-character id to the item that
    // also holds the archive, and with a large archive the claim itself failed about 1,000 repeats
    // in (DynamoDB's item limit), so every further repeat was dead-lettered.
    const tally = new CapacityTally();
    const ledger = ledgerAt({ now: T0 }, tally);
    const eventId = uniqueName('event');
    await ledger.claim(claimFor(eventId, 'msg-0', randomUUID()));
    await ledger.complete({
      eventId,
      messageId: 'msg-0',
      status: 'completed',
      imagesApplied: 2,
      archive: envelopeOfBody('spyne', 'v2-sample-a'),
    });
    const repeats = 1050;
    const sizes: number[] = [];

    // Act
    for (let repeat = 1; repeat <= repeats; repeat += 1) {
      const claim = await ledger.claim(claimFor(eventId, `msg-${repeat}`, randomUUID()));
      if (claim.kind !== 'duplicate' || claim.deliveries !== repeat + 1) {
        throw new Error(`repeat ${repeat} answered ${JSON.stringify(claim)}`);
      }
      if (repeat === MAX_LISTED_DELIVERIES + 10 || repeat === repeats) {
        sizes.push(await entryBytes(eventId));
      }
    }
    const again = await ledger.claim(claimFor(eventId, 'msg-again', 'delivery-twice'));
    const twice = await ledger.claim(claimFor(eventId, 'msg-again-2', 'delivery-twice'));

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
        `${totals.writeUnits} write units; entry ${atEnd} bytes after ${repeats} repeats`,
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
    await ledger.claim(claimFor(eventId, 'msg-0', randomUUID()));
    await ledger.complete({
      eventId,
      messageId: 'msg-0',
      status: 'completed',
      imagesApplied: 8,
      refused: Array.from({ length: MAX_LISTED_REFUSALS }, (_, index) => ({
        imageId: `${index}-${'i'.repeat(250)}`,
        reason: 'collection_mismatch' as const,
      })),
      notes: Array.from({ length: 40 }, (_, index) => `${index} ${'n'.repeat(400)}`),
      archive: envelope,
    });

    // Act
    for (let repeat = 1; repeat <= MAX_LISTED_DELIVERIES + 10; repeat += 1) {
      await ledger.claim(claimFor(eventId, `msg-${repeat}`, `${randomUUID()}-${'d'.repeat(200)}`));
    }

    // Assess
    const entry = await ledger.find(eventId);
    expect(entry && deliveryCount(entry)).toBe(MAX_LISTED_DELIVERIES + 11);
    expect(entry?.archive?.byteLength).toBeGreaterThan(0.9 * MAX_ARCHIVE_BYTES);
    expect(entry?.notes).toHaveLength(20);
    expect(entry?.noteCount).toBe(40);
    expect(await entryBytes(eventId)).toBeLessThan(MAX_ITEM_BYTES);
  }, 120_000);

  it('costs one write unit per claim and per complete, with no reads', async () => {
    // Prepare
    const tally = new CapacityTally();
    const ledger = ledgerAt({ now: T0 }, tally);
    const eventId = uniqueName('event');

    // Act
    await ledger.claim(claimFor(eventId, 'msg-1'));
    await ledger.complete({ eventId, messageId: 'msg-1', status: 'completed', imagesApplied: 2 });
    await ledger.claim(claimFor(eventId, 'msg-2'));

    // Assess
    expect(tally.totals()).toEqual({
      readUnits: 0,
      writeUnits: 3,
      indexWriteUnits: 0,
      reads: 0,
      writes: 3,
    });
  });

  describe('the sparse index of unfinished events', () => {
    /** A reader of the test's ledger table (created in beforeAll). */
    const reader = () => new DynamoDbLedgerReader({ client, tableName: tables.ledger });

    it('costs no index write on the happy path: claim and complete leave the index alone', async () => {
      // Prepare
      const tally = new CapacityTally();
      const ledger = ledgerAt({ now: T0 }, tally);
      const eventId = `happy-${uniqueName('e')}`;

      // Act
      await ledger.claim(claimFor(eventId, 'msg-1'));
      await ledger.complete({ eventId, messageId: 'msg-1', status: 'completed', imagesApplied: 1 });

      // Assess
      const totals = tally.totals(tables.ledger);
      expect(totals.writes).toBe(2);
      expect(totals.indexWriteUnits).toBe(0);
      expect(await reader().unfinished('spyne')).not.toContainEqual(
        expect.objectContaining({ eventId }),
      );
    });

    it('indexes an event from its first noted failure until it completes, keeping the failure count', async () => {
      // Prepare
      const clock = { now: T0 };
      const tally = new CapacityTally();
      const ledger = ledgerAt(clock, tally);
      const eventId = `failing-${uniqueName('e')}`;
      await ledger.claim(claimFor(eventId, 'msg-1'));

      // Act
      await ledger.noteFailure({ eventId, vendor: 'spyne', error: 'StoreOperationError: PutItem' });
      clock.now = secondsAfter(T0, 30);
      await ledger.noteFailure({ eventId, vendor: 'spyne', error: 'ConcurrentUpdateError: x' });
      const whileFailing = await reader().unfinished('spyne');
      await ledger.complete({ eventId, messageId: 'msg-1', status: 'completed', imagesApplied: 1 });
      const afterwards = await reader().unfinished('spyne');
      const entry = await ledger.find(eventId);

      // Assess
      expect(whileFailing).toContainEqual(
        expect.objectContaining({
          eventId,
          status: 'processing',
          failures: 2,
          lastError: 'ConcurrentUpdateError: x',
          unfinishedSince: T0.toISOString(),
        }),
      );
      expect(afterwards).not.toContainEqual(expect.objectContaining({ eventId }));
      expect(entry).toMatchObject({ status: 'completed', failures: 2 });
      expect(entry?.unfinishedSince).toBeUndefined();
      expect(tally.totals(tables.ledger).indexWriteUnits).toBeGreaterThan(0);
    });

    it('notes nothing on a completed event, and indexes an abandoned lease at takeover', async () => {
      // Prepare
      const clock = { now: T0 };
      const ledger = ledgerAt(clock);
      const done = `done-${uniqueName('e')}`;
      const abandoned = `abandoned-${uniqueName('e')}`;
      await ledger.claim(claimFor(done, 'msg-1'));
      await ledger.complete({
        eventId: done,
        messageId: 'msg-1',
        status: 'completed',
        imagesApplied: 0,
      });
      await ledger.claim(claimFor(abandoned, 'msg-crashed'));

      // Act
      await ledger.noteFailure({ eventId: done, vendor: 'spyne', error: 'late note' });
      clock.now = secondsAfter(T0, LEASE_SECONDS + 1);
      await ledger.claim(claimFor(abandoned, 'msg-retry'));

      // Assess
      expect((await ledger.find(done))?.failures).toBeUndefined();
      expect(await ledger.find(abandoned)).toMatchObject({
        owner: 'msg-retry',
        failures: 1,
        lastError: ABANDONED_LEASE,
        unfinishedSince: clock.now.toISOString(),
      });
    });
  });
});
