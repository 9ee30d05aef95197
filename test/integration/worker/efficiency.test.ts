import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import type { CapacityTotals } from '../../../bench/support/capacity-tally';
import type { Vendor } from '../../../shared/vendors/vendor';
import { localDynamoDb } from '../../support/local-clients';
import { loadBody } from '../../support/vendor-bodies';
import { envelopeOf, envelopeOfBody, sqsEventOf, sqsRecordOf } from './support/envelopes';
import { createTestPipeline, type TestPipeline } from './support/pipeline';

/**
 * What an event costs, counted from DynamoDB's own `ConsumedCapacity` (DynamoDB Local reports it
 * like the service, index writes included). "Table" units are the base-table writes the
 * benchmark's floor is compared on; the `byCollection` index (projection ALL) adds one index write
 * per written record of up to 1 KB on top.
 *
 * The ledger's share of every event: its check, ONE eventually consistent GetItem of the entry
 * (0.5 read units for an entry up to 4 KB, charged also when there is none), then for a new event
 * ONE completion UpdateItem that creates the entry (1 unit up to 1 KB, more with a large archive),
 * and for a vendor's repeat ONE UpdateItem that counts it. Before, a claim UpdateItem (1 unit)
 * came first on every path and no read: a new event cost 1 table unit more and no read unit, a
 * repeat the same write units.
 */

let client: DynamoDBClient;
beforeAll(() => {
  client = localDynamoDb();
});
afterAll(() => client.destroy());

interface Cost {
  readonly tableWriteUnits: number;
  readonly indexWriteUnits: number;
  readonly reads: number;
  readonly readUnits: number;
}

const costOf = (totals: CapacityTotals): Cost => ({
  tableWriteUnits: totals.writeUnits - totals.indexWriteUnits,
  indexWriteUnits: totals.indexWriteUnits,
  reads: totals.reads,
  readUnits: totals.readUnits,
});

/** The ledger check's read: one eventually consistent GetItem of an entry under 4 KB. */
const CHECK = { reads: 1, readUnits: 0.5 };

/** Delivers one message and returns what it cost. */
const deliverCounting = async (
  pipeline: TestPipeline,
  envelope: ReturnType<typeof envelopeOfBody>,
): Promise<Cost> => {
  pipeline.tally.reset();
  const response = await pipeline.handler(sqsEventOf([sqsRecordOf(envelope)]));
  expect(response.batchItemFailures).toEqual([]);
  return costOf(pipeline.tally.totals());
};

