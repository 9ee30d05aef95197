import * as v from 'valibot';
import { eventClock, isAnnounced } from '../../../shared/record/record-state';
import { ImageRecordSchema } from '../../../shared/record/image-record';
import { mergeAll } from '../../support/merge-all';
import { sharinpix } from '../../../shared/vendors/sharinpix/definition';
import { processingErrorText } from '../../../shared/vendors/sharinpix/normalize';
import { bodyNames } from '../../support/vendor-bodies';
import {
  body,
  changesOf,
  child,
  minutesLater,
  RECEIVED_AT,
  readOk,
  recordOf,
  recordsOf,
} from './sharinpix/sharinpix-test-kit';
import { eventNameOfBodyFile } from '../../../scripts/fixtures/build-fixtures';

const CDN = 'https://cdn.sharinpix.com';
const NEW_IMAGE_ID = 'f37e01b7-942c-4179-bfd0-0cccf4700328';
const MOBILE_IMAGE_ID = '59d6ec21-617a-438b-8913-b0d598f88850';
const PROCESSED_IMAGE_ID = '26e19efc-5bdf-4534-890e-df44e26975f8';
const TAGGED_IMAGE_ID = '8399c579-c037-451f-88ad-4d03e2aa02cd';
const VILLA_TAG_ID = '09078003-4dd2-4ad8-ae8c-536aaa7017b3';
const MAIN_TAG_ID = '9c3ba3d4-9c45-414d-99ce-43dabf845ae7';
const SITE_ALBUM = '0WOB0000000YsjGOAS';

/** The fake people in the tag fixtures: none of this may leave validation. */
const PERSONAL_DATA = [
  'Jane Example',
  'jane.example@example.com',
  '005B0000009XyZqIAK',
  'Sam Sample',
  'sam.sample@example.com',
];
const APP_TOKEN = 'eyJhbGciOiJIUzI1NiJ9';

const thumbnailsOf = (album: string, imageId: string) => ({
  full: `${CDN}/albums/${album}/images/${imageId}/full.jpg`,
  large: `${CDN}/albums/${album}/images/${imageId}/large.jpg`,
  mini: `${CDN}/albums/${album}/images/${imageId}/mini.jpg`,
});

