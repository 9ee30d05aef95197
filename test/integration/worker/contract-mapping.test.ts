import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { localDynamoDb } from '../../support/local-clients';
import { loadBody } from '../../support/vendor-bodies';
import { getImageEvent, listImagesEvent } from '../read/support/http-events';
import { envelopeOf, envelopeOfBody } from './support/envelopes';
import { createTestPipeline } from './support/pipeline';

/**
 * Every mapping row of the public contract, end to end: the vendor body as ingest would queue it → the
 * worker's SQS handler → DynamoDB Local → `GET /images/{vendor}/{imageId}`.
 */

const RECEIVED_AT = new Date('2026-11-23T10:00:00.000Z');
const later = (minutes: number): Date => new Date(RECEIVED_AT.getTime() + minutes * 60_000);

let client: DynamoDBClient;
beforeAll(() => {
  client = localDynamoDb();
});
afterAll(() => client.destroy());

describe('Spyne v2', () => {
  it('maps ids, collection, name, category, sequence, status, urls and vendorMeta', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);

    // Act
    await pipeline.deliver(envelopeOfBody('spyne', 'v2-sample-a', { receivedAt: RECEIVED_AT }));
    const record = await pipeline.getRecord('spyne', 'img-0f0d6707-d264-44fe-82ce-ab912b0a8ea0');

    // Assess
    expect(record).toEqual({
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
      updatedAt: expect.any(String),
    });
  });

  it('reads "Done" and "failed" statuses, keeps the newer sample’s extras and the failure reason', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);

    // Act
    await pipeline.deliver(envelopeOfBody('spyne', 'v2-sample-b', { receivedAt: RECEIVED_AT }));
    const done = await pipeline.getRecord('spyne', 'img-3c9e5b1a-0d2f-4e8b-9a71-5f6c4d3b2a10');
    const failed = await pipeline.getRecord('spyne', 'img-9e2a7d3c-2f4b-4a0d-9c93-7b8e6f5d4c32');

    // Assess
    expect(done).toMatchObject({
      status: 'done',
      sequence: 1,
      vendorMeta: { background_id: '3434', sku_name: '2019 Honda Civic LX', angle: 'front-left' },
    });
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'Image is blurry',
      category: 'misc',
      sequence: 3,
    });
    expect(failed.urls).toEqual({
      input: 'https://spyne.s3.amazonaws.com/AI/raw/7f3e21aa_Misc_3.jpg',
    });
  });
});

describe('Spyne v1', () => {
  it('maps sequenceNumber, created_on, status done and the five hres/lres URLs', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);

    // Act
    await pipeline.deliver(envelopeOfBody('spyne', 'v1-sample', { receivedAt: RECEIVED_AT }));
    const record = await pipeline.getRecord('spyne', 'img-b2db25ed-9947-48ae-a3e1-997ea636824e');

    // Assess
    expect(record).toMatchObject({
      collection: { kind: 'sku', id: 'sample_sku_id_123', parentId: 'sample_project_id_123' },
      sequence: 2,
      createdAt: '2021-09-14T09:49:26.000Z',
      status: 'done',
      lastEventAt: '2021-09-14T09:49:26.000Z',
      urls: {
        input: 'https://storage.googleapis.com/spyne/AI/raw/QNM9873_82a15664_ext_2.jpg',
        inputLowRes:
          'https://storage.googleapis.com/spyne/AI/raw/d533a9af-28a2-417d-bba9-93f4f6a56c70.jpg',
        output:
          'https://storage.googleapis.com/spyne/AI/app/edited/car_replace_bg__2435c80a-20de-4260-94e4-ae35ff687e2f.png',
        outputLowRes:
          'https://storage.googleapis.com/spyne/AI/raw/f6f96205-0b3d-4146-acee-3f340ec3d36d.jpg',
        outputWatermarked:
          'https://storage.googleapis.com/spyne/AI/raw/bf0b6a3c-7166-4c84-aa76-c1b6f2272803.jpg',
      },
    });
  });
});

