import * as v from 'valibot';
import { eventClock, toImageRecord } from '../../../shared/record/record-state';
import type { ImageChange } from '../../../shared/record/image-change';
import { type ImageRecord, ImageRecordSchema } from '../../../shared/record/image-record';
import { mergeAll } from '../../support/merge-all';
import type { ValidationIssue } from '../../../shared/validation/validation-issue';
import { MAX_ID_LENGTH, MAX_ITEMS, MAX_URL_LENGTH } from '../../../shared/vendors/common-schemas';
import { imageIntelligence } from '../../../shared/vendors/image-intelligence/definition';
import type { ImageIntelligenceEvent } from '../../../shared/vendors/image-intelligence/event';
import { imageIntelligenceOutcome } from '../../../shared/vendors/image-intelligence/normalize';
import {
  IMAGE_INTELLIGENCE_IMAGE_STATUSES,
  IMAGE_INTELLIGENCE_JOB_KINDS,
  IMAGE_INTELLIGENCE_JOB_STATUSES,
  type ImageIntelligenceJobKind,
  imageIntelligenceKindOf,
  MAX_QUESTION_LENGTH,
  MAX_STATUS_LENGTH,
} from '../../../shared/vendors/image-intelligence/schema';
import { bodyNames, loadBody } from '../../support/vendor-bodies';

const RECEIVED_AT = new Date('2026-11-23T10:00:00.000Z');
const UPDATED_AT = '2026-11-23T10:00:05.000Z';

/** Reads a body the way the pipeline does, failing the test on any issue. */
/** The documented examples' job `createdAt` (1487648348000), advanced one stage for COMPLETED_*. */
const DOCUMENTED_JOB_EVENT_TIME = '2017-02-21T03:39:08.001Z';

const readOk = (payload: unknown): ImageIntelligenceEvent => {
  const result = imageIntelligence.read({ payload });
  if (!result.ok) throw new Error(`unexpected issues: ${JSON.stringify(result.issues)}`);
  return result.value;
};

/** Reads a body that must fail, returning its issues. */
const readIssues = (payload: unknown): readonly ValidationIssue[] => {
  const result = imageIntelligence.read({ payload });
  if (result.ok) throw new Error(`unexpectedly valid: ${JSON.stringify(result.value)}`);
  return result.issues;
};

/** The distinct paths of the issues, in order: one bad value may break several rules. */
const pathsOf = (issues: readonly ValidationIssue[]): string[] => [
  ...new Set(issues.map(({ path }) => path)),
];

/** The changes one delivery implies, under the clock ingest would give it. */
const changesOf = (payload: unknown, receivedAt = RECEIVED_AT): readonly ImageChange[] => {
  const event = readOk(payload);
  const identity = imageIntelligence.identify(event, receivedAt);
  return imageIntelligence.normalize(event, eventClock(identity.eventTime, identity.eventId));
};

const recordOf = (changes: readonly ImageChange[]): ImageRecord => {
  const state = mergeAll(changes);
  if (!state) throw new Error('no state');
  return toImageRecord(state, UPDATED_AT);
};

/** One record per image of one delivery, in `imageResults` order. */
const recordsOf = (payload: unknown): ImageRecord[] =>
  changesOf(payload).map((change) => recordOf([change]));

const firstRecordOf = (payload: unknown): ImageRecord => {
  const [first] = recordsOf(payload);
  if (!first) throw new Error('no record');
  return first;
};

const isContainer = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const REMOVE = Symbol('remove');

/** A deep copy of `body` with the value at the dotted `path` replaced (or removed). */
const withValue = (body: unknown, path: string, value: unknown): unknown => {
  const copy: unknown = structuredClone(body);
  const keys = path.split('.');
  const last = keys.pop();
  let node: unknown = copy;
  for (const key of keys) node = isContainer(node) ? node[key] : undefined;
  if (!isContainer(node) || last === undefined) throw new Error(`no parent for ${path}`);
  if (value === REMOVE) Reflect.deleteProperty(node, last);
  else node[last] = value;
  return copy;
};

const IMAGE_URL = 'https://cameras.example.com/lot-north/cam-03/2024-05-20T08-15-01Z.jpg';
const PROXY_URL = 'https://api.quickpix.io/images/0b9d3e51-6c2a-4f7e-8d14-2a5c9e7f1b36';

const imageResult = (status: string) => ({
  id: 'img-e1a7c3f0',
  url: IMAGE_URL,
  proxyUrl: PROXY_URL,
  customId: 'lot-north-cam03-0815',
  status,
});

const jobTop = (jobStatus: string) => ({
  id: 'job-b3f1c2d4',
  createdAt: 1716192901000,
  status: jobStatus,
  customId: 'lot-north-2024-05-20',
  feedId: 'lot-north-cam-03',
});