describe('SharinPix image events', () => {
  it('maps the documented new_image sample field by field, dated by its created_at', () => {
    // Prepare
    const payload = body('new_image');

    // Act
    const record = recordOf(changesOf(payload, 'new_image'));

    // Assess
    expect(record).toEqual({
      vendor: 'sharinpix',
      imageId: NEW_IMAGE_ID,
      collection: { kind: 'album', id: SITE_ALBUM },
      name: 'NorthBuilding',
      status: 'done',
      urls: {
        input: `${CDN}/albums/${SITE_ALBUM}/images/${NEW_IMAGE_ID}/original.jpg`,
        thumbnails: thumbnailsOf(SITE_ALBUM, NEW_IMAGE_ID),
      },
      width: 3786,
      height: 4733,
      sizeBytes: 1526906,
      format: 'jpg',
      rotation: 0,
      createdAt: '2020-08-12T06:18:57.549Z',
      tags: [],
      detections: [],
      vendorMeta: { metadatas: {}, exifs: { DateTimeOriginal: null }, page: 1 },
      deleted: false,
      lastEventAt: '2020-08-12T06:18:57.549Z',
      updatedAt: RECEIVED_AT.toISOString(),
    });
  });

  it('shows an unprocessed new image as processing, with takenAt and no thumbnails yet', () => {
    // Prepare
    const payload = body('new_image--unprocessed');

    // Act
    const record = recordOf(changesOf(payload, 'new_image'));

    // Assess
    expect(record).toMatchObject({
      imageId: MOBILE_IMAGE_ID,
      status: 'processing',
      takenAt: '2021-11-12T16:19:48.000Z',
      name: 'IMG_2041',
    });
    expect(record.urls.thumbnails).toBeUndefined();
    expect(record.error).toBeUndefined();
  });

  it('maps image_processed to done, with gps as {lat, lon} and the mobile-app metadata kept', () => {
    // Prepare
    const payload = body('image_processed');

    // Act
    const record = recordOf(changesOf(payload, 'image_processed'));

    // Assess
    expect(record).toMatchObject({
      imageId: PROCESSED_IMAGE_ID,
      status: 'done',
      gps: { lat: -20.30993611111111, lon: 57.486961111111114 },
      takenAt: '2021-11-12T16:21:55.000Z',
      urls: { thumbnails: thumbnailsOf(SITE_ALBUM, PROCESSED_IMAGE_ID) },
      vendorMeta: {
        exifs: { DateTimeOriginal: '2021-11-12T16:21:55.000Z' },
        metadatas: {
          sharinpix_mobile_app_job_id: 'e8c1f4a0-5d2b-4c7e-a913-0f6d2b8e4c15',
          sharinpix_mobile_app_device_id: 'C3A9F1E2-7B4D-4E6A-9F08-2D5B7C1E6A93',
        },
      },
    });
  });

  it('leaves gps out when the image has none, and takes rotation straight across', () => {
    // Prepare
    const payload = body('image_processed--no-gps');

    // Act
    const record = recordOf(changesOf(payload, 'image_processed'));

    // Assess
    expect(record.gps).toBeUndefined();
    expect(record.rotation).toBe(90);
    expect(record.status).toBe('done');
  });

  it('treats image_processed as done even when its snapshot still says processed: false', () => {
    // Prepare
    const payload = { ...body('image_processed'), processed: false, gps: [] };

    // Act
    const record = recordOf(changesOf(payload, 'image_processed'));

    // Assess
    expect(record.status).toBe('done');
    expect(record.gps).toBeUndefined();
  });

  it('reads numbers sent as strings and the strings "true"/"false" for processed', () => {
    // Prepare
    const payload = {
      ...body('new_image'),
      width: '3786',
      height: '4733',
      size: '1526906',
      rotation: '-90',
      processed: 'false',
      group_id: 'batch-7',
      page: 'cover',
    };

    // Act
    const record = recordOf(changesOf(payload, 'new_image'));

    // Assess
    expect(record).toMatchObject({
      width: 3786,
      height: 4733,
      sizeBytes: 1526906,
      rotation: -90,
      status: 'processing',
      vendorMeta: { group_id: 'batch-7', page: 'cover' },
    });
  });

  it('keys the record by id when public_id is absent, and has no collection without album_id', () => {
    // Prepare
    const { public_id: _publicId, album_id: _albumId, ...payload } = body('new_image');

    // Act
    const record = recordOf(changesOf(payload, 'new_image'));

    // Assess
    expect(record.imageId).toBe(NEW_IMAGE_ID);
    expect(record.collection).toBeUndefined();
  });

  it('marks an image with a processing_error as failed, and a later clean event clears the error', () => {
    // Prepare
    const failed = { ...body('new_image--unprocessed'), processing_error: 'Unsupported HEIC file' };
    const reprocessed = body('image_processed--no-gps');

    // Act
    const failedRecord = recordOf(changesOf(failed, 'new_image'));
    const fixedRecord = recordOf([
      ...changesOf(failed, 'new_image'),
      ...changesOf(reprocessed, 'image_processed', minutesLater(5)),
    ]);

    // Assess
    expect(failedRecord).toMatchObject({ status: 'failed', error: 'Unsupported HEIC file' });
    expect(fixedRecord.status).toBe('done');
    expect(fixedRecord.error).toBeUndefined();
  });

  it.each([
    [null, undefined],
    [false, undefined],
    ['  ', undefined],
    [{}, undefined],
    [[], undefined],
    ['Timeout', 'Timeout'],
    [{ message: 'corrupt', code: 3 }, '{"code":3,"message":"corrupt"}'],
    [['a'], '["a"]'],
    [500, '500'],
  ])('reads processing_error %p as error %p', (value, expected) => {
    expect(processingErrorText(value)).toBe(expected);
  });

  it('maps delete_image to deleted, applying its image fields but no status', () => {
    // Prepare
    const payload = body('delete_image--processed');

    // Act
    const [change] = changesOf(payload, 'delete_image');
    const record = recordOf(changesOf(payload, 'delete_image'));

    // Assess
    expect(change?.patch.core?.status).toBeUndefined();
    expect(change?.patch.deleted).toBe(true);
    expect(record).toMatchObject({
      imageId: PROCESSED_IMAGE_ID,
      status: 'deleted',
      deleted: true,
      name: '4C1D0F5B-4F40-40FB-9C23-0B56B3DAB8D7',
      gps: { lat: -20.30993611111111, lon: 57.486961111111114 },
    });
  });

  it('keeps a deleted image deleted whatever arrives later', () => {
    // Prepare
    const deleted = changesOf(body('delete_image'), 'delete_image', minutesLater(1));
    const processedLater = changesOf(
      { ...body('new_image'), public_id: NEW_IMAGE_ID },
      'image_processed',
      minutesLater(10),
    );

    // Act
    const forward = recordOf([...deleted, ...processedLater]);
    const backward = recordOf([...processedLater, ...deleted]);

    // Assess
    expect(forward.status).toBe('deleted');
    expect(backward).toEqual(forward);
  });

  it('lets a late-delivered new_image lose to an earlier-delivered image_processed', () => {
    // Prepare: processing finished (received now), then the new_image retry arrives an hour late.
    const processed = changesOf(body('image_processed--no-gps'), 'image_processed', RECEIVED_AT);
    const lateNewImage = changesOf(body('new_image--unprocessed'), 'new_image', minutesLater(60));

    // Act
    const record = recordOf([...processed, ...lateNewImage]);

    // Assess
    expect(record.status).toBe('done');
  });
});