describe('write units per event', () => {
  it('meets images + 1 table unit (+1 completing) and a half-unit read for a new event with items under 1 KB, and 1 unit per duplicate', async () => {
    // Prepare: Spyne v2 sample A, two images whose items are under 1 KB.
    const pipeline = await createTestPipeline(client, { archiveEvents: false });
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');

    // Act
    const fresh = await deliverCounting(pipeline, envelope);
    const duplicate = await deliverCounting(pipeline, { ...envelope, requestId: 'vendor-retry' });
    const sameDelivery = await deliverCounting(pipeline, envelope);

    // Assess: two image creates (1 table + 1 index each), the ledger completion (1), and, the SKU
    // being done, its completion item (1 unit, no index entry): 2 + 1 + 1, where the claim made
    // it 2 + 2 + 1. A vendor's repeat: the check's read and 1 unit to count it, as before.
    expect(fresh).toEqual({ tableWriteUnits: 2 + 1 + 1, indexWriteUnits: 2, ...CHECK });
    expect(duplicate).toEqual({ tableWriteUnits: 1, indexWriteUnits: 0, ...CHECK });
    // The same delivery again (an SQS redelivery) is counted already: the read alone.
    expect(sameDelivery).toEqual({ tableWriteUnits: 0, indexWriteUnits: 0, ...CHECK });
  });

  it.each<[Vendor, string, boolean, Cost, Cost]>([
    // vendor, body, archive, new event, duplicate. The Spyne samples (SKU done) and the
    // completed detect job complete their collection: one more unit for the completion item.
    // Every new event costs one table unit less than with the claim (the figure it had is noted
    // beside it) and the check's half-unit read; every duplicate the same write units as before
    // but for two (the entries, archive included, stay under 4 KB, so the read is half a unit).
    // Those two are the archived Spyne v2-sample-b and detect entries, 952 and 959 bytes once
    // the repeat is listed: the claim's UpdateItem also wrote its expiry time again on the
    // finished entry, beside the `owner` it kept (about 75 bytes), which took them past 1 KB.
    [
      'spyne',
      'v2-sample-a',
      true,
      { tableWriteUnits: 4, indexWriteUnits: 2, ...CHECK }, // 5 with the claim
      { tableWriteUnits: 1, indexWriteUnits: 0, ...CHECK },
    ],
    [
      'spyne',
      'v2-sample-b',
      false,
      { tableWriteUnits: 5, indexWriteUnits: 3, ...CHECK }, // 6 with the claim
      { tableWriteUnits: 1, indexWriteUnits: 0, ...CHECK },
    ],
    [
      'spyne',
      'v2-sample-b',
      true,
      { tableWriteUnits: 5, indexWriteUnits: 3, ...CHECK }, // 6 with the claim
      { tableWriteUnits: 1, indexWriteUnits: 0, ...CHECK }, // 2 with the claim
    ],
    [
      'sharinpix',
      'new_image',
      false,
      { tableWriteUnits: 2, indexWriteUnits: 1, ...CHECK }, // 3 with the claim
      { tableWriteUnits: 1, indexWriteUnits: 0, ...CHECK },
    ],
    [
      'sharinpix',
      'new_image',
      true,
      { tableWriteUnits: 2, indexWriteUnits: 1, ...CHECK }, // 3 with the claim
      { tableWriteUnits: 1, indexWriteUnits: 0, ...CHECK },
    ],
    [
      'image-intelligence',
      'detect--partial-error',
      false,
      { tableWriteUnits: 5, indexWriteUnits: 3, ...CHECK }, // 6 with the claim
      { tableWriteUnits: 1, indexWriteUnits: 0, ...CHECK },
    ],
    [
      'image-intelligence',
      'detect--partial-error',
      true,
      { tableWriteUnits: 5, indexWriteUnits: 3, ...CHECK }, // 6 with the claim
      { tableWriteUnits: 1, indexWriteUnits: 0, ...CHECK }, // 2 with the claim
    ],
  ])(
    '%s %s (archive %p) costs what was measured, one read per delivery',
    async (vendor, body, archiveEvents, expectedFresh, expectedDuplicate) => {
      // Prepare
      const pipeline = await createTestPipeline(client, { archiveEvents });
      const envelope = envelopeOfBody(vendor, body);

      // Act
      const fresh = await deliverCounting(pipeline, envelope);
      // A vendor retry: the same event, received by another gateway request.
      const duplicate = await deliverCounting(pipeline, { ...envelope, requestId: 'vendor-retry' });

      // Assess
      expect(fresh).toEqual(expectedFresh);
      expect(duplicate).toEqual(expectedDuplicate);
    },
  );

  it('reads first, then writes once, for an event that follows its image (SharinPix image_processed)', async () => {
    // Prepare: the image is announced by new_image; image_processed then reports on it.
    const pipeline = await createTestPipeline(client, { archiveEvents: false });
    const announced = loadBody('sharinpix', 'new_image');
    await deliverCounting(pipeline, envelopeOf('sharinpix', announced, { eventType: 'new_image' }));
    const processed = envelopeOf('sharinpix', announced, { eventType: 'image_processed' });

    // Act
    const update = await deliverCounting(pipeline, processed);

    // Assess: one GetItem and one conditional put (1 table + 1 index), plus the ledger's check and
    // completion: images + 1 table unit and two half-unit reads, where starting with a create
    // would have cost a refused put more (with the claim: 1 + 2 units, one read).
    expect(update).toEqual({ tableWriteUnits: 1 + 1, indexWriteUnits: 1, reads: 2, readUnits: 1 });
    expect(pipeline.tally.totals()).toMatchObject({ writes: 2 });
  });

  it('costs one refused put plus one put per image when a new event updates existing images', async () => {
    // Prepare: the same SKU completed again, now with every image failed (a new event). Spyne
    // events are expected to create their images, so each one starts with a create.
    const pipeline = await createTestPipeline(client, { archiveEvents: false });
    await deliverCounting(pipeline, envelopeOfBody('spyne', 'v2-sample-a'));
    const sku = v.parse(
      v.looseObject({ image_data: v.array(v.record(v.string(), v.unknown())) }),
      loadBody('spyne', 'v2-sample-a'),
    );
    const redone = envelopeOf('spyne', {
      ...sku,
      image_data: sku.image_data.map((image) => ({ ...image, status: 'failed' })),
    });

    // Act
    const update = await deliverCounting(pipeline, redone);

    // Assess: per image one refused put (estimated from the item size; with the state deflated
    // these items stay under 1 KB, so 1 unit) and one conditional put (1 unit table, 1 index);
    // plus the ledger's check and completion, and the completion of the (again done) SKU (with
    // the claim: one unit and one write more, no read).
    expect(pipeline.tally.totals().writes).toBe(2 * 2 + 1 + 1);
    expect(update).toEqual({
      tableWriteUnits: 2 * 1 + 2 * 1 + 1 + 1,
      indexWriteUnits: 2,
      ...CHECK,
    });
  });
});