/** A one-image job of the given kind, in the given job and image status. */
const bodyFor = (kind: ImageIntelligenceJobKind, jobStatus: string, imageStatus: string) => {
  switch (kind) {
    case 'detect':
      return {
        ...jobTop(jobStatus),
        jobResults: [{ class: 'car', hitl: true, image: { id: 'img-e1a7c3f0', url: IMAGE_URL } }],
        imageResults: [
          {
            ...imageResult(imageStatus),
            objects: [{ class: 'car', confidence: 0.97, verdict: true }],
          },
        ],
      };
    case 'match':
      return {
        ...jobTop(jobStatus),
        jobResults: {
          target: { class: 'car', images: ['https://fleet.example.com/van-0042/front.jpg'] },
          image: { id: 'img-e1a7c3f0', url: IMAGE_URL },
          hitl: false,
        },
        imageResults: [imageResult(imageStatus)],
      };
    case 'ask':
      return {
        ...jobTop(jobStatus),
        question: 'Is a car parked in bay 3?',
        examples: { yes: ['https://examples.example.com/bay-3/occupied.jpg'] },
        jobResults: { image: { id: 'img-e1a7c3f0', url: IMAGE_URL } },
        imageResults: [imageResult(imageStatus)],
      };
  }
};

const KINDS = [...IMAGE_INTELLIGENCE_JOB_KINDS];

describe('Image Intelligence /detect mapping', () => {
  it('maps the documented example field by field', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'detect--completed');

    // Act
    const [person, car] = recordsOf(body);

    // Assess
    expect(person).toEqual({
      vendor: 'image-intelligence',
      imageId: '52547074-a622-11e6-8f61-63f37dc33285',
      collection: { kind: 'job', id: '5d689c71-e68f-46c3-ac71-4053806e71de' },
      status: 'done',
      urls: {
        input: 'https://publicly.available.domain.net/image-001.jpg',
        proxy: 'https://api.quickpix.io/images/c7e9a2ca-c2ee-4290-90b4-04fe3df35be0',
      },
      tags: [],
      detections: [
        { label: 'person', confidence: 0.9971387386, verdict: true, hitl: true, source: 'detect' },
      ],
      externalId: 'some_person_filled_image',
      vendorMeta: {
        feedId: 'Camera_123456',
        jobCreatedAt: '2017-02-21T03:39:08.000Z',
        jobCustomId: '6c78df0a-67b6-4d5f-93cf-5820cfee501c',
        jobStatus: 'COMPLETED_SUCCESSFULLY',
      },
      deleted: false,
      lastEventAt: DOCUMENTED_JOB_EVENT_TIME,
      updatedAt: UPDATED_AT,
    });
    expect(person?.error).toBeUndefined();
    expect(person?.createdAt).toBeUndefined();
    expect(car?.detections).toEqual([
      { label: 'car', confidence: 0.9987652302, verdict: true, hitl: false, source: 'detect' },
    ]);
  });

  it('reports the failed image of a partial error, and takes hitl per class and image', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'detect--partial-error');

    // Act
    const [first, second, failed] = recordsOf(body);

    // Assess
    expect(first?.detections).toEqual([
      { label: 'car', confidence: 0.9912, verdict: true, hitl: false, source: 'detect' },
      { label: 'person', confidence: 0.1208, verdict: false, hitl: true, source: 'detect' },
    ]);
    expect(second?.detections).toEqual([
      { label: 'car', confidence: 0.9634, verdict: true, hitl: false, source: 'detect' },
      { label: 'person', confidence: 0.8743, verdict: true, hitl: true, source: 'detect' },
    ]);
    expect(failed).toMatchObject({
      imageId: 'e1a7c8d4-16b2-11ef-9a4d-0242ac120002',
      status: 'failed',
      error: 'IMAGE_DOWNLOAD_ERROR',
      externalId: 'lot-north-cam03-0817',
      detections: [],
      vendorMeta: { jobStatus: 'COMPLETED_PARTIAL_ERROR', feedId: 'lot-north-cam-03' },
    });
    expect(failed?.urls).toEqual({
      input: 'https://cameras.example.com/lot-north/cam-03/2024-05-20T08-17-01Z.jpg',
    });
  });

  it('prefers the hitl of the jobResults entry naming this image over another of its class', () => {
    // Prepare
    const body = {
      ...jobTop('COMPLETED_SUCCESSFULLY'),
      jobResults: [
        { class: 'car', hitl: false, image: { id: 'img-a', url: IMAGE_URL } },
        { class: 'car', hitl: true, image: { id: 'img-b', url: IMAGE_URL } },
      ],
      imageResults: ['img-a', 'img-b', 'img-c'].map((id) => ({
        id,
        url: IMAGE_URL,
        status: 'COMPLETED_SUCCESSFULLY',
        objects: [{ class: 'car', confidence: 0.9, verdict: true }],
      })),
    };

    // Act
    const records = recordsOf(body);

    // Assess
    expect(records.map((record) => record.detections[0]?.hitl)).toEqual([false, true, false]);
  });

  it('omits hitl when no jobResults entry covers the class', () => {
    // Prepare
    const body = withValue(
      bodyFor('detect', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY'),
      'jobResults',
      [],
    );

    // Act
    const record = firstRecordOf(body);

    // Assess
    expect(record.detections).toEqual([
      { label: 'car', confidence: 0.97, verdict: true, source: 'detect' },
    ]);
  });

  it('reads hitl and verdict sent as the strings "true"/"false", as the spec example does', () => {
    // Prepare
    const body = withValue(
      withValue(
        bodyFor('detect', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY'),
        'jobResults.0.hitl',
        'true',
      ),
      'imageResults.0.objects.0.verdict',
      'False',
    );

    // Act
    const record = firstRecordOf(body);

    // Assess
    expect(record.detections).toEqual([
      { label: 'car', confidence: 0.97, verdict: false, hitl: true, source: 'detect' },
    ]);
  });

  it('leaves detections alone when an image has no objects, and clears them on an empty list', () => {
    // Prepare
    const completed = bodyFor('detect', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY');
    const laterJob = withValue(completed, 'createdAt', 1716192961000);
    const withoutObjects = withValue(laterJob, 'imageResults.0.objects', REMOVE);
    const withNoObjects = withValue(laterJob, 'imageResults.0.objects', []);

    // Act
    const [silent] = changesOf(withoutObjects);
    const kept = recordOf([...changesOf(completed), ...changesOf(withoutObjects)]);
    const cleared = recordOf([...changesOf(completed), ...changesOf(withNoObjects)]);

    // Assess
    expect(silent?.patch.detections).toBeUndefined();
    expect(kept.detections).toHaveLength(1);
    expect(cleared.detections).toEqual([]);
  });

  it('maps the IN_PROGRESS delivery of a job to processing images of that job', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'detect--in-progress');

    // Act
    const records = recordsOf(body);

    // Assess
    expect(records).toHaveLength(3);
    for (const record of records) {
      expect(record).toMatchObject({
        status: 'processing',
        collection: { kind: 'job', id: 'b3f1c2d4-7a8e-4c19-9f2b-3e6d5a4c1b07' },
        detections: [],
        vendorMeta: { jobStatus: 'IN_PROGRESS' },
      });
      expect(record.error).toBeUndefined();
    }
  });

  it('fails every image of an all-error job with its own status as the error', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'detect--all-error');

    // Act
    const records = recordsOf(body);

    // Assess
    expect(records.map(({ status, error }) => ({ status, error }))).toEqual([
      { status: 'failed', error: 'INVALID_IMAGE_FORMAT_ERROR' },
      { status: 'failed', error: 'DETECTION_ENGINE_ERROR' },
    ]);
    expect(records[0]?.vendorMeta.jobStatus).toBe('COMPLETED_ALL_ERROR');
  });
});