describe('SharinPix tag events', () => {
  it('adds the tag with its JSON-string label, and applies the image snapshot and its status', () => {
    // Prepare
    const payload = body('new_tag_image');

    // Act
    const record = recordOf(changesOf(payload, 'new_tag_image'));

    // Assess
    expect(record).toMatchObject({
      imageId: TAGGED_IMAGE_ID,
      collection: { kind: 'album', id: '001B000001KKHZeIAP' },
      status: 'done',
      width: 4288,
      tags: [{ id: VILLA_TAG_ID, name: 'Villa', label: '{"en":"Villa","fr":"Villa"}' }],
    });
  });

  it('omits an absent label and stores an object label as canonical JSON', () => {
    // Prepare
    const original = body('new_tag_image');
    const noLabel = { ...original, tag: { id: 'tag-1', name: 'Roof' } };
    const objectLabel = {
      ...original,
      id: 'link-2',
      tag: { id: 'tag-2', name: 'Door', label: { fr: 'Porte', en: 'Door' } },
    };

    // Act
    const record = recordOf([
      ...changesOf(noLabel, 'new_tag_image'),
      ...changesOf(objectLabel, 'new_tag_image'),
    ]);

    // Assess
    expect(record.tags).toEqual([
      { id: 'tag-1', name: 'Roof' },
      { id: 'tag-2', name: 'Door', label: '{"en":"Door","fr":"Porte"}' },
    ]);
  });

  it('gives a tag event on an unprocessed image the processing status', () => {
    // Prepare
    const original = body('new_tag_image');
    const payload = { ...original, image: { ...child(original, 'image'), processed: false } };

    // Act
    const record = recordOf(changesOf(payload, 'new_tag_image'));

    // Assess
    expect(record.status).toBe('processing');
  });

  it('removes a tag with delete_tag_image, leaving the other tags', () => {
    // Prepare
    const tagged = [
      ...changesOf(body('new_tag_image'), 'new_tag_image', minutesLater(1)),
      ...changesOf(body('new_tag_image--second-tag'), 'new_tag_image', minutesLater(2)),
    ];
    const untagged = changesOf(body('delete_tag_image'), 'delete_tag_image', minutesLater(3));

    // Act
    const before = recordOf(tagged);
    const record = recordOf([...untagged, ...tagged]);

    // Assess
    expect(before.tags.map((tag) => tag.id)).toEqual([VILLA_TAG_ID, MAIN_TAG_ID]);
    expect(record.tags).toEqual([
      { id: VILLA_TAG_ID, name: 'Villa', label: '{"en":"Villa","fr":"Villa"}' },
    ]);
  });

  it('converges per tag on the latest add or remove, in any delivery order', () => {
    // Prepare: Villa added, removed, then added again under a new link.
    const added = changesOf(body('new_tag_image'), 'new_tag_image', minutesLater(1));
    const removed = changesOf(body('delete_tag_image--other'), 'delete_tag_image', minutesLater(2));
    const addedAgain = changesOf(
      { ...body('new_tag_image'), id: 'b7e2d4f9-5a1c-4e3b-8d6f-0c9a2e7b4f13' },
      'new_tag_image',
      minutesLater(3),
    );

    // Act
    const removedLast = recordOf([...added, ...removed]);
    const inOrder = recordOf([...added, ...removed, ...addedAgain]);
    const shuffled = recordOf([...addedAgain, ...added, ...removed]);

    // Assess
    expect(removedLast.tags).toEqual([]);
    expect(inOrder.tags.map((tag) => tag.id)).toEqual([VILLA_TAG_ID]);
    expect(shuffled).toEqual(inOrder);
  });

  it('handles a tag id of "__proto__" as data, not as a prototype', () => {
    // Prepare
    const payload = { ...body('new_tag_image'), tag: { id: '__proto__', name: 'Odd' } };

    // Act
    const record = recordOf(changesOf(payload, 'new_tag_image'));

    // Assess
    expect(record.tags).toEqual([{ id: '__proto__', name: 'Odd' }]);
  });
});