describe('write units of the trust checks', () => {
  const SIGNED_BY = { digest: 'a'.repeat(64), expiresAt: '2027-11-23T10:00:00.000Z' };

  it('costs one write unit to bind a Spyne signature, and refuses a reused one without touching a record', async () => {
    // Prepare
    const unsigned = await createTestPipeline(client, { archiveEvents: false });
    const signed = await createTestPipeline(client, { archiveEvents: false });
    const genuine = envelopeOfBody('spyne', 'v2-sample-a');
    const forged = envelopeOfBody('spyne', 'v2-sample-b');

    // Act
    const withoutSignature = await deliverCounting(unsigned, genuine);
    const withSignature = await deliverCounting(signed, { ...genuine, signedBy: SIGNED_BY });
    const reused = await deliverCounting(signed, { ...forged, signedBy: SIGNED_BY });

    // Assess: the binding is one conditional UpdateItem on a ~150-byte item; the reuse costs the
    // check's read, the refused binding and the completion (with the archive kept for
    // inspection, 2 units): 1 + 2, where the claim made it 1 + 1 + 2.
    expect(withSignature.tableWriteUnits - withoutSignature.tableWriteUnits).toBe(1);
    expect(withSignature.indexWriteUnits).toBe(withoutSignature.indexWriteUnits);
    expect(reused).toEqual({ tableWriteUnits: 1 + 2, indexWriteUnits: 0, ...CHECK });
    expect(signed.tally.totals().writes).toBe(2);
  });

  it("costs no extra write unit to refuse another collection's image: only the refused create it starts with", async () => {
    // Prepare: SKU B owns the sample's two images; SKU A names them too.
    const pipeline = await createTestPipeline(client, { archiveEvents: false });
    const sku = v.parse(
      v.looseObject({ image_data: v.array(v.record(v.string(), v.unknown())) }),
      loadBody('spyne', 'v2-sample-a'),
    );
    await deliverCounting(pipeline, envelopeOf('spyne', { ...sku, sku_id: 'sku-b' }));
    const later = { receivedAt: new Date('2026-11-23T11:00:00.000Z') };
    const failed = sku.image_data.map((image) => ({ ...image, status: 'failed' }));
    const sameSku = envelopeOf('spyne', { ...sku, sku_id: 'sku-b', image_data: failed }, later);
    const otherSku = envelopeOf('spyne', { ...sku, sku_id: 'sku-a', image_data: failed }, later);

    // Act
    const refused = await deliverCounting(pipeline, otherSku);
    const refusedWrites = pipeline.tally.totals().writes;
    const updated = await deliverCounting(pipeline, sameSku);

    // Assess: per image one refused create (1 unit, which returns the stored item the check reads)
    // and no put; the same change under the owning SKU costs that create plus a put (1 table, 1
    // index). Then the completion of SKU A, and the ledger completion, which keeps the archive of
    // an event with refused images: 1,005 bytes, so 1 unit (with the claim, the entry also held
    // its `owner` and came to about 1,045 bytes, 2 units, and the claim itself cost 1).
    expect(refused).toEqual({ tableWriteUnits: 2 * 1 + 1 + 1, indexWriteUnits: 0, ...CHECK });
    expect(refusedWrites).toBe(2 + 1 + 1);
    expect(updated).toEqual({
      tableWriteUnits: 2 * 1 + 2 * 1 + 1 + 1,
      indexWriteUnits: 2,
      ...CHECK,
    });
  });
});
