import type { EventEnvelope } from '../../../shared/queue/event-queue';
import type { ImageChange, ImageExpectation } from '../../../shared/record/image-change';
import type { CollectionRule } from '../../../shared/record/record-state';
import type { ApplyResult } from '../../../shared/store/image-record-store';
import { RecordTooLargeError, StoreOperationError } from '../../../shared/store/store-errors';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import type { Attempt } from '../../../shared/store/event-ledger';
import { processEvent, UNFINISHED_ATTEMPT } from '../../../shared/worker/process-event';
import { InvalidPayloadError, UnsupportedVendorError } from '../../../shared/worker/worker-errors';
import { envelopeOf, envelopeOfBody } from '../../integration/worker/support/envelopes';
import { loadBody } from '../../support/vendor-bodies';
import { InMemoryLedger, InMemoryStore } from './support/in-memory-ports';

/** The first receive of a message. */
const first = (messageId: string): Attempt => ({ messageId, receiveCount: 1 });

const depsWith = (overrides: Partial<Parameters<typeof processEvent>[2]> = {}) => {
  const ledger = new InMemoryLedger();
  const store = new InMemoryStore();
  return {
    ledger,
    store,
    deps: {
      ledger,
      store,
      definitions: VENDOR_DEFINITIONS,
      archiveEvents: true,
      applyConcurrency: 4,
      ...overrides,
    },
  };
};