describe('SharinPix upload_done', () => {
  it('reads a single-string image_ids (mobile) as one uploaded image in the album', () => {
    // Prepare
    const payload = body('upload_done--mobile');

    // Act
    const records = recordsOf(changesOf(payload, 'upload_done'));

    // Assess
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      imageId: MOBILE_IMAGE_ID,
      collection: { kind: 'album', id: SITE_ALBUM },
      status: 'uploaded',
    });
  });

  it('makes one change per listed id (web), once per id even when repeated', () => {
    // Prepare
    const original = body('upload_done--web');
    const repeated = {
      ...original,
      image_ids: [
        '153ac9da-3a3f-4e74-a839-3e5515349a9b',
        '153ac9da-3a3f-4e74-a839-3e5515349a9b',
        '7e4b2f91-0c6d-4a38-b5e2-9d1f8c3a6b70',
      ],
    };

    // Act
    const changes = changesOf(repeated, 'upload_done');

    // Assess
    expect(changes.map((change) => change.imageId)).toEqual([
      '153ac9da-3a3f-4e74-a839-3e5515349a9b',
      '7e4b2f91-0c6d-4a38-b5e2-9d1f8c3a6b70',
    ]);
    expect(recordsOf(changes).map((record) => record.status)).toEqual(['uploaded', 'uploaded']);
  });

  it('does not move an image that is already further along back to uploaded', () => {
    // Prepare: the upload notice arrives after processing finished.
    const processing = changesOf(body('new_image--unprocessed'), 'new_image');
    const processed = changesOf(
      body('image_processed--no-gps'),
      'image_processed',
      minutesLater(1),
    );
    const uploadDone = changesOf(body('upload_done--mobile'), 'upload_done', minutesLater(2));

    // Act
    const whileProcessing = recordOf([...uploadDone, ...processing]);
    const afterProcessing = recordOf([...uploadDone, ...processing, ...processed]);

    // Assess
    expect(whileProcessing.status).toBe('processing');
    expect(afterProcessing.status).toBe('done');
    expect(afterProcessing.lastEventAt).toBe(minutesLater(2).toISOString());
  });
});