describe('Image Intelligence /match mapping', () => {
  it('maps the documented example: the matched image gets the target class, the other none', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'match--completed');

    // Act
    const [matched, other] = recordsOf(body);

    // Assess
    expect(matched).toEqual({
      vendor: 'image-intelligence',
      imageId: '52547074-a622-11e6-8f61-63f37dc33295',
      collection: { kind: 'job', id: '5d689c71-e68f-46c3-ac71-4053806e71df' },
      status: 'done',
      urls: {
        input: 'https://publicly.available.domain.net/image-011.jpg',
        proxy: 'https://api.quickpix.io/images/c7e9a2ca-c2ee-4290-90b4-04fe3df35bf0',
      },
      tags: [],
      detections: [{ label: 'person', confidence: 1, verdict: true, hitl: true, source: 'match' }],
      externalId: 'some_person_filled_image',
      vendorMeta: {
        feedId: 'Camera_123456',
        jobCreatedAt: '2017-02-21T03:39:08.000Z',
        jobCustomId: '6c78df0a-67b6-4d5f-93cf-5820cfee501d',
        jobStatus: 'COMPLETED_SUCCESSFULLY',
      },
      deleted: false,
      lastEventAt: DOCUMENTED_JOB_EVENT_TIME,
      updatedAt: UPDATED_AT,
    });
    expect(other).toMatchObject({
      imageId: '52547074-a622-11e6-8f61-63f37dc33296',
      status: 'done',
      detections: [],
      externalId: 'some_car_filled_image',
    });
  });

  it('uses the confidence of the match result when it carries one', () => {
    // Prepare
    const body = withValue(
      bodyFor('match', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY'),
      'jobResults.image.confidence',
      0.83,
    );

    // Act
    const record = firstRecordOf(body);

    // Assess
    expect(record.detections).toEqual([
      { label: 'car', confidence: 0.83, verdict: true, hitl: false, source: 'match' },
    ]);
  });

  it('matches a chosen image that has no id by its URL', () => {
    // Prepare
    const body = withValue(
      bodyFor('match', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY'),
      'jobResults.image.id',
      REMOVE,
    );

    // Act
    const record = firstRecordOf(body);

    // Assess
    expect(record.detections).toEqual([
      { label: 'car', confidence: 1, verdict: true, hitl: false, source: 'match' },
    ]);
  });

  it('gives no image a match when the job found none, and fails the image that errored', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'match--no-match');

    // Act
    const [clean, errored] = recordsOf(body);

    // Assess
    expect(clean).toMatchObject({ status: 'done', detections: [], externalId: 'depot-cam02-1720' });
    expect(errored).toMatchObject({ status: 'failed', error: 'UNKNOWN_ERROR', detections: [] });
  });

  it('clears an older match when a later result of the image matches nothing', () => {
    // Prepare
    const matched = bodyFor('match', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY');
    const unmatched = withValue(
      withValue(matched, 'jobResults.image', REMOVE),
      'id',
      'job-second-run',
    );
    const later = new Date(RECEIVED_AT.getTime() + 60_000);

    // Act
    const record = recordOf([...changesOf(unmatched, later), ...changesOf(matched)]);

    // Assess
    expect(record.detections).toEqual([]);
    expect(record.collection).toEqual({ kind: 'job', id: 'job-second-run' });
  });
});

