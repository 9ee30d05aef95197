import type { EventEnvelope } from '../../../shared/queue/event-envelope';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import { processEvent } from '../../../shared/worker/process-event';
import { InvalidPayloadError, UnsupportedVendorError } from '../../../shared/worker/worker-errors';
import { envelopeOfBody } from '../../integration/worker/support/envelopes';
import { InMemoryLedger, InMemoryStore } from './support/in-memory-ports';

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
  it('claims, applies every image change, then completes with the archived envelope', async () => {
    // Prepare
    const { ledger, store, deps } = depsWith();
    const envelope = envelopeOfBody('spyne', 'v2-sample-b');

    // Act
    const result = await processEvent(envelope, 'msg-1', deps);

    // Assess
    expect(result).toEqual({ kind: 'applied', images: { created: 3, updated: 0, stale: 0 } });
    expect(ledger.calls).toEqual([`claim ${envelope.eventId}`, `complete ${envelope.eventId}`]);
    expect(ledger.entries.get(envelope.eventId)?.completed).toEqual({
      eventId: envelope.eventId,
      messageId: 'msg-1',
      status: 'completed',
      imagesApplied: 3,
      archive: envelope,
    });
    expect(store.applied.map((change) => change.clock)).toEqual(
      Array(3).fill(`${envelope.eventTime}|${envelope.eventId}`),
    );
  });

  it('applies nothing for a duplicate', async () => {
    // Prepare
    const { store, deps } = depsWith();
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');
    await processEvent(envelope, 'msg-1', deps);
    store.applied.length = 0;

    // Act: the vendor's retry, received by another gateway request.
    const result = await processEvent({ ...envelope, requestId: 'retry-request' }, 'msg-2', deps);

    // Assess
    expect(result).toEqual({ kind: 'duplicate', deliveries: 2 });
    expect(store.applied).toEqual([]);
  });

  it('keeps an unsupported event in the ledger as ignored without reading its payload', async () => {
    // Prepare
    const { ledger, store, deps } = depsWith({ definitions: {} });
    const envelope = envelopeOfBody('sharinpix', 'new_publication');

    // Act
    const result = await processEvent(envelope, 'msg-1', deps);

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
    await processEvent(envelope, 'msg-1', deps);

    // Assess
    expect(ledger.entries.get(envelope.eventId)?.completed).not.toHaveProperty('archive');
  });

  it('refuses a payload that fails its vendor schema before claiming anything', async () => {
    // Prepare
    const { ledger, deps } = depsWith();
    const envelope: EventEnvelope = {
      ...envelopeOfBody('spyne', 'v2-sample-a'),
      payload: { sku_id: 7 },
    };

    // Act
    const processing = processEvent(envelope, 'msg-1', deps);

    // Assess
    await expect(processing).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(processing).rejects.toThrow(/project_id/);
    expect(ledger.calls).toEqual([]);
  });

  it('refuses a vendor without a definition before claiming anything', async () => {
    // Prepare
    const { ledger, deps } = depsWith({ definitions: {} });

    // Act
    const processing = processEvent(envelopeOfBody('spyne', 'v2-sample-a'), 'msg-1', deps);

    // Assess
    await expect(processing).rejects.toBeInstanceOf(UnsupportedVendorError);
    expect(ledger.calls).toEqual([]);
  });

  it('does not complete when an image write fails, so the retry re-applies', async () => {
    // Prepare
    const { ledger, deps } = depsWith();
    const failing = new (class extends InMemoryStore {
      override async apply(): Promise<never> {
        throw new Error('throttled');
      }
    })();
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');

    // Act
    const processing = processEvent(envelope, 'msg-1', { ...deps, store: failing });

    // Assess
    await expect(processing).rejects.toThrow('throttled');
    expect(ledger.calls).toEqual([`claim ${envelope.eventId}`]);
  });
});