describe('SharinPix new_einstein_prediction', () => {
  it('annotates the image (detections, the model in vendorMeta) without announcing it', () => {
    // Prepare
    const payload = body('new_einstein_prediction');
    const changes = changesOf(payload, 'new_einstein_prediction');

    // Act
    const state = mergeAll(changes);
    const record = recordOf(changes);

    // Assess: no status, no collection, not served until an image event names the image.
    expect(state && isAnnounced(state)).toBe(false);
    expect(changes[0]?.patch).not.toHaveProperty('uploaded');
    expect(record).not.toHaveProperty('collection');
    expect(record).toMatchObject({
      imageId: '89919357-7324-4abe-8982-ca48fa2bd327',
      detections: [
        { label: 'car', confidence: 0.99653995, source: 'einstein' },
        { label: 'truck', confidence: 0.0034591604, source: 'einstein' },
        { label: 'moto', confidence: 9.0841826e-7, source: 'einstein' },
      ],
      vendorMeta: {
        einstein: {
          modelId: 'a042400000Ns4HdAAJ',
          einsteinModelId: '3c0a9f99-3f4a-4951-bc7a-6bdcd46cfd13',
          type: 'image-classification',
          status: 'completed',
        },
      },
    });
  });

  it.each([
    ['before', true],
    ['after', false],
  ])(
    'keeps a prediction that arrives %s the upload_done naming its image',
    (_when, predictionFirst) => {
      // Prepare
      const prediction = changesOf(body('new_einstein_prediction'), 'new_einstein_prediction');
      const upload = changesOf(
        { ...body('upload_done--web'), image_ids: '89919357-7324-4abe-8982-ca48fa2bd327' },
        'upload_done',
        minutesLater(1),
      );

      // Act
      const state = mergeAll(
        predictionFirst ? [...prediction, ...upload] : [...upload, ...prediction],
      );

      // Assess
      expect(state && isAnnounced(state)).toBe(true);
      const record = recordOf([...prediction, ...upload]);
      expect(record.status).toBe('uploaded');
      expect(record.detections.map((detection) => detection.label)).toEqual([
        'car',
        'truck',
        'moto',
      ]);
    },
  );

  it('adds detections to a processed image without changing its status; a later prediction replaces them', () => {
    // Prepare
    const processed = changesOf(body('image_processed--no-gps'), 'image_processed');
    const first = changesOf(
      body('new_einstein_prediction--truck'),
      'new_einstein_prediction',
      minutesLater(1),
    );
    const second = changesOf(
      {
        ...body('new_einstein_prediction--truck'),
        probability: [],
        einstein_model_id: null,
        status: null,
      },
      'new_einstein_prediction',
      minutesLater(2),
    );

    // Act
    const afterFirst = recordOf([...processed, ...first]);
    const afterSecond = recordOf([...second, ...first, ...processed]);

    // Assess
    expect(afterFirst.status).toBe('done');
    expect(afterFirst.detections.map((detection) => detection.label)).toEqual([
      'truck',
      'car',
      'moto',
    ]);
    expect(afterSecond.detections).toEqual([]);
    expect(afterSecond.vendorMeta.einstein).toEqual({
      modelId: 'a042400000Ns4HdAAJ',
      type: 'image-classification',
    });
  });
});

describe('SharinPix event names', () => {
  it.each([
    ['new_image', 'new_image'],
    [' New-Image ', 'new_image'],
    ['NEW IMAGE', 'new_image'],
    ['new_images', 'new_image'],
    ['processed_image', 'image_processed'],
    ['Processed Image', 'image_processed'],
    ['image_deleted', 'delete_image'],
    ['deleted_image', 'delete_image'],
    ['tag_image', 'new_tag_image'],
    ['image_tagged', 'new_tag_image'],
    ['untag_image', 'delete_tag_image'],
    ['deleted_tag_image', 'delete_tag_image'],
    ['tag_image_deleted', 'delete_tag_image'],
    ['einstein_prediction', 'new_einstein_prediction'],
    ['upload-done', 'upload_done'],
  ])('reads header %p as %p', (header, expected) => {
    // Prepare
    const payload =
      expected === 'upload_done'
        ? body('upload_done--web')
        : expected === 'new_einstein_prediction'
          ? body('new_einstein_prediction')
          : expected.includes('tag')
            ? body('new_tag_image')
            : body('new_image');

    // Act
    const event = readOk(payload, header);

    // Assess
    expect(event.eventType).toBe(expected);
    expect(sharinpix.identify(event, RECEIVED_AT).supported).toBe(true);
  });
});

