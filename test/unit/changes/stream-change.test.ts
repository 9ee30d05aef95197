import * as v from 'valibot';
import { ImageRecordChangedDetailSchema } from '../../../shared/changes/change-event';
import { recordChangeId } from '../../../shared/changes/change-id';
import { streamChangeOf } from '../../../shared/changes/stream-change';
import { toCompletionItem } from '../../../shared/store/record-item';
import { imageChange, itemOf, streamRecord, written } from './support/stream-records';

const CAUSE_1 = { eventId: 'ev-1', eventType: 'sku.v2' };
const CAUSE_2 = { eventId: 'ev-2', eventType: 'sku.v2' };

const created = written(
  undefined,
  imageChange('img-1', '2026-12-01T10:00:00Z', 'ev-1', {
    core: { status: 'processing', collection: { kind: 'sku', id: 'sku-1', parentId: 'p-1' } },
    urls: { input: 'https://example.com/in.jpg' },
  }),
  CAUSE_1,
);

describe('streamChangeOf', () => {
  it('turns an insert into an Image Record Changed with every path, its cause and revision 1', () => {
    // Act
    const change = streamChangeOf(streamRecord('100', itemOf(created)));

    // Assess
    if (change.kind !== 'image') throw new Error(`expected an image change, got ${change.kind}`);
    expect(v.safeParse(ImageRecordChangedDetailSchema, change.detail).success).toBe(true);
    expect(change.detail).toMatchObject({
      changeId: recordChangeId('spyne', 'img-1', 1),
      vendor: 'spyne',
      imageId: 'img-1',
      collection: { kind: 'sku', id: 'sku-1', parentId: 'p-1' },
      cause: CAUSE_1,
      revision: 1,
      record: { status: 'processing', urls: { input: 'https://example.com/in.jpg' } },
    });
    expect(change.detail.changed).toEqual(
      expect.arrayContaining(['collection', 'status', 'urls.input']),
    );
  });

  it('lists only the paths a modification changed, and the same id every time', () => {
    // Prepare
    const updated = written(
      created,
      imageChange('img-1', '2026-12-01T11:00:00Z', 'ev-2', {
        core: { status: 'done' },
        urls: { output: 'https://example.com/out.jpg' },
      }),
      CAUSE_2,
      '2026-12-01T11:00:01.000Z',
    );
    const record = streamRecord('200', itemOf(updated), itemOf(created));

    // Act
    const first = streamChangeOf(record);
    const again = streamChangeOf(record);

    // Assess
    if (first.kind !== 'image') throw new Error(`expected an image change, got ${first.kind}`);
    expect(first.detail.changed).toEqual(['lastEventAt', 'status', 'urls.output']);
    expect(first.detail.revision).toBe(2);
    expect(first.detail.cause).toEqual(CAUSE_2);
    expect(again).toEqual(first);
  });

  it('says nothing for a write that changed no visible field, or for a removal', () => {
    // Prepare: an older event restating a value moves a clock but changes nothing visible.
    const moved = { ...created, rev: 2, updatedAt: '2026-12-01T12:00:00.000Z' };

    // Act
    const clockOnly = streamChangeOf(streamRecord('300', itemOf(moved), itemOf(created)));
    const removal = streamChangeOf(streamRecord('301', undefined, itemOf(created)));

    // Assess
    expect(clockOnly).toEqual({ kind: 'none' });
    expect(removal).toEqual({ kind: 'none' });
  });

  it('publishes nothing for an image only a prediction names, and every path once an event announces it', () => {
    // Prepare
    const predicted = written(
      undefined,
      imageChange('img-2', '2026-12-01T10:00:00Z', 'ev-1', {
        detections: { einstein: [{ label: 'car', confidence: 0.9, source: 'einstein' }] },
      }),
      CAUSE_1,
    );
    const announced = written(
      predicted,
      imageChange('img-2', '2026-12-01T11:00:00Z', 'ev-2', {
        core: { collection: { kind: 'album', id: 'a-1' } },
        uploaded: true,
      }),
      CAUSE_2,
    );

    // Act
    const first = streamChangeOf(streamRecord('400', itemOf(predicted)));
    const second = streamChangeOf(streamRecord('401', itemOf(announced), itemOf(predicted)));

    // Assess
    expect(first).toEqual({ kind: 'none' });
    if (second.kind !== 'image') throw new Error(`expected an image change, got ${second.kind}`);
    expect(second.detail.changed).toEqual(
      expect.arrayContaining(['collection', 'status', 'detections']),
    );
  });

  it('reads a completion item as a completion, and only on insert', () => {
    // Prepare
    const item = toCompletionItem({
      vendor: 'sharinpix',
      collection: { kind: 'album', id: 'a-1' },
      cause: { eventId: 'ev-9', eventType: 'upload_done' },
      completedAt: '2026-12-01T10:00:00.000Z',
    });

    // Act
    const inserted = streamChangeOf(streamRecord('400', item));
    const expired = streamChangeOf(streamRecord('401', undefined, item));

    // Assess
    expect(inserted).toEqual({
      kind: 'completion',
      completion: {
        vendor: 'sharinpix',
        collection: { kind: 'album', id: 'a-1' },
        cause: { eventId: 'ev-9', eventType: 'upload_done' },
        completedAt: '2026-12-01T10:00:00.000Z',
      },
    });
    expect(expired).toEqual({ kind: 'none' });
  });

  it('reports an item it did not write as unreadable, with the path', () => {
    // Act
    const change = streamChangeOf(
      streamRecord('500', { pk: { S: 'spyne#x' }, vendor: { S: 'spyne' } }),
    );

    // Assess
    expect(change.kind).toBe('unreadable');
    if (change.kind === 'unreadable') expect(change.issues[0]?.path).toBe('imageId');
  });
});