describe('Image Intelligence /ask mapping', () => {
  it('maps the documented example, keeping the question and adding no detections', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'ask--completed');

    // Act
    const [first, second] = recordsOf(body);

    // Assess
    expect(first).toEqual({
      vendor: 'image-intelligence',
      imageId: '52547074-a622-11e6-8f61-63f37dc332a5',
      collection: { kind: 'job', id: '5d689c71-e68f-46c3-ac71-4053806e71e0' },
      status: 'done',
      urls: {
        input: 'https://publicly.available.domain.net/image-021.jpg',
        proxy: 'https://api.quickpix.io/images/c7e9a2ca-c2ee-4290-90b4-04fe3df35c00',
      },
      tags: [],
      detections: [],
      externalId: 'some_garage_door_opened_image',
      vendorMeta: {
        feedId: 'Camera_123456',
        jobCreatedAt: '2017-02-21T03:39:08.000Z',
        jobCustomId: '6c78df0a-67b6-4d5f-93cf-5820cfee501e',
        jobStatus: 'COMPLETED_SUCCESSFULLY',
        question: 'Is my garage door open?',
      },
      deleted: false,
      lastEventAt: DOCUMENTED_JOB_EVENT_TIME,
      updatedAt: UPDATED_AT,
    });
    expect(second?.externalId).toBe('some_garage_door_closed_image');
  });

  it('maps an ask job in progress, keeping only the metadata that was sent', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'ask--in-progress');

    // Act
    const records = recordsOf(body);

    // Assess
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ status: 'processing', detections: [] });
    expect(records[0]?.urls.proxy).toBeUndefined();
    expect(records[0]?.vendorMeta).toEqual({
      feedId: 'loading-bay-cam-04',
      jobCreatedAt: '2024-06-08T05:30:00.000Z',
      jobStatus: 'IN_PROGRESS',
      question: 'Is the roller door of the loading bay open?',
    });
  });
});

