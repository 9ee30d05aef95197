import { eventClock, type RecordState, toImageRecord } from '../../../shared/record/record-state';
import { provenanceOf } from '../../../shared/record/record-provenance';
import type { ImageChange } from '../../../shared/record/image-change';
import { mergeAll } from '../../support/merge-all';

const merged = (changes: ImageChange[]): RecordState => {
  const state = mergeAll(changes);
  if (state === undefined) throw new Error('no changes to merge');
  return state;
};

const CREATED = eventClock(new Date('2026-11-23T10:00:00.000Z'), 'sharinpix:new:1');
const TAGGED = eventClock(new Date('2026-11-23T10:01:00.000Z'), 'sharinpix:tag|odd:2');
const DELETED = eventClock(new Date('2026-11-23T10:02:00.000Z'), 'sharinpix:del:3');

const origin = (eventTime: string, eventId: string) => ({ eventTime, eventId });

describe('provenanceOf', () => {
  it('names, for every path of the record, the event whose clock the merge kept', () => {
    // Prepare
    const state = merged([
      {
        vendor: 'sharinpix',
        imageId: 'img-1',
        clock: CREATED,
        patch: {
          uploaded: true,
          core: { name: 'front.jpg', width: 800 },
          thumbnails: { mini: 'https://cdn.example.com/m.jpg' },
          vendorMeta: { album: 'a1' },
          detections: { einstein: [] },
        },
      },
      {
        vendor: 'sharinpix',
        imageId: 'img-1',
        clock: TAGGED,
        patch: { tags: { t9: { name: 'rear' } }, core: { width: null } },
      },
    ]);

    // Act
    const provenance = provenanceOf(state);

    // Assess: width was cleared, so it is no path of the record; the eventId keeps its '|'.
    expect(provenance).toEqual({
      lastEventAt: origin('2026-11-23T10:01:00.000Z', 'sharinpix:tag|odd:2'),
      name: origin('2026-11-23T10:00:00.000Z', 'sharinpix:new:1'),
      status: origin('2026-11-23T10:00:00.000Z', 'sharinpix:new:1'),
      'tags.t9': origin('2026-11-23T10:01:00.000Z', 'sharinpix:tag|odd:2'),
      'urls.thumbnails.mini': origin('2026-11-23T10:00:00.000Z', 'sharinpix:new:1'),
      'vendorMeta.album': origin('2026-11-23T10:00:00.000Z', 'sharinpix:new:1'),
    });
  });

  it('gives status to the deletion once the image is deleted, whatever status was stated later', () => {
    // Prepare
    const state = merged([
      { vendor: 'sharinpix', imageId: 'img-2', clock: DELETED, patch: { deleted: true } },
      { vendor: 'sharinpix', imageId: 'img-2', clock: TAGGED, patch: { core: { status: 'done' } } },
    ]);

    // Act
    const provenance = provenanceOf(state);

    // Assess
    expect(toImageRecord(state, '2026-11-23T10:03:00.000Z').status).toBe('deleted');
    expect(provenance.status).toEqual(origin('2026-11-23T10:02:00.000Z', 'sharinpix:del:3'));
    expect(provenance.deleted).toEqual(origin('2026-11-23T10:02:00.000Z', 'sharinpix:del:3'));
  });
});