describe('SharinPix unsupported event types', () => {
  it('keeps new_publication as an ignored event without user or app_url, and maps nothing', () => {
    // Prepare
    const payload = {
      ...body('new_publication'),
      app_url: `sharinpix://upload?token=${APP_TOKEN}`,
    };

    // Act
    const event = readOk(payload, 'new_publication');
    const identity = sharinpix.identify(event, RECEIVED_AT);
    const changes = sharinpix.normalize(event, eventClock(identity.eventTime, identity.eventId));

    // Assess
    expect(event).toEqual({
      eventType: 'new_publication',
      unsupported: true,
      payload: {
        id: 'c4f8a2d6-3b1e-4f7a-9d05-8e6c2b1a7f34',
        album_id: '001B000001KKHZeIAP',
        platform: 'web',
        url: 'https://share.sharinpix.com/p/c4f8a2d6-3b1e-4f7a-9d05-8e6c2b1a7f34',
        image_ids: [TAGGED_IMAGE_ID],
        created_at: '2020-07-01T10:02:44.310+02:00',
      },
    });
    expect(identity).toMatchObject({ eventType: 'new_publication', supported: false });
    expect(identity.eventId).toMatch(
      /^sharinpix:new_publication:c4f8a2d6-3b1e-4f7a-9d05-8e6c2b1a7f34:[0-9a-f]{16}$/,
    );
    expect(identity.eventTime).toEqual(RECEIVED_AT);
    expect(changes).toEqual([]);
  });

  it('folds an unsupported header too, and names the subject "event" when there is no string id', () => {
    // Prepare
    const payload = { id: 42, reply: { text: 'On my way' } };

    // Act
    const event = readOk(payload, 'New-Provider Reply');
    const identity = sharinpix.identify(event, RECEIVED_AT);

    // Assess
    expect(event.eventType).toBe('new_provider_reply');
    expect(identity.eventId).toMatch(/^sharinpix:new_provider_reply:event:[0-9a-f]{16}$/);
  });

  it('cuts deep nesting to null and drops prototype keys instead of failing', () => {
    // Prepare
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const payload = JSON.parse(`{"__proto__":{"polluted":true},"id":"p-1","deep":${deep}}`);

    // Act
    const event = readOk(payload, 'new_publication');

    // Assess
    expect(Object.keys(event.payload)).toEqual(['id', 'deep']);
    expect(JSON.stringify(event.payload)).toContain('null');
    expect(JSON.stringify(event.payload).length).toBeLessThan(200);
  });
});

describe('SharinPix event identity', () => {
  it.each([
    ['new_image', 'new_image', NEW_IMAGE_ID],
    ['image_processed', 'image_processed', PROCESSED_IMAGE_ID],
    ['delete_image', 'delete_image', NEW_IMAGE_ID],
    ['new_tag_image', 'new_tag_image', 'da40f34c-5e88-454c-bfe0-d69411261602'],
    ['delete_tag_image', 'delete_tag_image', '3f5d46b6-bdf0-4cd5-aa00-a7b4cb590857'],
    ['upload_done--mobile', 'upload_done', SITE_ALBUM],
    ['new_einstein_prediction', 'new_einstein_prediction', '89919357-7324-4abe-8982-ca48fa2bd327'],
  ])('names %s by type and subject, and keeps the id across retries', (name, type, subject) => {
    // Prepare
    const payload = body(name);

    // Act
    const first = sharinpix.identify(readOk(payload, type), RECEIVED_AT);
    const retry = sharinpix.identify(readOk(body(name), type), minutesLater(30));

    // Assess
    expect(first.eventId).toBe(`sharinpix:${type}:${subject}:${first.eventId.slice(-16)}`);
    expect(first.eventId).toMatch(/:[0-9a-f]{16}$/);
    expect(retry.eventId).toBe(first.eventId);
  });

  it('keeps the id when only the user or app_url differs (they are not part of the event)', () => {
    // Prepare
    const tag = body('new_tag_image');
    const upload = body('upload_done--mobile');

    // Act
    const tagIds = [tag, { ...tag, user: { fullname: 'Someone Else' } }].map(
      (payload) => sharinpix.identify(readOk(payload, 'new_tag_image'), RECEIVED_AT).eventId,
    );
    const uploadIds = [upload, { ...upload, app_url: 'sharinpix://upload?token=other' }].map(
      (payload) => sharinpix.identify(readOk(payload, 'upload_done'), RECEIVED_AT).eventId,
    );

    // Assess
    expect(tagIds[1]).toBe(tagIds[0]);
    expect(uploadIds[1]).toBe(uploadIds[0]);
  });

  it('gives a tag added, removed and added again three distinct ids', () => {
    // Prepare
    const added = body('new_tag_image');
    const removed = body('delete_tag_image--other');
    const addedAgain = { ...added, id: 'b7e2d4f9-5a1c-4e3b-8d6f-0c9a2e7b4f13' };

    // Act
    const ids = [
      sharinpix.identify(readOk(added, 'new_tag_image'), minutesLater(1)).eventId,
      sharinpix.identify(readOk(removed, 'delete_tag_image'), minutesLater(2)).eventId,
      sharinpix.identify(readOk(addedAgain, 'new_tag_image'), minutesLater(3)).eventId,
    ];

    // Assess
    expect(new Set(ids).size).toBe(3);
  });

  it('gives the same image processed twice with different content two ids', () => {
    // Prepare
    const first = body('image_processed');
    const second = { ...first, rotation: 90 };

    // Act
    const a = sharinpix.identify(readOk(first, 'image_processed'), RECEIVED_AT);
    const b = sharinpix.identify(readOk(second, 'image_processed'), RECEIVED_AT);

    // Assess
    expect(b.eventId).not.toBe(a.eventId);
  });

  it('dates new_image by created_at, everything else (and a future created_at) by receipt', () => {
    // Prepare
    const future = { ...body('new_image'), created_at: minutesLater(60 * 24).toISOString() };

    // Act
    const newImage = sharinpix.identify(readOk(body('new_image'), 'new_image'), RECEIVED_AT);
    const fromFuture = sharinpix.identify(readOk(future, 'new_image'), RECEIVED_AT);
    const processed = sharinpix.identify(
      readOk(body('image_processed'), 'image_processed'),
      RECEIVED_AT,
    );

    // Assess
    expect(newImage.eventTime.toISOString()).toBe('2020-08-12T06:18:57.549Z');
    expect(fromFuture.eventTime).toEqual(RECEIVED_AT);
    expect(processed.eventTime).toEqual(RECEIVED_AT);
  });
});