describe('Image Intelligence statuses', () => {
  const jobCases = KINDS.flatMap((kind) =>
    IMAGE_INTELLIGENCE_JOB_STATUSES.map((status) => [kind, status] as const),
  );

  it.each(jobCases)(
    'keeps the %s job status %s in vendorMeta and in the eventId',
    (kind, status) => {
      // Prepare
      const body = bodyFor(kind, status, 'COMPLETED_SUCCESSFULLY');

      // Act
      const event = readOk(body);
      const identity = imageIntelligence.identify(event, RECEIVED_AT);
      const record = firstRecordOf(body);

      // Assess
      expect(event.eventType).toBe(kind);
      expect(identity.eventId).toBe(`image-intelligence:job-b3f1c2d4:${status}`);
      expect(record.vendorMeta.jobStatus).toBe(status);
    },
  );

  const expectedOutcome = (status: string) =>
    status === 'COMPLETED_SUCCESSFULLY'
      ? { status: 'done', error: undefined }
      : status === 'IN_PROGRESS'
        ? { status: 'processing', error: undefined }
        : { status: 'failed', error: status };

  const imageCases = KINDS.flatMap((kind) =>
    IMAGE_INTELLIGENCE_IMAGE_STATUSES.map((status) => [kind, status] as const),
  );

  it.each(imageCases)(
    'maps the %s image status %s to the record status and error',
    (kind, imageStatus) => {
      // Prepare
      const body = bodyFor(kind, 'COMPLETED_PARTIAL_ERROR', imageStatus);

      // Act
      const record = firstRecordOf(body);

      // Assess
      const expected = expectedOutcome(imageStatus);
      expect(record.status).toBe(expected.status);
      expect(record.error).toBe(expected.error);
    },
  );

  it.each([
    ['completed_successfully', 'done', undefined],
    [' In_Progress ', 'processing', undefined],
    ['image_download_error', 'failed', 'IMAGE_DOWNLOAD_ERROR'],
    ['QUOTA_EXCEEDED_ERROR', 'failed', 'QUOTA_EXCEEDED_ERROR'],
    ['QUEUED', 'processing', undefined],
    ['COMPLETED_WITH_WARNINGS', 'processing', undefined],
  ])(
    'maps the image status %p (case-insensitive, unknown ones conservatively) to %p',
    (imageStatus, status, error) => {
      // Prepare
      const body = bodyFor('detect', 'completed_partial_error', imageStatus);

      // Act
      const record = firstRecordOf(body);

      // Assess
      expect(record.status).toBe(status);
      expect(record.error).toBe(error);
      expect(record.vendorMeta.jobStatus).toBe('COMPLETED_PARTIAL_ERROR');
    },
  );

  it('clears an older error once a later result of the image succeeds', () => {
    // Prepare
    const failed = bodyFor('detect', 'COMPLETED_ALL_ERROR', 'MODEL_SERVICE_ERROR');
    const done = withValue(
      bodyFor('detect', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY'),
      'id',
      'job-retry',
    );
    const later = new Date(RECEIVED_AT.getTime() + 60_000);

    // Act
    const record = recordOf([...changesOf(done, later), ...changesOf(failed)]);

    // Assess
    expect(record.status).toBe('done');
    expect(record.error).toBeUndefined();
  });

  it('exposes the outcome rule on its own for the known statuses', () => {
    // Prepare
    const statuses = [...IMAGE_INTELLIGENCE_IMAGE_STATUSES];

    // Act
    const outcomes = statuses.map(imageIntelligenceOutcome);

    // Assess
    expect(outcomes.filter(({ status }) => status === 'failed')).toHaveLength(8);
    expect(outcomes[0]).toEqual({ status: 'done', error: null });
    expect(outcomes[1]).toEqual({ status: 'processing', error: null });
  });
});

describe('Image Intelligence event identity', () => {
  it('gives the retries of one delivery the same eventId and the same event time', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'detect--partial-error');
    const retryAt = new Date(RECEIVED_AT.getTime() + 5 * 60_000);

    // Act
    const first = imageIntelligence.identify(readOk(body), RECEIVED_AT);
    const retry = imageIntelligence.identify(readOk(body), retryAt);

    // Assess
    expect(retry.eventId).toBe(first.eventId);
    expect(first.eventId).toBe(
      'image-intelligence:b3f1c2d4-7a8e-4c19-9f2b-3e6d5a4c1b07:COMPLETED_PARTIAL_ERROR',
    );
    expect(retry.eventTime).toEqual(first.eventTime);
    expect(first.supported).toBe(true);
  });

  it('gives IN_PROGRESS and COMPLETED of one job distinct eventIds', () => {
    // Prepare
    const inProgress = loadBody('image-intelligence', 'detect--in-progress');
    const completed = loadBody('image-intelligence', 'detect--partial-error');

    // Act
    const a = imageIntelligence.identify(readOk(inProgress), RECEIVED_AT);
    const b = imageIntelligence.identify(readOk(completed), RECEIVED_AT);

    // Assess
    expect(a.eventId).not.toBe(b.eventId);
    expect(a.eventId).toBe('image-intelligence:b3f1c2d4-7a8e-4c19-9f2b-3e6d5a4c1b07:IN_PROGRESS');
  });

  it('dates an event by its job createdAt and lifecycle stage, not by its receipt', () => {
    // Prepare
    const inProgress = readOk(loadBody('image-intelligence', 'detect--in-progress'));
    const completed = readOk(loadBody('image-intelligence', 'detect--partial-error'));

    // Act
    const early = imageIntelligence.identify(completed, RECEIVED_AT);
    const lateRetry = imageIntelligence.identify(
      inProgress,
      new Date(RECEIVED_AT.getTime() + 600_000),
    );

    // Assess
    expect(early.eventTime.getTime()).toBe(Date.parse(completed.payload.createdAt) + 1);
    expect(lateRetry.eventTime.getTime()).toBe(Date.parse(inProgress.payload.createdAt));
    expect(lateRetry.eventTime.getTime()).toBeLessThan(early.eventTime.getTime());
  });

  it('falls back to the receipt time when createdAt lies in the future', () => {
    // Prepare
    const future = withValue(
      loadBody('image-intelligence', 'detect--completed'),
      'createdAt',
      RECEIVED_AT.getTime() + 3_600_000,
    );

    // Act
    const identity = imageIntelligence.identify(readOk(future), RECEIVED_AT);

    // Assess
    expect(identity.eventTime).toEqual(RECEIVED_AT);
  });

  it('merges IN_PROGRESS and COMPLETED of one job to the completed state, even when a retried IN_PROGRESS arrives last', () => {
    // Prepare
    const completed = changesOf(loadBody('image-intelligence', 'detect--partial-error'));
    const inProgress = changesOf(
      loadBody('image-intelligence', 'detect--in-progress'),
      new Date(RECEIVED_AT.getTime() + 90_000),
    );
    const byImage = (changes: readonly ImageChange[]) =>
      ['e1a7c3f0', 'e1a7c6a2', 'e1a7c8d4'].map((prefix) =>
        recordOf(changes.filter((change) => change.imageId.startsWith(prefix))),
      );

    // Act
    const forward = byImage([...inProgress, ...completed]);
    const backward = byImage([...completed, ...inProgress]);

    // Assess
    expect(forward).toEqual(backward);
    expect(forward.map(({ status }) => status)).toEqual(['done', 'done', 'failed']);
    expect(forward[0]?.detections).toHaveLength(2);
    expect(forward[0]?.vendorMeta.jobStatus).toBe('COMPLETED_PARTIAL_ERROR');
  });
});