describe('SharinPix', () => {
  const IMAGE = 'f37e01b7-942c-4179-bfd0-0cccf4700328';
  const TAGGED = '8399c579-c037-451f-88ad-4d03e2aa02cd';

  it('maps a new image: ids, album, filename, dimensions, size, gps, times, urls, vendorMeta', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);

    // Act
    await pipeline.deliver(
      envelopeOfBody('sharinpix', 'image_processed', { receivedAt: RECEIVED_AT }),
    );
    const record = await pipeline.getRecord('sharinpix', '26e19efc-5bdf-4534-890e-df44e26975f8');

    // Assess
    const base =
      'https://cdn.sharinpix.com/albums/0WOB0000000YsjGOAS/images/26e19efc-5bdf-4534-890e-df44e26975f8';
    expect(record).toMatchObject({
      collection: { kind: 'album', id: '0WOB0000000YsjGOAS' },
      name: '4C1D0F5B-4F40-40FB-9C23-0B56B3DAB8D7',
      status: 'done',
      width: 3024,
      height: 4032,
      rotation: 0,
      format: 'jpg',
      sizeBytes: 2771157,
      gps: { lat: -20.30993611111111, lon: 57.486961111111114 },
      createdAt: '2021-11-12T12:23:15.327Z',
      takenAt: '2021-11-12T16:21:55.000Z',
      urls: {
        input: `${base}/original.jpg`,
        thumbnails: {
          full: `${base}/full.jpg`,
          large: `${base}/large.jpg`,
          mini: `${base}/mini.jpg`,
        },
      },
      vendorMeta: {
        exifs: { DateTimeOriginal: '2021-11-12T16:21:55.000Z' },
        page: 1,
        metadatas: expect.objectContaining({
          sharinpix_mobile_app_job_id: 'e8c1f4a0-5d2b-4c7e-a913-0f6d2b8e4c15',
        }),
      },
    });
  });

  it.each([
    ['new_image', 'done', IMAGE],
    ['new_image--unprocessed', 'processing', '59d6ec21-617a-438b-8913-b0d598f88850'],
    ['image_processed--no-gps', 'done', '59d6ec21-617a-438b-8913-b0d598f88850'],
    ['delete_image', 'deleted', IMAGE],
  ])('maps %s to status %s', async (body, status, imageId) => {
    // Prepare
    const pipeline = await createTestPipeline(client);

    // Act
    await pipeline.deliver(envelopeOfBody('sharinpix', body, { receivedAt: RECEIVED_AT }));
    const record = await pipeline.getRecord('sharinpix', imageId);

    // Assess
    expect(record.status).toBe(status);
    expect(record.deleted).toBe(status === 'deleted');
  });

  it('marks each image of upload_done uploaded, but never demotes one that is further along', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);
    await pipeline.deliver(
      envelopeOfBody('sharinpix', 'image_processed--no-gps', { receivedAt: RECEIVED_AT }),
    );

    // Act
    await pipeline.deliver(
      envelopeOfBody('sharinpix', 'upload_done--web', { receivedAt: later(1) }),
      envelopeOfBody('sharinpix', 'upload_done--mobile', { receivedAt: later(2) }),
    );

    // Assess
    const web = await Promise.all(
      ['153ac9da-3a3f-4e74-a839-3e5515349a9b', '7e4b2f91-0c6d-4a38-b5e2-9d1f8c3a6b70'].map((id) =>
        pipeline.getRecord('sharinpix', id),
      ),
    );
    expect(web.map((record) => [record.status, record.collection?.id])).toEqual([
      ['uploaded', '003B000000HhRRnIAN'],
      ['uploaded', '003B000000HhRRnIAN'],
    ]);
    expect(
      (await pipeline.getRecord('sharinpix', '59d6ec21-617a-438b-8913-b0d598f88850')).status,
    ).toBe('done');
  });

  it('adds, removes and re-adds a tag as three distinct events, converging per tag id', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);
    const villa = {
      id: '09078003-4dd2-4ad8-ae8c-536aaa7017b3',
      name: 'Villa',
      label: '{"en":"Villa","fr":"Villa"}',
    };
    const main = {
      id: '9c3ba3d4-9c45-414d-99ce-43dabf845ae7',
      name: 'main',
      label: '{"en":"main","fr":"main"}',
    };
    const addVilla = envelopeOfBody('sharinpix', 'new_tag_image', { receivedAt: RECEIVED_AT });
    const addMain = envelopeOfBody('sharinpix', 'new_tag_image--second-tag', {
      receivedAt: later(1),
    });
    const removeVilla = envelopeOfBody('sharinpix', 'delete_tag_image--other', {
      receivedAt: later(2),
    });
    // The same tag added again: SharinPix creates a new tag–image link, so a new top-level id.
    const readdVilla = envelopeOf(
      'sharinpix',
      {
        ...v.parse(v.looseObject({}), loadBody('sharinpix', 'new_tag_image')),
        id: '5be1c0a2-7d43-4e8f-9a16-2c3b4d5e6f70',
      },
      { eventType: 'new_tag_image', receivedAt: later(3) },
    );

    // Act
    await pipeline.deliver(addVilla);
    await pipeline.deliver(addMain);
    const both = await pipeline.getRecord('sharinpix', TAGGED);
    await pipeline.deliver(removeVilla);
    const removed = await pipeline.getRecord('sharinpix', TAGGED);
    await pipeline.deliver(readdVilla);
    const readded = await pipeline.getRecord('sharinpix', TAGGED);

    // Assess
    expect(new Set([addVilla, removeVilla, readdVilla].map((item) => item.eventId)).size).toBe(3);
    expect(both.tags).toEqual([villa, main]);
    expect(removed.tags).toEqual([main]);
    expect(readded.tags).toEqual([villa, main]);
    expect(JSON.stringify(readded)).not.toMatch(/example\.com|fullname|email/);
  });

  it('keeps a deleted image deleted when image_processed arrives late', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);
    await pipeline.deliver(
      envelopeOfBody('sharinpix', 'delete_image--processed', { receivedAt: later(5) }),
    );

    // Act
    await pipeline.deliver(
      envelopeOfBody('sharinpix', 'image_processed', { receivedAt: later(10) }),
    );
    const record = await pipeline.getRecord('sharinpix', '26e19efc-5bdf-4534-890e-df44e26975f8');

    // Assess
    expect(record).toMatchObject({
      status: 'deleted',
      deleted: true,
      lastEventAt: later(10).toISOString(),
    });
  });

  it('keeps Einstein predictions as detections with source einstein, served once an image event names the image', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);
    const imageId = '89919357-7324-4abe-8982-ca48fa2bd327';

    // Act: the prediction alone, then the upload that names the image.
    await pipeline.deliver(
      envelopeOfBody('sharinpix', 'new_einstein_prediction', { receivedAt: RECEIVED_AT }),
    );
    const before = await pipeline.request(getImageEvent('sharinpix', imageId));
    await pipeline.deliver(
      envelopeOf(
        'sharinpix',
        { album_id: '0WOB0000000YsjGOAS', image_ids: [imageId] },
        { eventType: 'upload_done', receivedAt: later(1) },
      ),
    );
    const record = await pipeline.getRecord('sharinpix', imageId);

    // Assess
    expect(before.statusCode).toBe(404);
    expect(before.body).toMatchObject({
      error: 'not_found',
      message: expect.stringContaining('prediction'),
    });
    expect(record).toMatchObject({
      status: 'uploaded',
      collection: { kind: 'album', id: '0WOB0000000YsjGOAS' },
    });
    expect(record.detections).toEqual([
      { label: 'car', confidence: 0.99653995, source: 'einstein' },
      { label: 'truck', confidence: 0.0034591604, source: 'einstein' },
      { label: 'moto', confidence: 9.0841826e-7, source: 'einstein' },
    ]);
  });

  it('keeps an unsupported event (new_publication) in the ledger as ignored, with no record', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);
    const envelope = envelopeOfBody('sharinpix', 'new_publication', { receivedAt: RECEIVED_AT });

    // Act
    await pipeline.deliver(envelope);

    // Assess
    expect((await pipeline.ledger.find(envelope.eventId))?.status).toBe('ignored');
    expect(pipeline.metrics.count('Ignored')).toBe(1);
    expect(await pipeline.store.get('sharinpix', TAGGED)).toBeUndefined();
  });
});