describe('SharinPix personal data', () => {
  it.each([
    'new_tag_image',
    'new_tag_image--second-tag',
    'delete_tag_image',
    'delete_tag_image--other',
    'new_publication',
    'upload_done--mobile',
  ])('%s: no user field or app token in the payload, the changes or the records', (name) => {
    // Prepare
    const payload = body(name);
    const eventType = eventNameOfBodyFile(name);

    // Act
    const event = readOk(payload, eventType);
    const changes = changesOf(payload, eventType);
    const text = JSON.stringify([event, changes, recordsOf(changes)]);

    // Assess
    expect(JSON.stringify(payload)).toMatch(/Jane Example|Sam Sample|eyJhbGciOiJIUzI1NiJ9/);
    for (const secret of [...PERSONAL_DATA, APP_TOKEN]) expect(text).not.toContain(secret);
    expect(text).not.toContain('"user"');
    expect(text).not.toContain('app_url');
  });
});

describe('SharinPix plain bodies', () => {
  const names = bodyNames('sharinpix');

  it('cover every supported type at least twice, plus an unsupported one', () => {
    // Act
    const counts = new Map<string, number>();
    for (const name of names) {
      const type = eventNameOfBodyFile(name);
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }

    // Assess
    for (const type of [
      'new_image',
      'image_processed',
      'new_tag_image',
      'delete_image',
      'delete_tag_image',
      'upload_done',
      'new_einstein_prediction',
    ]) {
      expect([type, (counts.get(type) ?? 0) >= 2]).toEqual([type, true]);
    }
    expect(counts.get('new_publication')).toBe(1);
  });

  it.each(names)(
    '%s reads back to the same event from its queued payload, into valid records',
    (name) => {
      // Prepare
      const eventType = eventNameOfBodyFile(name);
      const first = readOk(body(name), eventType);

      // Act
      const reread = readOk(JSON.parse(JSON.stringify(first.payload)), first.eventType);
      const records = recordsOf(changesOf(body(name), eventType));

      // Assess
      expect(reread).toEqual(first);
      expect(sharinpix.identify(reread, RECEIVED_AT)).toEqual(
        sharinpix.identify(first, RECEIVED_AT),
      );
      for (const record of records)
        expect(v.safeParse(ImageRecordSchema, record).issues).toBeUndefined();
    },
  );
});
