import { eventClock, toImageRecord } from '../../../shared/record/record-state';
import { mergeAll } from '../../support/merge-all';
import { spyne } from '../../../shared/vendors/spyne/definition';
import { spyneStatus } from '../../../shared/vendors/spyne/normalize';
import { loadBody } from '../../support/vendor-bodies';

const RECEIVED_AT = new Date('2026-11-23T10:00:00.000Z');

/** Reads a body the way the pipeline does, failing the test on any issue. */
const readOk = (payload: unknown) => {
  const result = spyne.read({ payload });
  if (!result.ok) throw new Error(`unexpected issues: ${JSON.stringify(result.issues)}`);
  return result.value;
};

const recordsOf = (payload: unknown) => {
  const event = readOk(payload);
  const identity = spyne.identify(event, RECEIVED_AT);
  const changes = spyne.normalize(event, eventClock(identity.eventTime, identity.eventId));
  return changes.map((change) => {
    const state = mergeAll([change]);
    if (!state) throw new Error('no state');
    return toImageRecord(state, RECEIVED_AT.toISOString());
  });
};

describe('Spyne v2 mapping', () => {
  it('maps the published v2 sample field by field', () => {
    // Prepare
    const body = loadBody('spyne', 'v2-sample-a');

    // Act
    const [first] = recordsOf(body);

    // Assess
    expect(first).toEqual({
      vendor: 'spyne',
      imageId: 'img-0f0d6707-d264-44fe-82ce-ab912b0a8ea0',
      collection: { kind: 'sku', id: '523a07fa', parentId: '88db42a7' },
      name: '3636_523a07fa_Exterior_1',
      category: 'exterior',
      sequence: 1,
      status: 'done',
      urls: {
        input: 'https://spyne.s3.amazonaws.com/AI/raw/3636_523a07fa_Exterior_1.jpg',
        output:
          'https://spyne.s3.amazonaws.com/AI/app/edited/car_replace_bg__9d76fe27-29a1-4778-a456-f8637047885e.png',
        outputLowRes:
          'https://spyne.s3.amazonaws.com/AI/raw/4c11fcd7-b67a-474c-a761-050049e8a000.jpg',
      },
      tags: [],
      detections: [],
      vendorMeta: {
        background_id: 3434,
        image_meta_data: {},
        sku_meta_data: {},
        sku_status: 'Done',
      },
      deleted: false,
      lastEventAt: RECEIVED_AT.toISOString(),
      updatedAt: RECEIVED_AT.toISOString(),
    });
  });

  it('keeps the newer sample’s extra SKU and image fields in vendorMeta, and reports failures', () => {
    // Prepare
    const body = loadBody('spyne', 'v2-sample-b');

    // Act
    const records = recordsOf(body);

    // Assess
    expect(records).toHaveLength(3);
    expect(records[0]?.vendorMeta).toEqual({
      VIN: '2HGFC2F59KH512345',
      angle: 'front-left',
      background_id: '3434',
      image_meta_data: { exposure: 'auto' },
      sku_meta_data: { dealer: 'North Lot', stock: 'A-1182' },
      sku_name: '2019 Honda Civic LX',
      sku_status: 'Done',
      source: 'API',
      team_name: 'Lot North',
      total_frame_count: 3,
    });
    expect(records[2]).toMatchObject({
      status: 'failed',
      error: 'Image is blurry',
      category: 'misc',
      urls: { input: 'https://spyne.s3.amazonaws.com/AI/raw/7f3e21aa_Misc_3.jpg' },
    });
    expect(records[2]?.urls.output).toBeUndefined();
  });

  it.each([
    ['done', 'done'],
    ['Done', 'done'],
    ['DONE ', 'done'],
    ['failed', 'failed'],
    ['Failed', 'failed'],
    ['Yet to Start', 'processing'],
    ['In Progress', 'processing'],
    [undefined, 'processing'],
  ])('maps image status %p to %p', (status, expected) => {
    expect(spyneStatus(status)).toBe(expected);
  });
});

describe('Spyne v1 mapping', () => {
  it('maps the deprecated v1 sample, with created_on as createdAt and the event time', () => {
    // Prepare
    const body = loadBody('spyne', 'v1-sample');

    // Act
    const event = readOk(body);
    const identity = spyne.identify(event, RECEIVED_AT);
    const [first, second] = recordsOf(body);

    // Assess
    expect(event.eventType).toBe('sku.v1');
    expect(identity.eventTime.toISOString()).toBe('2021-09-14T09:49:26.000Z');
    expect(first).toMatchObject({
      imageId: 'img-cfd049e5-c129-4592-a31f-efd46e5ae938',
      collection: { kind: 'sku', id: 'sample_sku_id_123', parentId: 'sample_project_id_123' },
      sequence: 1,
      status: 'done',
      createdAt: '2021-09-14T09:48:08.000Z',
      category: 'exterior',
      urls: {
        input: 'https://storage.googleapis.com/spyne/AI/raw/QNM9873_82a15664_ext_1.jpg',
        inputLowRes:
          'https://storage.googleapis.com/spyne/AI/raw/efc41c27-a1dc-4ba8-9dd7-95ca311fac5a.jpg',
        output:
          'https://storage.googleapis.com/spyne/AI/app/edited/car_replace_bg__f929a973-6d6a-4b22-a5a0-612020de6819.png',
        outputLowRes:
          'https://storage.googleapis.com/spyne/AI/raw/e7b51a39-29a4-4ffe-918a-a44ea12388f7.jpg',
        outputWatermarked:
          'https://storage.googleapis.com/spyne/AI/raw/f9817bd3-ea9e-4f0e-99e1-caf96f64a943.jpg',
      },
      vendorMeta: { source: 'App' },
    });
    expect(second?.sequence).toBe(2);
  });
});

describe('Spyne event identity', () => {
  it('ignores the re-signed signature, so retries share one eventId', () => {
    // Prepare
    const body = loadBody('spyne', 'v2-sample-a') as Record<string, unknown>;
    const retry = { ...body, signature: 'a.different.jwt' };

    // Act
    const first = spyne.identify(readOk({ ...body, signature: 'x.y.z' }), RECEIVED_AT);
    const second = spyne.identify(readOk(retry), new Date(RECEIVED_AT.getTime() + 60_000));

    // Assess
    expect(second.eventId).toBe(first.eventId);
    expect(first.eventId).toMatch(/^spyne:88db42a7:523a07fa:[0-9a-f]{16}$/);
  });

  it('gives a re-completed SKU with different images a different eventId', () => {
    // Prepare
    const body = loadBody('spyne', 'v2-sample-a') as { image_data: Array<Record<string, unknown>> };
    const changed = {
      ...body,
      image_data: body.image_data.map((image) => ({ ...image, status: 'failed' })),
    };

    // Act
    const first = spyne.identify(readOk(body), RECEIVED_AT);
    const second = spyne.identify(readOk(changed), RECEIVED_AT);

    // Assess
    expect(second.eventId).not.toBe(first.eventId);
  });
});

describe('Spyne bad input', () => {
  it.each([[[]], ['a string'], [null], [42]])(
    'refuses the non-object body %p at path ""',
    (body) => {
      // Act
      const result = spyne.read({ payload: body });

      // Assess
      expect(result).toEqual({
        ok: false,
        issues: [{ path: '', message: 'must be a JSON object (a Spyne SKU webhook)' }],
      });
    },
  );
});
