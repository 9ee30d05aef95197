import { eventClock, toImageRecord } from '../../../shared/record/record-state';
import { mergeAll } from '../../support/merge-all';
import { readEventName } from '../../../shared/vendors/sharinpix/schema';
import { sharinpix } from '../../../shared/vendors/sharinpix/definition';
import * as v from 'valibot';
import { ImageRecordSchema } from '../../../shared/record/image-record';
import {
  PLACEHOLDER_URL_PATHS,
  SHARINPIX_DOC_SAMPLES,
  webhooksV1Image,
} from '../../support/sharinpix-doc-samples';
import { loadBody } from '../../support/vendor-bodies';

const RECEIVED_AT = new Date('2026-11-23T10:00:00.000Z');

/** The record one SharinPix delivery makes, or the issues that refused it. */
const recordsOf = (eventType: string, payload: unknown) => {
  const read = sharinpix.read({ payload, eventType });
  if (!read.ok) return { issues: read.issues };
  const dropped = read.value.unsupported ? [] : (read.value.dropped ?? []);
  const identity = sharinpix.identify(read.value, RECEIVED_AT);
  const changes = sharinpix.normalize(read.value, eventClock(identity.eventTime, identity.eventId));
  return {
    dropped: dropped.map((field) => field.path),
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

  it('drops "1e999", never reading it as an erased field, names it, and keeps the rest of the event', () => {
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
    expect(result.dropped).toEqual(['width', 'height', 'size']);
    const [record] = result.records ?? [];
    expect(record).toBeDefined();
    expect(record).not.toHaveProperty('width');
    expect(record).not.toHaveProperty('height');
    expect(record).not.toHaveProperty('sizeBytes');
    expect(JSON.stringify(result.payload)).not.toContain('1e999');
    expect(record?.status).toBe('done');
  });
});

describe("SharinPix's own documentation samples", () => {
  it.each(SHARINPIX_DOC_SAMPLES.map((sample) => [sample.event, sample] as const))(
    'accepts the %s sample, dropping only its placeholder URLs',
    (event, sample) => {
      // Act
      const result = recordsOf(event, sample.body);

      // Assess
      expect(result.issues).toBeUndefined();
      const imageFields = 'image' in sample.body ? 'image.' : '';
      const expected =
        'original_url' in sample.body || 'image' in sample.body
          ? PLACEHOLDER_URL_PATHS.map((path) => `${imageFields}${path}`)
          : [];
      expect(result.dropped).toEqual(expected);
      for (const record of result.records ?? []) {
        expect(v.safeParse(ImageRecordSchema, record).success).toBe(true);
        expect(record?.urls).toEqual({});
      }
      expect(result.records?.map((record) => record?.imageId)).toEqual([sample.imageId]);
    },
  );
});

describe('SharinPix Webhooks V1 image shape', () => {
  it('reads infos.secure_url, infos.original_filename and album.public_id as the V2 fields', () => {
    // Prepare
    const body = webhooksV1Image('v1-img-1');

    // Act
    const result = recordsOf('new_image', body);

    // Assess
    const [record] = result.records ?? [];
    expect(record).toMatchObject({
      imageId: 'v1-img-1',
      name: 'NorthBuilding',
      collection: { kind: 'album', id: '0WOB0000000YsjGOAS' },
      urls: { input: 'https://res.cloudinary.com/sharinpix/image/upload/v1-img-1.jpg' },
      width: 3786,
    });
    expect(result.payload).toMatchObject({
      original_url: 'https://res.cloudinary.com/sharinpix/image/upload/v1-img-1.jpg',
      filename: 'NorthBuilding',
      album_id: '0WOB0000000YsjGOAS',
    });
    expect(result.payload).not.toHaveProperty('album');
  });

  it('lets the V2 fields win when a body has both, and reads the queued payload back the same', () => {
    // Prepare
    const body = {
      ...webhooksV1Image('v1-img-2'),
      original_url: 'https://cdn.sharinpix.com/v2.jpg',
      album_id: 'album-v2',
    };

    // Act
    const first = recordsOf('new_image', body);
    const again = recordsOf('new_image', first.payload);

    // Assess
    expect(first.records?.[0]).toMatchObject({
      urls: { input: 'https://cdn.sharinpix.com/v2.jpg' },
      collection: { kind: 'album', id: 'album-v2' },
    });
    expect(again.payload).toEqual(first.payload);
  });

  it('reads the V1 shape of the image a tag event carries', () => {
    // Prepare
    const body = {
      ...(loadBody('sharinpix', 'new_tag_image') as Record<string, unknown>),
      image: webhooksV1Image('v1-img-3'),
    };

    // Act
    const result = recordsOf('new_tag_image', body);

    // Assess
    expect(result.records?.[0]).toMatchObject({
      imageId: 'v1-img-3',
      collection: { kind: 'album', id: '0WOB0000000YsjGOAS' },
      urls: { input: 'https://res.cloudinary.com/sharinpix/image/upload/v1-img-3.jpg' },
    });
  });
});
