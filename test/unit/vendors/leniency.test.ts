import { eventClock } from '../../../shared/record/event-clock';
import { mergeAll, toImageRecord } from '../../../shared/record/record-state';
import { readEventName } from '../../../shared/vendors/sharinpix/event-name';
import { sharinpix } from '../../../shared/vendors/sharinpix/definition';
import { loadBody } from '../../support/vendor-bodies';

const RECEIVED_AT = new Date('2026-11-23T10:00:00.000Z');

/** The record one SharinPix delivery makes, or the issues that refused it. */
const recordsOf = (eventType: string, payload: unknown) => {
  const read = sharinpix.read({ payload, eventType });
  if (!read.ok) return { issues: read.issues };
  const identity = sharinpix.identify(read.value, RECEIVED_AT);
  const changes = sharinpix.normalize(read.value, eventClock(identity.eventTime, identity.eventId));
  return {
    payload: read.value.payload,
    records: changes.map((change) => {
      const state = mergeAll([change]);
      return state && toImageRecord(state, RECEIVED_AT.toISOString());
    }),
  };
};

describe('leniency where it costs nothing', () => {
  it('splits upload_done image_ids sent as one comma-joined string', () => {
    // Prepare
    const body = { ...(loadBody('sharinpix', 'upload_done--web') as object), image_ids: 'a, b,c,' };

    // Act
    const result = recordsOf('upload_done', body);

    // Assess
    expect(result.records?.map((record) => record?.imageId)).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['ImageProcessed', 'image_processed'],
    ['newImage', 'new_image'],
    ['NewTagImage', 'new_tag_image'],
    ['NEW_IMAGE', 'new_image'],
    ['new-image', 'new_image'],
  ])('folds the event name %s to %s', (header, expected) => {
    // Act
    const name = readEventName(header);

    // Assess
    expect(name).toEqual({ ok: true, value: expected });
  });

  it('reads "1e999" as absent, never as an erased field, and keeps the rest of the event', () => {
    // Prepare
    const body = {
      ...(loadBody('sharinpix', 'new_image') as Record<string, unknown>),
      width: '1e999',
      height: '-1e999',
      size: '1e999',
    };

    // Act
    const result = recordsOf('new_image', body);

    // Assess
    expect(result.issues).toBeUndefined();
    const [record] = result.records ?? [];
    expect(record).toBeDefined();
    expect(record).not.toHaveProperty('width');
    expect(record).not.toHaveProperty('height');
    expect(record).not.toHaveProperty('sizeBytes');
    expect(JSON.stringify(result.payload)).not.toContain('1e999');
    expect(record?.status).toBe('done');
  });
});