describe('Image Intelligence', () => {
  const JOB = 'b3f1c2d4-7a8e-4c19-9f2b-3e6d5a4c1b07';

  it('maps one record per imageResults entry: job, urls, externalId, statuses, detections, vendorMeta', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);

    // Act
    await pipeline.deliver(
      envelopeOfBody('image-intelligence', 'detect--partial-error', { receivedAt: RECEIVED_AT }),
    );
    const page = await pipeline.request({
      ...listImagesEvent({
        vendor: 'image-intelligence',
        collection: JOB,
      }),
    });

    // Assess
    expect(page.statusCode).toBe(200);
    const items = (page.body as { items: Array<Record<string, unknown>> }).items;
    expect(items).toHaveLength(3);
    const [first, second, third] = items;
    expect(first).toMatchObject({
      imageId: 'e1a7c3f0-16b2-11ef-9a4d-0242ac120002',
      collection: { kind: 'job', id: JOB },
      status: 'done',
      externalId: 'lot-north-cam03-0815',
      urls: {
        input: 'https://cameras.example.com/lot-north/cam-03/2024-05-20T08-15-01Z.jpg',
        proxy: 'https://api.quickpix.io/images/0b9d3e51-6c2a-4f7e-8d14-2a5c9e7f1b36',
      },
      detections: [
        { label: 'car', confidence: 0.9912, verdict: true, hitl: false, source: 'detect' },
        { label: 'person', confidence: 0.1208, verdict: false, hitl: true, source: 'detect' },
      ],
      vendorMeta: { feedId: 'lot-north-cam-03', jobStatus: 'COMPLETED_PARTIAL_ERROR' },
    });
    expect(second).toMatchObject({ status: 'done' });
    expect(third).toMatchObject({
      imageId: 'e1a7c8d4-16b2-11ef-9a4d-0242ac120002',
      status: 'failed',
      error: 'IMAGE_DOWNLOAD_ERROR',
    });
  });

  it('moves an image from processing to done as the job progresses, in either delivery order', async () => {
    // Prepare
    const inOrder = await createTestPipeline(client);
    const reversed = await createTestPipeline(client);
    const progress = envelopeOfBody('image-intelligence', 'detect--in-progress', {
      receivedAt: RECEIVED_AT,
    });
    const result = envelopeOfBody('image-intelligence', 'detect--partial-error', {
      receivedAt: later(1),
    });

    // Act
    await inOrder.deliver(progress);
    const midway = await inOrder.getRecord(
      'image-intelligence',
      'e1a7c3f0-16b2-11ef-9a4d-0242ac120002',
    );
    await inOrder.deliver(result);
    await reversed.deliver(result);
    await reversed.deliver(progress);

    // Assess
    expect(midway.status).toBe('processing');
    const { updatedAt: _a, ...forward } = await inOrder.getRecord(
      'image-intelligence',
      'e1a7c3f0-16b2-11ef-9a4d-0242ac120002',
    );
    const { updatedAt: _b, ...backward } = await reversed.getRecord(
      'image-intelligence',
      'e1a7c3f0-16b2-11ef-9a4d-0242ac120002',
    );
    expect(forward.status).toBe('done');
    expect(backward).toEqual(forward);
  });

  it('takes match results as detections with source match and the job’s hitl', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);

    // Act
    await pipeline.deliver(
      envelopeOfBody('image-intelligence', 'match--completed', { receivedAt: RECEIVED_AT }),
    );
    const matched = await pipeline.getRecord(
      'image-intelligence',
      '52547074-a622-11e6-8f61-63f37dc33295',
    );
    const other = await pipeline.getRecord(
      'image-intelligence',
      '52547074-a622-11e6-8f61-63f37dc33296',
    );

    // Assess
    expect(matched.detections).toEqual([
      { label: 'person', confidence: 1, verdict: true, hitl: true, source: 'match' },
    ]);
    expect(other.detections).toEqual([]);
    expect(matched.externalId).toBe('some_person_filled_image');
  });

  it('fails every image of an all-error job with its status as the error', async () => {
    // Prepare
    const pipeline = await createTestPipeline(client);

    // Act
    await pipeline.deliver(
      envelopeOfBody('image-intelligence', 'detect--all-error', { receivedAt: RECEIVED_AT }),
    );
    const heic = await pipeline.getRecord(
      'image-intelligence',
      '4f6a2b80-1c3d-11ef-8e5b-0242ac120002',
    );
    const engine = await pipeline.getRecord(
      'image-intelligence',
      '4f6a2d1a-1c3d-11ef-8e5b-0242ac120002',
    );

    // Assess
    expect([heic.status, heic.error]).toEqual(['failed', 'INVALID_IMAGE_FORMAT_ERROR']);
    expect([engine.status, engine.error]).toEqual(['failed', 'DETECTION_ENGINE_ERROR']);
  });
});