describe('processEvent', () => {
  it('checks, applies every image change, then completes with the archived envelope', async () => {
    // Prepare
    const { ledger, store, deps } = depsWith();
    const envelope = envelopeOfBody('spyne', 'v2-sample-b');

    // Act
    const result = await processEvent(envelope, first('msg-1'), deps);

    // Assess
    expect(result).toEqual({
      kind: 'applied',
      images: { created: 3, updated: 0, stale: 0, refused: [] },
    });
    expect(ledger.calls).toEqual([`check ${envelope.eventId}`, `complete ${envelope.eventId}`]);
    expect(ledger.entries.get(envelope.eventId)?.completed).toEqual({
      eventId: envelope.eventId,
      deliveryId: envelope.requestId,
      vendor: 'spyne',
      eventType: envelope.eventType,
      receivedAt: envelope.receivedAt,
      status: 'completed',
      imagesApplied: 3,
      archive: envelope,
    });
    expect(store.applied.map((change) => change.clock)).toEqual(
      Array(3).fill(`${envelope.eventTime}|${envelope.eventId}`),
    );
  });

  it('records the completion of a completing event once, after its images, naming the cause', async () => {
    // Prepare
    const { store, deps } = depsWith();
    const envelope = envelopeOfBody('spyne', 'v1-sample');

    // Act: the event, then SQS redelivering the same message after a crash before completion.
    await processEvent(envelope, first('msg-1'), deps);
    await processEvent(
      envelope,
      { messageId: 'msg-1', receiveCount: 2 },
      { ...deps, ledger: new InMemoryLedger() },
    );

    // Assess
    expect([...store.completions.values()]).toEqual([
      expect.objectContaining({
        vendor: 'spyne',
        collection: expect.objectContaining({ kind: 'sku' }),
        cause: { eventId: envelope.eventId, eventType: envelope.eventType },
      }),
    ]);
    expect(store.causes).toEqual(
      Array(store.applied.length).fill({
        eventId: envelope.eventId,
        eventType: envelope.eventType,
      }),
    );
  });

  it('records no completion for an event that completes nothing', async () => {
    // Prepare
    const { store, deps } = depsWith();

    // Act
    await processEvent(envelopeOfBody('sharinpix', 'new_image'), first('msg-1'), deps);

    // Assess
    expect(store.completions.size).toBe(0);
  });

  it('applies nothing for a duplicate', async () => {
    // Prepare
    const { store, deps } = depsWith();
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');
    await processEvent(envelope, first('msg-1'), deps);
    store.applied.length = 0;

    // Act: the vendor's retry, received by another gateway request.
    const result = await processEvent(
      { ...envelope, requestId: 'retry-request' },
      first('msg-2'),
      deps,
    );

    // Assess
    expect(result).toEqual({ kind: 'duplicate', deliveries: 2, appliedConcurrently: false });
    expect(store.applied).toEqual([]);
  });

  it('keeps an unsupported event in the ledger as ignored without reading its payload', async () => {
    // Prepare
    const { ledger, store, deps } = depsWith({ definitions: {} });
    const envelope = envelopeOfBody('sharinpix', 'new_publication');

    // Act
    const result = await processEvent(envelope, first('msg-1'), deps);

    // Assess
    expect(envelope.supported).toBe(false);
    expect(result).toEqual({ kind: 'ignored' });
    expect(ledger.entries.get(envelope.eventId)?.completed?.status).toBe('ignored');
    expect(store.applied).toEqual([]);
  });

  it('omits the archive when archiving is off', async () => {
    // Prepare
    const { ledger, deps } = depsWith({ archiveEvents: false });
    const envelope = envelopeOfBody('spyne', 'v1-single-image');

    // Act
    await processEvent(envelope, first('msg-1'), deps);

    // Assess
    expect(ledger.entries.get(envelope.eventId)?.completed).not.toHaveProperty('archive');
  });

  it('refuses a payload that fails its vendor schema before touching the ledger', async () => {
    // Prepare
    const { ledger, deps } = depsWith();
    const envelope: EventEnvelope = {
      ...envelopeOfBody('spyne', 'v2-sample-a'),
      payload: { sku_id: 7 },
    };

    // Act
    const processing = processEvent(envelope, first('msg-1'), deps);

    // Assess
    await expect(processing).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(processing).rejects.toThrow(/project_id/);
    expect(ledger.calls).toEqual([]);
  });

  it('refuses a vendor without a definition before touching the ledger', async () => {
    // Prepare
    const { ledger, deps } = depsWith({ definitions: {} });

    // Act
    const processing = processEvent(envelopeOfBody('spyne', 'v2-sample-a'), first('msg-1'), deps);

    // Assess
    await expect(processing).rejects.toBeInstanceOf(UnsupportedVendorError);
    expect(ledger.calls).toEqual([]);
  });

  it('does not complete when an image write fails, so the retry re-applies, and notes the failure', async () => {
    // Prepare
    const { ledger, deps } = depsWith();
    const failing = new (class extends InMemoryStore {
      override async apply(): Promise<never> {
        throw new Error('throttled');
      }
    })();
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');

    // Act
    const processing = processEvent(envelope, first('msg-1'), { ...deps, store: failing });

    // Assess
    await expect(processing).rejects.toThrow('throttled');
    expect(ledger.calls).toEqual([
      `check ${envelope.eventId}`,
      `failure ${envelope.eventId} Error: throttled`,
    ]);
    expect(ledger.entries.get(envelope.eventId)?.failures).toEqual([
      expect.objectContaining({ attempt: first('msg-1'), error: 'Error: throttled' }),
    ]);
  });

  it('notes the previous attempt of a redelivered message as unfinished, then applies', async () => {
    // Prepare: the first receive crashed before writing anything to the ledger.
    const { ledger, store, deps } = depsWith();
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');

    // Act
    const result = await processEvent(envelope, { messageId: 'msg-1', receiveCount: 2 }, deps);

    // Assess
    expect(result.kind).toBe('applied');
    expect(ledger.calls).toEqual([
      `check ${envelope.eventId}`,
      `failure ${envelope.eventId} ${UNFINISHED_ATTEMPT}`,
      `complete ${envelope.eventId}`,
    ]);
    expect(ledger.entries.get(envelope.eventId)?.failures).toEqual([
      expect.objectContaining({ attempt: first('msg-1'), error: UNFINISHED_ATTEMPT }),
    ]);
    expect(store.applied).toHaveLength(2);
  });

  it('applies two deliveries side by side to one result, and counts the later completion as a duplicate', async () => {
    // Prepare: two vendor deliveries of one event, each on its own message.
    const { ledger, store, deps } = depsWith();
    const envelope = envelopeOfBody('spyne', 'v2-sample-b');
    const single = depsWith();
    await processEvent(envelope, first('msg-0'), single.deps);

    // Act
    const results = await Promise.all([
      processEvent(envelope, first('msg-1'), deps),
      processEvent({ ...envelope, requestId: 'vendor-retry' }, first('msg-2'), deps),
    ]);

    // Assess
    expect(results).toEqual([
      { kind: 'applied', images: { created: 3, updated: 0, stale: 0, refused: [] } },
      { kind: 'duplicate', deliveries: 2, appliedConcurrently: true },
    ]);
    expect(ledger.calls.filter((call) => call.startsWith('check'))).toHaveLength(2);
    expect([...store.records.entries()]).toEqual([...single.store.records.entries()]);
  });

  describe('one signature, one body', () => {
    const signed = (envelope: EventEnvelope, digest: string): EventEnvelope => ({
      ...envelope,
      signedBy: { digest, expiresAt: '2027-11-23T10:00:00.000Z' },
    });

    it('refuses every image of an event whose signature already authenticated another body', async () => {
      // Prepare
      const { ledger, store, deps } = depsWith({ archiveEvents: false });
      const digest = 'a'.repeat(64);
      await processEvent(
        signed(envelopeOfBody('spyne', 'v2-sample-a'), digest),
        first('msg-1'),
        deps,
      );
      store.applied.length = 0;
      const forged = signed(envelopeOfBody('spyne', 'v2-sample-b'), digest);

      // Act
      const result = await processEvent(forged, first('msg-2'), deps);

      // Assess
      expect(result.kind).toBe('refused');
      expect(store.applied).toEqual([]);
      const completed = ledger.entries.get(forged.eventId)?.completed;
      expect(completed).toMatchObject({ status: 'refused', imagesApplied: 0, archive: forged });
      expect(completed?.refused?.map((refusal) => refusal.reason)).toEqual(
        Array(3).fill('signature_reused'),
      );
    });

    it('lets the same signature and body through again (an SQS redelivery)', async () => {
      // Prepare
      const { store, deps } = depsWith();
      const envelope = signed(envelopeOfBody('spyne', 'v2-sample-b'), 'b'.repeat(64));
      const ledger = deps.ledger;
      await ledger.bindSignature({
        digest: 'b'.repeat(64),
        eventId: envelope.eventId,
        expiresAt: '2027-11-23T10:00:00.000Z',
      });

      // Act: the same message, received again after a crash.
      const result = await processEvent(envelope, { messageId: 'msg-1', receiveCount: 2 }, deps);

      // Assess
      expect(result.kind).toBe('applied');
      expect(store.applied).toHaveLength(3);
    });
  });

  describe('per-image isolation', () => {
    /** A Spyne v2 SKU whose images are the given ids, in the given SKU. */
    const skuEnvelope = (skuId: string, imageIds: readonly string[]) => {
      const body = loadBody('spyne', 'v2-sample-b') as Record<string, unknown>;
      const [image] = body.image_data as Array<Record<string, unknown>>;
      return envelopeOf('spyne', {
        ...body,
        sku_id: skuId,
        image_data: imageIds.map((image_id) => ({ ...image, image_id })),
      });
    };

    it('refuses only the image that belongs to another collection, applies the rest, and archives the event', async () => {
      // Prepare
      const { ledger, store, deps } = depsWith({ archiveEvents: false });
      await processEvent(skuEnvelope('sku-b', ['owned-by-b']), first('msg-1'), deps);
      const attack = skuEnvelope('sku-a', ['a-1', 'owned-by-b', 'a-2']);

      // Act
      const result = await processEvent(attack, first('msg-2'), deps);

      // Assess
      expect(result).toEqual({
        kind: 'applied',
        images: {
          created: 2,
          updated: 0,
          stale: 0,
          refused: [{ imageId: 'owned-by-b', reason: 'collection_mismatch' }],
        },
      });
      const completed = ledger.entries.get(attack.eventId)?.completed;
      expect(completed?.refused).toEqual([
        { imageId: 'owned-by-b', reason: 'collection_mismatch' },
      ]);
      expect(completed?.imagesApplied).toBe(2);
      expect(completed?.archive).toEqual(attack);
      const owned = await store.get('spyne', 'owned-by-b');
      expect(owned?.state.fields['core:collection']?.value).toMatchObject({ id: 'sku-b' });
    });

    it('refuses an image whose record cannot fit and applies the others', async () => {
      // Prepare
      const { ledger, store, deps } = depsWith();
      const inner = store;
      deps.store = {
        apply: (change: ImageChange, expectation?: ImageExpectation, rule?: CollectionRule) =>
          change.imageId === 'too-big'
            ? Promise.reject(new RecordTooLargeError('spyne#too-big', 500_000, 409_600))
            : inner.apply(change, expectation, rule),
        get: (vendor, imageId) => inner.get(vendor, imageId),
        listCollection: () => inner.listCollection(),
        recordCompletion: (completion) => inner.recordCompletion(completion),
      };
      const envelope = skuEnvelope('sku-c', ['c-1', 'too-big', 'c-2']);

      // Act
      const result = await processEvent(envelope, first('msg-1'), deps);

      // Assess
      expect(result.kind === 'applied' && result.images).toEqual({
        created: 2,
        updated: 0,
        stale: 0,
        refused: [{ imageId: 'too-big', reason: 'record_too_large' }],
      });
      expect(ledger.entries.get(envelope.eventId)?.completed?.status).toBe('completed');
    });

    it('still applies every other image when one fails transiently, then fails the event for a retry', async () => {
      // Prepare
      const { ledger, store, deps } = depsWith({ applyConcurrency: 1 });
      const inner = store;
      const attempted: string[] = [];
      deps.store = {
        apply: (
          change: ImageChange,
          expectation?: ImageExpectation,
          rule?: CollectionRule,
        ): Promise<ApplyResult> => {
          attempted.push(change.imageId);
          return change.imageId === 'd-1'
            ? Promise.reject(
                new StoreOperationError('PutItem', 'records', { cause: new Error('throttled') }),
              )
            : inner.apply(change, expectation, rule);
        },
        get: (vendor, imageId) => inner.get(vendor, imageId),
        listCollection: () => inner.listCollection(),
        recordCompletion: (completion) => inner.recordCompletion(completion),
      };
      const envelope = skuEnvelope('sku-d', ['d-1', 'd-2', 'd-3']);

      // Act
      const processing = processEvent(envelope, first('msg-1'), deps);

      // Assess
      await expect(processing).rejects.toBeInstanceOf(StoreOperationError);
      expect(attempted).toEqual(['d-1', 'd-2', 'd-3']);
      expect(await store.get('spyne', 'd-3')).toBeDefined();
      expect(ledger.entries.get(envelope.eventId)?.completed).toBeUndefined();
    });
  });
});
