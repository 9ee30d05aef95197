import type { ChangeEvent } from '../../../shared/changes/change-event';
import type { ChangeEventBus } from '../../../shared/changes/change-event-bus';
import { createPublisherHandler } from '../../../shared/changes/publish-changes';
import type { CollectionPage } from '../../../shared/store/image-record-store';
import { type StoredRecord, toCompletionItem } from '../../../shared/store/record-item';
import { imageChange, itemOf, streamRecord, written } from './support/stream-records';

/** A bus that keeps what it accepted and refuses entries while `refuse` says so. */
class RecordingBus implements ChangeEventBus {
  readonly accepted: ChangeEvent[] = [];
  readonly calls: number[] = [];
  constructor(
    private readonly refuse: (event: ChangeEvent, call: number) => boolean = () => false,
  ) {}

  async put(events: readonly ChangeEvent[]) {
    this.calls.push(events.length);
    const failed: number[] = [];
    events.forEach((event, index) => {
      if (this.refuse(event, this.calls.length)) failed.push(index);
      else this.accepted.push(event);
    });
    return { failed };
  }
}

const silentLog = { info: () => undefined, error: () => undefined };
const noStore = { listCollection: async (): Promise<CollectionPage> => ({ records: [] }) };
const noWait = async () => undefined;

/** `count` new images, one stream record each. */
const newImages = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    streamRecord(
      String(1000 + index),
      itemOf(
        written(
          undefined,
          imageChange(`img-${index}`, '2026-12-01T10:00:00Z', `ev-${index}`, {
            core: { status: 'done' },
          }),
          { eventId: `ev-${index}`, eventType: 'sku.v2' },
        ),
      ),
    ),
  );

const changeIdsOf = (events: readonly ChangeEvent[]) =>
  events.map((event) => event.detail.changeId);

describe('createPublisherHandler', () => {
  it('puts every change in stream order, at most 10 entries per PutEvents', async () => {
    // Prepare
    const bus = new RecordingBus();
    const publish = createPublisherHandler({ bus, store: noStore, log: silentLog });

    // Act
    const response = await publish({ Records: newImages(23) });

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(bus.calls).toEqual([10, 10, 3]);
    expect(bus.accepted.map((event) => event.detail)).toEqual(
      Array.from({ length: 23 }, (_, index) =>
        expect.objectContaining({ imageId: `img-${index}` }),
      ),
    );
  });

  it('retries refused entries with backoff and succeeds without failing the batch', async () => {
    // Prepare: the first two calls refuse img-3.
    const bus = new RecordingBus(
      (event, call) => call <= 2 && 'imageId' in event.detail && event.detail.imageId === 'img-3',
    );
    const waits: number[] = [];
    const publish = createPublisherHandler({
      bus,
      store: noStore,
      log: silentLog,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    // Act
    const response = await publish({ Records: newImages(5) });

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(bus.calls).toEqual([5, 1, 1]);
    expect(waits).toEqual([100, 200]);
    expect(bus.accepted).toHaveLength(5);
  });

  it('hands the stream back from the first entry still refused; the retry repeats the same ids', async () => {
    // Prepare: the bus refuses img-12 for the whole first invocation.
    let down = true;
    const bus = new RecordingBus(
      (event) => down && 'imageId' in event.detail && event.detail.imageId === 'img-12',
    );
    const publish = createPublisherHandler({ bus, store: noStore, log: silentLog, sleep: noWait });
    const records = newImages(15);

    // Act
    const first = await publish({ Records: records });
    down = false;
    const retried = records.slice(records.findIndex((r) => r.dynamodb?.SequenceNumber === '1012'));
    const second = await publish({ Records: retried });

    // Assess
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: '1012' }] });
    expect(second).toEqual({ batchItemFailures: [] });
    const ids = changeIdsOf(bus.accepted);
    expect(new Set(ids).size).toBe(15);
    // img-13 and img-14, accepted beside the refused img-12, went out twice under one changeId.
    expect(ids.length).toBe(15 + 2);
  });

  it('leaves out a record too large for an EventBridge entry, and says so', async () => {
    // Prepare
    const big = written(
      undefined,
      imageChange('img-big', '2026-12-01T10:00:00Z', 'ev-big', {
        core: { status: 'done' },
        vendorMeta: { blob: 'x'.repeat(300 * 1024) },
      }),
      { eventId: 'ev-big', eventType: 'sku.v2' },
    );
    const bus = new RecordingBus();
    const publish = createPublisherHandler({ bus, store: noStore, log: silentLog });

    // Act
    await publish({ Records: [streamRecord('1', itemOf(big))] });

    // Assess
    const detail = bus.accepted[0]?.detail;
    expect(detail).toMatchObject({ imageId: 'img-big', recordOmitted: 'too-large', revision: 1 });
    expect(detail && 'record' in detail).toBe(false);
  });

  it('publishes a recorded completion with the collection counted from the store', async () => {
    // Prepare
    const stored = (imageId: string, status: 'done' | 'failed' | 'processing'): StoredRecord =>
      written(
        undefined,
        imageChange(imageId, '2026-12-01T10:00:00Z', 'ev-1', { core: { status } }),
        { eventId: 'ev-1', eventType: 'sku.v2' },
      );
    const deletedImage = written(
      undefined,
      imageChange('gone', '2026-12-01T10:00:00Z', 'ev-0', { deleted: true }),
      { eventId: 'ev-0', eventType: 'sku.v2' },
    );
    const pages = [
      {
        records: [stored('a', 'done'), stored('b', 'failed')],
        next: { recordKey: 'k', sortKey: 's' },
      },
      { records: [stored('c', 'processing'), deletedImage] },
    ];
    const requested: unknown[] = [];
    const store = {
      listCollection: async (request: unknown): Promise<CollectionPage> => {
        requested.push(request);
        return pages[requested.length - 1] ?? { records: [] };
      },
    };
    const bus = new RecordingBus();
    const publish = createPublisherHandler({ bus, store, log: silentLog });
    const completion = toCompletionItem({
      vendor: 'spyne',
      collection: { kind: 'sku', id: 'sku-1', parentId: 'p-1' },
      cause: { eventId: 'ev-1', eventType: 'sku.v2' },
      completedAt: '2026-12-01T10:00:02.000Z',
    });

    // Act
    await publish({ Records: [streamRecord('7', completion)] });

    // Assess
    expect(bus.accepted).toEqual([
      {
        detailType: 'Collection Completed',
        detail: expect.objectContaining({
          vendor: 'spyne',
          collection: { kind: 'sku', id: 'sku-1', parentId: 'p-1' },
          images: { total: 3, done: 1, failed: 1 },
          cause: { eventId: 'ev-1', eventType: 'sku.v2' },
        }),
      },
    ]);
    expect(requested).toHaveLength(2);
  });
});
