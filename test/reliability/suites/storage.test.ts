import { randomBytes } from 'node:crypto';
import { type AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { eventClock, toImageRecord } from '../../../shared/record/record-state';
import type { ImageChange } from '../../../shared/record/image-change';
import {
  boundChange,
  ImageRecordSchema,
  MAX_DETECTIONS_PER_SOURCE,
  MAX_TAG_ENTRIES,
} from '../../../shared/record/image-record';
import { mergeAll } from '../../support/merge-all';
import { itemBytes, MAX_ITEM_BYTES } from '../../../shared/store/dynamodb-item';
import { deliveryCount, type LedgerEntry } from '../../../shared/store/ledger-item';
import { MAX_LISTED_DELIVERIES } from '../../../shared/store/dynamodb-event-ledger';
import { fromRecordItem, recordKey } from '../../../shared/store/record-item';
import { sharinpix } from '../../../shared/vendors/sharinpix/definition';
import type { Vendor } from '../../../shared/vendors/vendor';
import { mapWithConcurrency } from '../../../shared/worker/worker-handler';
import { markSuiteStarted, percentile, saveFigures } from '../support/figures';
import { HttpClient, type HttpRequest, type HttpResponse } from '../support/http-client';
import { type LocalStackProcess, startLocalStackProcess } from '../support/local-stack-process';
import { examples, stackLogViolations, takeAllMessages } from '../support/pipeline-checks';
import { checkWebhookResponse } from '../support/response-contract';
import { reliabilityScale, reliabilitySeed } from '../support/scale';
import { waitUntilQuiet } from '../support/stack-health';
import { scanLedger } from '../support/tables';
import {
  deliveriesFor,
  fixtureBodies,
  toHttpRequest,
  withUniqueIds,
} from '../support/webhook-requests';
import { SQSClient } from '@aws-sdk/client-sqs';

const scale = reliabilityScale();
const seed = reliabilitySeed();
/**
 * Twice the other suites' timeout: at the fast scale this suite still sends 1,650 requests (the
 * 1,050 repeats are the point), about 36 s on 2 cores at a load average of 5-8, and a shared
 * machine under heavy load can take several times that.
 */
jest.setTimeout(2 * scale.suiteTimeoutMs);

const JSON_HEADERS = { 'content-type': 'application/json' };
/** Images the tag events are spread over, interleaved, as in a busy album. */
const TAGGED_IMAGES = 5;
/** Distinct tag ids per image: more than a record keeps. */
const TAG_IDS = 100;
/** Tag events in flight at once. */
const TAG_EVENTS_IN_FLIGHT = 8;

const text = (length: number): string => randomBytes(length).toString('base64url').slice(0, length);

const fixture = (vendor: Vendor, name: string): Record<string, unknown> => {
  const file = fixtureBodies().find((body) => body.vendor === vendor && body.name === name);
  if (!file) throw new Error(`missing fixture ${vendor}/${name}`);
  return file.body;
};

/** The request that delivers a body as its vendor does (signed, with its token or secret). */
const delivered = (vendor: Vendor, name: string, body: Record<string, unknown>): HttpRequest => {
  const [delivery] = deliveriesFor(vendor, name, body);
  if (!delivery) throw new Error(`no delivery for ${vendor}/${name}`);
  return toHttpRequest(delivery);
};

/** An Image Intelligence job with one image carrying `count` detections of 2,000 characters. */
const detectionsJob = (jobId: string, imageId: string, count: number): HttpRequest => ({
  path: '/webhooks/image-intelligence',
  query: `token=${DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`,
  headers: JSON_HEADERS,
  body: Buffer.from(
    JSON.stringify({
      id: jobId,
      createdAt: Date.now(),
      status: 'COMPLETED_SUCCESSFULLY',
      jobResults: [],
      imageResults: [
        {
          id: imageId,
          url: `https://images.example.com/${imageId}.jpg`,
          status: 'COMPLETED_SUCCESSFULLY',
          objects: Array.from({ length: count }, (_, index) => ({
            class: `${String(index).padStart(4, '0')}${text(1996)}`,
            confidence: (index % 100) / 100,
            verdict: true,
          })),
        },
      ],
    }),
  ),
});

/** The largest bodies each vendor's route accepts, and the image each one writes. */
const largestBodies = (run: string) => {
  const spyne = withUniqueIds(fixture('spyne', 'v2-sample-a'), `storage-${run}`);
  const [firstImage] = spyne.image_data as Array<Record<string, unknown>>;
  const sharinpixBody = withUniqueIds(fixture('sharinpix', 'new_image'), `storage-${run}`);
  const cloudinaryBody = withUniqueIds(fixture('cloudinary', 'upload'), `storage-${run}`);
  const spyneImages = Array.from({ length: 15 }, (_, index) => ({
    ...firstImage,
    image_id: `storage-spyne-${run}-${index}`,
    image_meta_data: { notes: text(60_000) },
  }));
  return [
    {
      name: 'Image Intelligence, 240 detections of 2,000 characters',
      vendor: 'image-intelligence' as const,
      imageId: `storage-ii-240-${run}`,
      request: detectionsJob(`storage-job-240-${run}`, `storage-ii-240-${run}`, 240),
    },
    {
      name: 'Image Intelligence, 500 detections of 2,000 characters',
      vendor: 'image-intelligence' as const,
      imageId: `storage-ii-500-${run}`,
      request: detectionsJob(`storage-job-500-${run}`, `storage-ii-500-${run}`, 500),
    },
    {
      name: 'Spyne, 15 images with 60 KB of metadata each',
      vendor: 'spyne' as const,
      imageId: `storage-spyne-${run}-0`,
      request: delivered('spyne', 'v2-sample-a', { ...spyne, image_data: spyneImages }),
    },
    {
      name: 'SharinPix, 60 KB metadatas and exifs',
      vendor: 'sharinpix' as const,
      imageId: String(sharinpixBody.public_id),
      request: delivered('sharinpix', 'new_image', {
        ...sharinpixBody,
        metadatas: { notes: text(60_000) },
        exifs: { notes: text(60_000) },
      }),
    },
    {
      name: 'Cloudinary, 200 tags and 200 context entries of 2,000 characters',
      vendor: 'cloudinary' as const,
      imageId: String(cloudinaryBody.asset_id),
      request: delivered('cloudinary', 'upload', {
        ...cloudinaryBody,
        tags: Array.from({ length: 200 }, (_, index) => `tag-${index}-${text(40)}`),
        context: {
          custom: Object.fromEntries(
            Array.from({ length: 200 }, (_, index) => [`key${index}`, text(2000)]),
          ),
        },
      }),
    },
  ];
};

/** A SharinPix tag event on one image: tag `tagId` added or removed, link `linkId`. */
const tagEvent = (
  imageId: string,
  album: string,
  tagId: string,
  linkId: string,
  added: boolean,
) => {
  const base = fixture('sharinpix', 'new_tag_image');
  const body = {
    ...base,
    id: linkId,
    tag: { id: tagId, name: `name of ${tagId}`, label: `{"en":"${tagId}"}` },
    image: {
      ...(base.image as Record<string, unknown>),
      id: imageId,
      public_id: imageId,
      album_id: album,
    },
  };
  const event = added ? 'new_tag_image' : 'delete_tag_image';
  return { event, body, request: delivered('sharinpix', event, body) };
};

const safeJson = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

describe('storage: accepted means storable, however large or often', () => {
  let stack: LocalStackProcess;
  let client: HttpClient;
  let dynamoDb: DynamoDBClient;

  beforeAll(async () => {
    markSuiteStarted('storage');
    stack = await startLocalStackProcess({ visibilityTimeoutSeconds: 4 });
    client = new HttpClient(stack.url, { maxSockets: 32 });
    dynamoDb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.info.dynamoDbEndpoint });
  });

  afterAll(async () => {
    client?.close();
    dynamoDb?.destroy();
    await stack?.stop();
  });

  const rawItem = async (
    table: string,
    key: Record<string, AttributeValue>,
  ): Promise<Record<string, AttributeValue> | undefined> =>
    (await dynamoDb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true })))
      .Item;

  it('stores the largest bodies, 1,000+ repeats of one event and records tagged and untagged hundreds of times, dead-lettering none', async () => {
    // Prepare
    const startedAt = Date.now();
    const run = String(seed);
    const responses: HttpResponse[] = [];
    const send = async (request: HttpRequest) => {
      const response = await client.send(request);
      responses.push(response);
      const checked = checkWebhookResponse(response);
      return checked.ok && checked.answer.kind === 'accepted' ? checked.answer.eventId : undefined;
    };
    const large = largestBodies(run);
    const repeated = withUniqueIds(
      fixture('image-intelligence', 'detect--completed'),
      `repeat-${run}`,
    );
    const repeatRequest = delivered('image-intelligence', 'detect--completed', repeated);
    const album = `storage-album-${run}`;
    const taggedImages = Array.from(
      { length: TAGGED_IMAGES },
      (_, n) => `storage-tagged-${run}-${n}`,
    );
    const announcements = taggedImages.map((imageId) =>
      delivered('sharinpix', 'new_image', {
        ...fixture('sharinpix', 'new_image'),
        id: imageId,
        public_id: imageId,
        album_id: album,
      }),
    );
    // Per image: tag ids cycled, two adds for every removal, each event a new tag-image link.
    const tagEvents = Array.from({ length: scale.storageTagEvents }, (_, index) => {
      const step = Math.floor(index / TAGGED_IMAGES);
      return tagEvent(
        taggedImages[index % TAGGED_IMAGES] ?? '',
        album,
        `tag-${step % TAG_IDS}`,
        `link-${run}-${index}`,
        step % 3 !== 2,
      );
    });

    // Act: at once, the largest bodies, one event repeated, and images announced then tagged and
    // untagged hundreds of times each (the merge needs no order, so neither does the test).
    const [largeIds, repeatIds, [announced, tagIds]] = await Promise.all([
      mapWithConcurrency(large, 2, (body) => send(body.request)),
      mapWithConcurrency(
        Array.from({ length: scale.storageRepeats }, () => repeatRequest),
        scale.clientConcurrency / 2,
        send,
      ),
      (async () => {
        const announcedIds = await mapWithConcurrency(announcements, 4, send);
        const tagEventIds = await mapWithConcurrency(tagEvents, TAG_EVENTS_IN_FLIGHT, (tag) =>
          send(tag.request),
        );
        return [announcedIds, tagEventIds] as const;
      })(),
    ]);
    const drainMs = await waitUntilQuiet(stack.url, 300_000);
    const ledger = new Map(
      (await scanLedger(dynamoDb, stack.info.tables.ledger)).map((entry) => [entry.eventId, entry]),
    );
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: stack.info.sqsEndpoint });
    const deadLetters = await takeAllMessages(sqs, stack.info.queues.dlq.url);
    sqs.destroy();

    // Assess
    const problems: string[] = [];
    const finished = (eventId: string | undefined): LedgerEntry | undefined => {
      const entry = eventId === undefined ? undefined : ledger.get(eventId);
      return entry && entry.status !== 'processing' ? entry : undefined;
    };
    // 1. The largest bodies: every one accepted, applied, and its record within one item.
    let largestBody = 0;
    let largestRecord = 0;
    let valuesTrimmed = 0;
    for (const [index, body] of large.entries()) {
      largestBody = Math.max(largestBody, body.request.body?.length ?? 0);
      const entry = finished(largeIds[index]);
      if (!entry || entry.status !== 'completed' || entry.imagesRefused !== undefined) {
        problems.push(`${body.name}: ${entry ? entry.status : 'not finished'}`);
        continue;
      }
      valuesTrimmed += entry.noteCount ?? 0;
      const item = await rawItem(stack.info.tables.records, {
        pk: { S: recordKey(body.vendor, body.imageId) },
      });
      const bytes = item ? itemBytes(item) : 0;
      largestRecord = Math.max(largestRecord, bytes);
      const response = await client.send({
        method: 'GET',
        path: `/images/${body.vendor}/${encodeURIComponent(body.imageId)}`,
      });
      const record = v.safeParse(ImageRecordSchema, safeJson(response.body));
      if (!item || bytes > MAX_ITEM_BYTES || !record.success) {
        problems.push(
          `${body.name}: record ${item ? `${bytes} bytes` : 'missing'}, GET ${response.status}`,
        );
      } else if (record.output.detections.length > MAX_DETECTIONS_PER_SOURCE) {
        problems.push(`${body.name}: ${record.output.detections.length} detections kept`);
      }
    }
    // 2. One event repeated: one eventId, counted exactly, applied once, its entry bounded.
    const repeatEventIds = new Set(repeatIds);
    const [repeatEventId] = [...repeatEventIds];
    const repeatEntry = finished(repeatEventId);
    const repeatItem = repeatEventId
      ? await rawItem(stack.info.tables.ledger, { eventId: { S: repeatEventId } })
      : undefined;
    const repeatEntryBytes = repeatItem ? itemBytes(repeatItem) : 0;
    const counted = repeatEntry ? deliveryCount(repeatEntry) : 0;
    // Past the listed deliveries, a message SQS delivers again (after a worker timeout) may be
    // counted again: the count is at least the deliveries sent, at most the duplicates processed.
    const duplicatesLogged = repeatEventId ? (stack.log.duplicates.get(repeatEventId) ?? 0) : 0;
    if (repeatEventIds.size !== 1 || repeatEventId === undefined) {
      problems.push(`repeats: answered ${repeatEventIds.size} eventIds`);
    } else if (counted < scale.storageRepeats || counted > 1 + duplicatesLogged) {
      problems.push(
        `repeats: the ledger counts ${counted} deliveries, sent ${scale.storageRepeats}, ` +
          `${duplicatesLogged} duplicates processed`,
      );
    } else if (repeatEntry?.deliveries.length !== MAX_LISTED_DELIVERIES) {
      problems.push(`repeats: the entry lists ${repeatEntry?.deliveries.length} deliveries`);
    }
    const repeatApplications = repeatEventId
      ? (stack.log.appliedBy.get(repeatEventId)?.size ?? 0)
      : 0;
    if (repeatApplications !== 1) problems.push(`repeats: applied ${repeatApplications}×`);
    // 3. The tagged images: every tag event finished, each record the pure merge gives for the
    // events' own receipt times, and within the caps.
    const changes = new Map<string, ImageChange[]>();
    const collect = (eventType: string, body: unknown, eventId: string | undefined) => {
      const entry = finished(eventId);
      const read = sharinpix.read({ payload: body, eventType });
      if (!entry || !read.ok || entry.receivedAt === undefined) {
        problems.push(`tag events: ${eventId ?? 'an event'} did not finish`);
        return;
      }
      const identity = sharinpix.identify(read.value, new Date(entry.receivedAt));
      const clock = eventClock(identity.eventTime, identity.eventId);
      for (const change of sharinpix.normalize(read.value, clock)) {
        const bounded = boundChange(change).change;
        changes.set(change.imageId, [...(changes.get(change.imageId) ?? []), bounded]);
      }
    };
    announcements.forEach((request, index) =>
      collect('new_image', safeJson(request.body?.toString() ?? ''), announced[index]),
    );
    tagEvents.forEach((tag, index) => collect(tag.event, tag.body, tagIds[index]));
    let liveTags = 0;
    let largestTagged = 0;
    let mostTagEntries = 0;
    await mapWithConcurrency(taggedImages, 4, async (imageId) => {
      const expectedState = mergeAll(changes.get(imageId) ?? []);
      const expectedTags =
        expectedState && toImageRecord(expectedState, new Date(0).toISOString()).tags;
      const response = await client.send({
        method: 'GET',
        path: `/images/sharinpix/${encodeURIComponent(imageId)}`,
      });
      const record = v.safeParse(ImageRecordSchema, safeJson(response.body));
      const item = await rawItem(stack.info.tables.records, {
        pk: { S: recordKey('sharinpix', imageId) },
      });
      largestTagged = Math.max(largestTagged, item ? itemBytes(item) : 0);
      const stored = item ? fromRecordItem(item) : undefined;
      const tagEntries = stored?.ok
        ? Object.keys(stored.value.state.fields).filter((key) => key.startsWith('tag:')).length
        : -1;
      mostTagEntries = Math.max(mostTagEntries, tagEntries);
      if (!record.success) {
        problems.push(`${imageId}: GET answered ${response.status}`);
        return;
      }
      liveTags += record.output.tags.length;
      if (JSON.stringify(record.output.tags) !== JSON.stringify(expectedTags)) {
        problems.push(
          `${imageId}: ${record.output.tags.length} tags, the merge of its events gives ${expectedTags?.length}`,
        );
      }
      if (tagEntries < 0 || tagEntries > MAX_TAG_ENTRIES) {
        problems.push(`${imageId}: ${tagEntries} tag entries stored`);
      }
    });
    const accepted = [...largeIds, repeatEventId, ...announced, ...tagIds];
    const lost = accepted.filter((eventId) => finished(eventId) === undefined);
    const notAccepted = responses.filter((response) => response.status !== 200).length;
    const serverErrors = responses.filter((response) => response.status >= 500).length;
    const log = stack.log;
    const violations = [
      ...(notAccepted > 0
        ? [
            `${notAccepted} deliveries were not answered 200${examples(
              responses
                .filter((response) => response.status !== 200)
                .map((response) => `${response.status} ${response.body.slice(0, 80)}`),
              3,
            )}`,
          ]
        : []),
      ...(lost.length > 0 ? [`${lost.length} accepted events never finished`] : []),
      ...(deadLetters.length > 0
        ? [
            `${deadLetters.length} messages dead-lettered${examples(
              deadLetters.map((message) => message.MessageAttributes?.eventId?.StringValue ?? '?'),
              3,
            )}; failures${examples(log.failureSamples, 3)}`,
          ]
        : []),
      ...(problems.length > 0 ? [`${problems.length} storage failures${examples(problems)}`] : []),
      ...stackLogViolations(log),
    ];
    const latencies = responses.map((response) => response.ms);
    saveFigures({
      suite: 'storage',
      order: 8,
      title: 'Storage',
      seed,
      requests: responses.length,
      serverErrors,
      lost: lost.length,
      doubleApplied: log.doubleApplied().length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      durationMs: Date.now() - startedAt,
      details: {
        'largest bodies': large.length,
        'largest body bytes': largestBody,
        'largest record item bytes': largestRecord,
        'values trimmed by the record caps': valuesTrimmed,
        'repeats of one event': scale.storageRepeats,
        'deliveries counted in the ledger': counted,
        'ledger entry bytes after the repeats': repeatEntryBytes,
        'duplicates processed': duplicatesLogged,
        'tag add and remove events': tagEvents.length,
        'images they tag': TAGGED_IMAGES,
        'tags on the records': liveTags,
        'most tag entries stored on one record': mostTagEntries,
        'largest record item bytes after the tag events': largestTagged,
        'dead-lettered': deadLetters.length,
        'queue drained in ms': drainMs,
      },
      violations,
    });
    console.log(
      `storage: largest body ${largestBody} bytes, largest record ${largestRecord} bytes; ` +
        `${scale.storageRepeats} repeats counted ${counted}, entry ${repeatEntryBytes} bytes; ` +
        `${tagEvents.length} tag events on ${TAGGED_IMAGES} images, at most ${mostTagEntries} tag entries, ` +
        `records up to ${largestTagged} bytes`,
    );
    expect(violations).toEqual([]);
  });
});