describe('Image Intelligence createdAt', () => {
  it.each([
    1487648348,
    1487648348000,
    1487648348000.4,
    '1487648348',
    ' 1487648348000 ',
    '2017-02-21T03:39:08Z',
    '2017-02-21T14:39:08+11:00',
  ])('reads %p as the same job creation time', (createdAt) => {
    // Prepare
    const body = withValue(
      bodyFor('ask', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY'),
      'createdAt',
      createdAt,
    );

    // Act
    const record = firstRecordOf(body);

    // Assess
    expect(record.vendorMeta.jobCreatedAt).toBe('2017-02-21T03:39:08.000Z');
    expect(record.createdAt).toBeUndefined();
  });

  it('gives a body dated in seconds the same jobCreatedAt as the one in milliseconds', () => {
    // Prepare
    const seconds = loadBody('image-intelligence', 'detect--seconds-createdat');
    const millis = withValue(seconds, 'createdAt', 1716703512000);

    // Act
    const fromSeconds = firstRecordOf(seconds);
    const fromMillis = firstRecordOf(millis);

    // Assess
    expect(fromSeconds.vendorMeta.jobCreatedAt).toBe('2024-05-26T06:05:12.000Z');
    expect(fromMillis.vendorMeta.jobCreatedAt).toBe(fromSeconds.vendorMeta.jobCreatedAt);
  });

  it('queues a payload that reads back to itself, so the worker sees what ingest saw', () => {
    // Prepare
    const body = withValue(
      bodyFor('detect', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY'),
      'createdAt',
      915148800,
    );

    // Act
    const first = readOk(body);
    const again = readOk(JSON.parse(JSON.stringify(first.payload)));

    // Assess
    expect(again).toEqual(first);
    expect(first.payload.createdAt).toBe('1999-01-01T00:00:00.000Z');
  });
});

describe('Image Intelligence job kind and payload', () => {
  it.each([
    [{ jobResults: [] }, 'detect'],
    [{ jobResults: { target: {} } }, 'match'],
    [{ jobResults: { image: {} } }, 'ask'],
    [{ jobResults: {} }, 'ask'],
    [{ question: 'Is it raining?' }, 'ask'],
    [{ question: 'Is it raining?', jobResults: { target: {} } }, 'match'],
    [{ jobResults: 'none' }, 'detect'],
    [{}, 'detect'],
    [null, 'detect'],
    [[1, 2], 'detect'],
  ])('tells %j apart as %s', (payload, kind) => {
    // Prepare
    const body: unknown = structuredClone(payload);

    // Act
    const detected = imageIntelligenceKindOf(body);

    // Assess
    expect(detected).toBe(kind);
  });

  it('drops webhookUrl (it carries our token) and unknown fields from the queued payload', () => {
    // Prepare
    const body = {
      ...bodyFor('detect', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY'),
      webhookUrl: 'https://hooks.example.com/webhooks/image-intelligence?token=s3cr3t-t0ken',
      billing: { plan: 'enterprise' },
    };

    // Act
    const event = readOk(body);
    const serialized = JSON.stringify(event.payload);

    // Assess
    expect(Object.hasOwn(event.payload, 'webhookUrl')).toBe(false);
    expect(Object.hasOwn(event.payload, 'billing')).toBe(false);
    expect(serialized).not.toContain('s3cr3t-t0ken');
  });

  it.each(bodyNames('image-intelligence'))(
    'reads the plain body %s into records that meet the output contract',
    (name) => {
      // Prepare
      const body = loadBody('image-intelligence', name);

      // Act
      const records = recordsOf(body);

      // Assess
      expect(records.length).toBeGreaterThan(0);
      for (const record of records) {
        expect(v.safeParse(ImageRecordSchema, record).success).toBe(true);
      }
    },
  );
});

describe('Image Intelligence bad input', () => {
  const detect = bodyFor('detect', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY');
  const match = bodyFor('match', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY');
  const ask = bodyFor('ask', 'COMPLETED_SUCCESSFULLY', 'COMPLETED_SUCCESSFULLY');
  const bodies = { detect, match, ask } as const;

  it.each([null, 42, 'text', true, [], [detect]])('refuses the non-object body %j', (payload) => {
    // Prepare
    const body: unknown = structuredClone(payload);

    // Act
    const issues = readIssues(body);

    // Assess
    expect(pathsOf(issues)).toEqual(['']);
  });

  it.each([
    ['detect', 'id'],
    ['detect', 'createdAt'],
    ['detect', 'status'],
    ['detect', 'jobResults'],
    ['detect', 'imageResults'],
    ['detect', 'imageResults.0.id'],
    ['detect', 'imageResults.0.url'],
    ['detect', 'imageResults.0.status'],
    ['detect', 'imageResults.0.objects.0.class'],
    ['detect', 'imageResults.0.objects.0.confidence'],
    ['detect', 'jobResults.0.class'],
    ['detect', 'jobResults.0.image.id'],
    ['detect', 'jobResults.0.image.url'],
    ['match', 'id'],
    ['match', 'jobResults.target.class'],
    ['match', 'jobResults.target.images'],
    ['match', 'jobResults.image.url'],
    ['match', 'imageResults.0.url'],
    ['ask', 'createdAt'],
    ['ask', 'imageResults'],
    ['ask', 'imageResults.0.id'],
    ['ask', 'jobResults.image.url'],
  ] as const)('refuses a %s job without %s', (kind, path) => {
    // Prepare
    const body = withValue(bodies[kind], path, REMOVE);

    // Act
    const issues = readIssues(body);

    // Assess
    expect(pathsOf(issues)).toEqual([path]);
    expect(issues[0]?.message).toMatch(/^is required/);
  });

  it.each([
    ['detect', 'id', 42],
    ['detect', 'id', ''],
    ['detect', 'id', '   '],
    ['detect', 'id', 'job\u0000id'],
    ['detect', 'status', 7],
    ['detect', 'status', 'completed successfully'],
    ['detect', 'createdAt', true],
    ['detect', 'createdAt', 'yesterday'],
    ['detect', 'createdAt', { seconds: 1487648348 }],
    ['detect', 'customId', ''],
    ['detect', 'feedId', { camera: 3 }],
    ['detect', 'imageResults', { 0: {} }],
    ['detect', 'imageResults.0', 'img-1'],
    ['detect', 'imageResults.0.id', 7],
    ['detect', 'imageResults.0.url', 'not a url'],
    ['detect', 'imageResults.0.url', 'ftp://files.example.com/a.jpg'],
    ['detect', 'imageResults.0.url', ''],
    ['detect', 'imageResults.0.status', null],
    ['detect', 'imageResults.0.objects', 'car'],
    ['detect', 'imageResults.0.objects.0.confidence', '0.9'],
    ['detect', 'imageResults.0.objects.0.verdict', 'maybe'],
    ['detect', 'jobResults.0', 'car'],
    ['detect', 'jobResults.0.hitl', 'yes'],
    ['match', 'jobResults.target', 'car'],
    ['match', 'jobResults.target.images', 'https://fleet.example.com/a.jpg'],
    ['match', 'jobResults.target.images.0', 'fleet/a.jpg'],
    ['match', 'jobResults.image', 'img-e1a7c3f0'],
    ['match', 'jobResults.hitl', 1],
    ['ask', 'question', 42],
    ['ask', 'examples', 'https://examples.example.com/yes.jpg'],
    ['ask', 'jobResults.image.id', 12],
  ] as const)('refuses a %s job whose %s is %j', (kind, path, value) => {
    // Prepare
    const body = withValue(bodies[kind], path, value);

    // Act
    const issues = readIssues(body);

    // Assess
    expect(pathsOf(issues)).toEqual([path]);
  });

  it.each([
    ['imageResults.0.objects.0.confidence', 1.5],
    ['imageResults.0.objects.0.confidence', -0.01],
    ['imageResults.0.objects.0.confidence', Number.NaN],
    ['createdAt', -1],
    ['createdAt', '-1487648348'],
    ['createdAt', 1e20],
    ['createdAt', Number.POSITIVE_INFINITY],
    ['createdAt', Number.NaN],
    ['createdAt', '+275760-09-13T00:00:00Z'],
    ['createdAt', '1969-12-31T23:59:59Z'],
  ] as const)('refuses %s out of range (%p)', (path, value) => {
    // Prepare
    const body = withValue(detect, path, value);

    // Act
    const issues = readIssues(body);

    // Assess
    expect(pathsOf(issues)).toEqual([path]);
  });

  it.each([
    ['detect', 'imageResults.0.proxyUrl', 'javascript:alert(1)'],
    ['ask', 'examples.yes', 'https://examples.example.com/yes.jpg'],
    ['match', 'jobResults.image.confidence', 1.5],
  ] as const)('accepts a %s job whose optional %s is %j, without it', (kind, path, value) => {
    // Prepare
    const body = withValue(bodies[kind], path, value);

    // Act
    const event = readOk(body);

    // Assess
    expect(event.dropped?.map((field) => field.path)).toEqual([path]);
    const leaf = path.split('.').at(-1) ?? path;
    expect(JSON.stringify(event.payload)).not.toContain(`"${leaf}":${JSON.stringify(value)}`);
  });

  it.each([
    ['detect', 'jobResults', 'none'],
    ['detect', 'jobResults', null],
    ['detect', 'jobResults', [1]],
    ['match', 'jobResults', { target: 'car', hitl: true }],
    ['ask', 'jobResults', { image: [] }],
  ] as const)('refuses a %s job whose jobResults has the wrong shape %j', (kind, path, value) => {
    // Prepare
    const body = withValue(bodies[kind], path, value);

    // Act
    const issues = readIssues(body);

    // Assess
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((issue) => issue.path.startsWith('jobResults'))).toBe(true);
  });

  it('accepts empty lists: a job with no images yields no changes', () => {
    // Prepare
    const body = withValue(withValue(detect, 'imageResults', []), 'jobResults', []);
    const emptyTargets = withValue(match, 'jobResults.target.images', []);

    // Act
    const changes = changesOf(body);
    const matchChanges = changesOf(emptyTargets);

    // Assess
    expect(changes).toEqual([]);
    expect(matchChanges).toHaveLength(1);
  });

  it.each([
    ['imageResults', Array.from({ length: MAX_ITEMS + 1 }, () => imageResult('IN_PROGRESS'))],
    [
      'imageResults.0.objects',
      Array.from({ length: MAX_ITEMS + 1 }, () => ({ class: 'car', confidence: 0.5 })),
    ],
    ['imageResults.0.id', 'x'.repeat(MAX_ID_LENGTH + 1)],
    ['imageResults.0.url', `https://cameras.example.com/${'a'.repeat(MAX_URL_LENGTH)}.jpg`],
    ['imageResults.0.status', `${'E'.repeat(MAX_STATUS_LENGTH)}_ERROR`],
    ['jobResults.0.class', 'c'.repeat(5000)],
    ['id', 'j'.repeat(MAX_ID_LENGTH + 1)],
  ] as const)('refuses an oversized %s', (path, value) => {
    // Prepare
    const body = withValue(detect, path, value);

    // Act
    const issues = readIssues(body);

    // Assess
    expect(pathsOf(issues)).toEqual([path]);
  });

  it('refuses a question longer than the vendor allows', () => {
    // Prepare
    const body = withValue(ask, 'question', `Is the gate open? ${'x'.repeat(MAX_QUESTION_LENGTH)}`);

    // Act
    const issues = readIssues(body);

    // Assess
    expect(pathsOf(issues)).toEqual(['question']);
  });

  it('reports at most 10 issues however many images are bad', () => {
    // Prepare
    const body = withValue(
      detect,
      'imageResults',
      Array.from({ length: 50 }, () => ({ id: '', url: 'nope', status: 5 })),
    );

    // Act
    const issues = readIssues(body);

    // Assess
    expect(issues).toHaveLength(10);
    expect(issues[0]?.path).toBe('imageResults.0.id');
  });

  it('drops __proto__ and constructor keys without polluting prototypes', () => {
    // Prepare
    const text = JSON.stringify(detect).replace(
      '{',
      '{"__proto__":{"polluted":true,"id":"job-from-proto"},"constructor":{"prototype":{"polluted":true}},',
    );
    const body: unknown = JSON.parse(
      text.replace('"objects":[', '"__proto__":{"status":"IN_PROGRESS"},"objects":['),
    );

    // Act
    const event = readOk(body);
    const [record] = recordsOf(body);

    // Assess
    expect(event.payload.id).toBe('job-b3f1c2d4');
    expect(Object.hasOwn(event.payload, '__proto__')).toBe(false);
    expect(Object.hasOwn(event.payload, 'constructor')).toBe(false);
    expect(record?.status).toBe('done');
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  });

  it('does not take a required field from a __proto__ key', () => {
    // Prepare
    const body: unknown = JSON.parse(
      JSON.stringify(withValue(detect, 'id', REMOVE)).replace('{', '{"__proto__":{"id":"job-x"},'),
    );

    // Act
    const issues = readIssues(body);

    // Assess
    expect(pathsOf(issues)).toEqual(['id']);
  });

  it('drops a deeply nested unknown field and refuses deep nesting where a list is expected', () => {
    // Prepare
    let deep: unknown = [];
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    const unknownField = { ...detect, annotations: deep };
    const inObjects = withValue(detect, 'imageResults.0.objects', deep);

    // Act
    const accepted = readOk(unknownField);
    const issues = readIssues(inObjects);

    // Assess
    expect(Object.hasOwn(accepted.payload, 'annotations')).toBe(false);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every(({ path }) => path.startsWith('imageResults.0.objects.0'))).toBe(true);
  });
});
