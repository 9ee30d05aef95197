import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { freePort } from '../../../local/servers/free-port';
import { listCollection } from '../../../scripts/lib/read-api-client';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { cloudinarySignatureHeaders } from '../../../shared/vendors/cloudinary/signature';
import { toIngestRequest } from '../../../shared/ingest/ingest-request';
import { ingestRoute } from '../../../shared/ingest/ingest-pipeline';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import { quarantineMessage } from '../../../shared/ingest/quarantine';
import type { QueueMessage } from '../../../shared/queue/event-queue';
import { type ImageRecord, ImageRecordSchema } from '../../../shared/record/image-record';
import { isVendor, VENDORS, type Vendor } from '../../../shared/vendors/vendor';
import {
  completions,
  contractCompletion,
  expectedChanged,
  imageChanges,
  readChanges,
} from '../../support/change-events';
import {
  appliedEvents,
  expectedRecords,
  type SentDelivery,
  type TimelessRecord,
  timeless,
} from './support/expected-records';
import {
  REPOSITORY_ROOT,
  runScript,
  type StackPorts,
  type StackProcess,
  startStackProcess,
} from './support/stack-process';
import { spyneDelivery, spyneEnvelopeMessage } from './support/synthetic-deliveries';
import type { ImageRecordChangedEvent } from '../../../shared/changes/change-event';
import { deliveriesOf } from '../../../scripts/fixtures/build-fixtures';

jest.setTimeout(120_000);

const EVENTS = join(REPOSITORY_ROOT, 'events');
const ResponseSchema = v.object({ status: v.string(), eventId: v.string() });

/** Equal as JSON: what the API serves carries no `undefined` fields, the model may. */
const sameJson = (a: unknown, b: unknown): boolean =>
  isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value, or returns the last failure's value after `timeoutMs`. */
const eventually = async <T>(check: () => Promise<T | undefined>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() > deadline) return value;
    await sleep(200);
  }
};

const getRecord = async (url: string, vendor: string, imageId: string) => {
  const response = await fetch(`${url}/images/${vendor}/${encodeURIComponent(imageId)}`);
  if (response.status !== 200) return undefined;
  return v.parse(ImageRecordSchema, await response.json());
};

/** Every generated API Gateway fixture of the webhook routes (`events/<vendor>/*.json`). */
const webhookFixtures = (): Array<{
  vendor: Vendor;
  name: string;
  event: APIGatewayProxyEventV2;
}> =>
  VENDORS.flatMap((vendor) =>
    readdirSync(join(EVENTS, vendor))
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => {
        const event: APIGatewayProxyEventV2 = JSON.parse(
          readFileSync(join(EVENTS, vendor, file), 'utf8'),
        );
        return { vendor, name: `${vendor}/${file}`, event };
      }),
  );

/** Posts an API Gateway fixture's request (path, query, headers, body) to the stack. */
const post = (url: string, event: APIGatewayProxyEventV2) => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers)) {
    if (name !== 'host' && value !== undefined) headers[name] = value;
  }
  const body =
    event.body === undefined
      ? undefined
      : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  // A Cloudinary fixture is signed at its own time, which falls outside the 7,200 s window that a
  // timestamped digest allows: it is signed afresh, over the same bytes, as Cloudinary would.
  if (event.rawPath === '/webhooks/cloudinary' && body !== undefined) {
    Object.assign(
      headers,
      cloudinarySignatureHeaders(body, new Date(), DEV_SECRETS.CLOUDINARY_API_SECRET),
    );
  }
  return fetch(`${url}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`, {
    method: 'POST',
    headers,
    body,
  });
};

const sendMessage = (sqs: SQSClient, queueUrl: string, message: QueueMessage) =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.body,
      MessageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]): [string, MessageAttributeValue] => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }),
  );

/** True once every queued event is processed: nothing waits or is in flight, no batch runs. */
const isQuiet = async (url: string): Promise<true | undefined> => {
  const health = v.parse(
    v.object({
      queues: v.object({ main: v.object({ messages: v.number(), inFlight: v.number() }) }),
      worker: v.object({ inFlightBatches: v.number() }),
    }),
    await (await fetch(`${url}/health`)).json(),
  );
  const quiet =
    health.queues.main.messages === 0 &&
    health.queues.main.inFlight === 0 &&
    health.worker.inFlightBatches === 0;
  return quiet ? true : undefined;
};

/** `/health`'s count of the worker's events by outcome. */
const workerEvents = async (url: string) =>
  v.parse(
    v.object({
      worker: v.object({ events: v.object({ applied: v.number(), duplicate: v.number() }) }),
    }),
    await (await fetch(`${url}/health`)).json(),
  ).worker.events;

const queueDepths = async (url: string): Promise<Record<string, { messages: number }>> => {
  const health = await (await fetch(`${url}/health`)).json();
  return v.parse(
    v.object({ queues: v.record(v.string(), v.object({ messages: v.number() })) }),
    health,
  ).queues;
};

/** A record as the change tests compare it: all but `updatedAt`, set by every write. */
const withoutUpdatedAt = (record: ImageRecord | undefined): unknown => {
  if (record === undefined) return undefined;
  const { updatedAt: _updatedAt, ...rest } = record;
  return JSON.parse(JSON.stringify(rest));
};

/** Each image's change events, one per change id (a re-published change is the same event), by revision. */
const changesByImage = (
  events: readonly ImageRecordChangedEvent[],
): Map<string, ImageRecordChangedEvent[]> => {
  const byImage = new Map<string, Map<string, ImageRecordChangedEvent>>();
  for (const event of events) {
    const key = `${event.detail.vendor}/${event.detail.imageId}`;
    const changes = byImage.get(key) ?? new Map<string, ImageRecordChangedEvent>();
    if (!changes.has(event.detail.changeId)) changes.set(event.detail.changeId, event);
    byImage.set(key, changes);
  }
  return new Map(
    [...byImage].map(([key, changes]) => [
      key,
      [...changes.values()].sort((a, b) => a.detail.revision - b.detail.revision),
    ]),
  );
};

/** Posts a plain vendor body as the vendor would deliver it (Spyne signed at `at`). */
const postBody = (
  url: string,
  vendor: 'spyne' | 'sharinpix',
  name: string,
  body: object,
  at: Date,
) => {
  const [delivery] = deliveriesOf({
    vendor,
    name,
    body: JSON.parse(JSON.stringify(body)) as Record<string, unknown>,
    timeEpoch: at.getTime(),
  });
  if (!delivery) throw new Error(`no delivery for ${name}`);
  return fetch(
    `${url}${delivery.path}${delivery.rawQueryString ? `?${delivery.rawQueryString}` : ''}`,
    {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    },
  );
};

/** Sequence, then imageId, images without a sequence last: the read API's list order. */
const listOrder = (a: TimelessRecord, b: TimelessRecord): number => {
  if (a.sequence !== b.sequence) {
    if (a.sequence === undefined) return 1;
    if (b.sequence === undefined) return -1;
    return a.sequence - b.sequence;
  }
  return a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0;
};

describe('the local stack, end to end (npm start as a child process)', () => {
  let dataDir: string;
  let ports: StackPorts;
  let stack: StackProcess;
  let sqs: SQSClient;
  const sent: SentDelivery[] = [];
  const fixtureEventIds = new Set<string>();
  let expected = new Map<string, TimelessRecord>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-stack-'));
    ports = { port: await freePort(), dynamoDbPort: await freePort(), sqsPort: await freePort() };
    stack = await startStackProcess(dataDir, ports, ['--visibility-timeout', '6']);
    console.log(`local stack: healthy ${stack.timeToHealthyMs} ms after spawn`);
    sqs = new SQSClient({ ...LOCAL_AWS, endpoint: stack.info.sqsEndpoint });
  });

  afterAll(async () => {
    sqs?.destroy();
    await stack?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts every vendor fixture and serves every resulting record by id and by collection', async () => {
    // Prepare
    const fixtures = webhookFixtures();

    // Act
    const answers: Array<{ name: string; status: number; body: unknown }> = [];
    for (const { vendor, name, event } of fixtures) {
      const sentAt = new Date();
      const response = await post(stack.url, event);
      answers.push({ name, status: response.status, body: await response.json() });
      sent.push({ vendor, event, sentAt });
    }
    expected = expectedRecords(sent);
    await eventually(() => isQuiet(stack.url));
    const stored = await eventually(async () => {
      const records = new Map<string, ImageRecord>();
      for (const key of expected.keys()) {
        const [vendor = '', imageId = ''] = key.split(/\/(.*)/s);
        const record = await getRecord(stack.url, vendor, imageId);
        if (!record || !sameJson(timeless(record), expected.get(key))) return undefined;
        records.set(key, record);
      }
      return records;
    });

    // Assess
    for (const answer of answers) {
      expect({ name: answer.name, status: answer.status }).toEqual({
        name: answer.name,
        status: 200,
      });
      const body = v.parse(ResponseSchema, answer.body);
      expect(['accepted', 'ignored']).toContain(body.status);
      fixtureEventIds.add(body.eventId);
    }
    expect(expected.size).toBeGreaterThan(10);
    expect(new Set(sent.map((delivery) => delivery.vendor))).toEqual(new Set(VENDORS));
    if (!stored) {
      const actual = new Map<string, TimelessRecord | undefined>();
      for (const key of expected.keys()) {
        const [vendor = '', imageId = ''] = key.split(/\/(.*)/s);
        const record = await getRecord(stack.url, vendor, imageId);
        actual.set(key, record ? timeless(record) : undefined);
      }
      expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    }
    const collections = new Map<string, TimelessRecord[]>();
    for (const record of expected.values()) {
      if (!record.collection) continue;
      const key = `${record.vendor}\u0000${record.collection.id}`;
      collections.set(key, [...(collections.get(key) ?? []), record]);
    }
    for (const [key, members] of collections) {
      const [vendor = '', collectionId = ''] = key.split('\u0000');
      if (!isVendor(vendor)) throw new Error(vendor);
      const listed = await listCollection(stack.url, vendor, collectionId);
      expect(listed.map((record) => record.imageId)).toEqual(
        [...members].sort(listOrder).map((record) => record.imageId),
      );
      for (const record of listed) {
        expect(record).toEqual(stored?.get(`${record.vendor}/${record.imageId}`));
      }
    }
  });

  it('publishes every fixture’s changes: per image in revision order, each naming exactly what changed, the last carrying the record GET serves', async () => {
    // Prepare
    const keys = [...expected.keys()];
    const served = new Map<string, ImageRecord | undefined>();
    for (const key of keys) {
      const [vendor = '', imageId = ''] = key.split(/\/(.*)/s);
      served.set(key, await getRecord(stack.url, vendor, imageId));
    }
    const completing = new Map(
      appliedEvents(sent).flatMap(({ vendor, event, identity }) => {
        const collection = contractCompletion(vendor, event);
        return collection ? [[identity.eventId, { vendor, collection }] as const] : [];
      }),
    );

    // Act: the publisher runs behind the worker; wait until it has caught up.
    await eventually(async () => {
      const events = readChanges(dataDir);
      const last = changesByImage(imageChanges(events));
      const causes = new Set(completions(events).map((event) => event.detail.cause.eventId));
      const caughtUp =
        keys.every((key) =>
          sameJson(
            withoutUpdatedAt(last.get(key)?.at(-1)?.detail.record),
            withoutUpdatedAt(served.get(key)),
          ),
        ) && [...completing.keys()].every((eventId) => causes.has(eventId));
      return caughtUp ? true : undefined;
    }, 60_000);
    const events = readChanges(dataDir);
    const byImage = changesByImage(imageChanges(events));

    // Assess: every image, and only those, has its changes, in a chain a reader can follow.
    expect([...byImage.keys()].sort()).toEqual([...keys].sort());
    for (const [key, changes] of byImage) {
      const chain = changes.map((change, index) => {
        const { record } = change.detail;
        if (record === undefined)
          throw new Error(`${key} revision ${change.detail.revision} has no record`);
        return {
          key,
          revision: change.detail.revision,
          changed: change.detail.changed,
          expected: expectedChanged(changes[index - 1]?.detail.record, record),
        };
      });
      expect(chain.map(({ key: k, revision, changed }) => ({ k, revision, changed }))).toEqual(
        chain.map(({ key: k, revision, expected: paths }) => ({ k, revision, changed: paths })),
      );
      const revisions = changes.map((change) => change.detail.revision);
      expect(new Set(revisions).size).toBe(revisions.length);
      expect(withoutUpdatedAt(changes.at(-1)?.detail.record)).toEqual(
        withoutUpdatedAt(served.get(key)),
      );
      for (const change of changes) {
        expect(change.detail.recordOmitted).toBeUndefined();
        expect(change.detail.collection).toEqual(change.detail.record?.collection);
        expect(fixtureEventIds.has(change.detail.cause.eventId)).toBe(true);
      }
    }
    // One Collection Completed per completing event, for the collection the contract names.
    const completed = new Map<string, string[]>();
    for (const event of completions(events)) {
      const ids = completed.get(event.detail.cause.eventId) ?? [];
      if (!ids.includes(event.detail.changeId)) ids.push(event.detail.changeId);
      completed.set(event.detail.cause.eventId, ids);
      const rule = completing.get(event.detail.cause.eventId);
      expect({ vendor: event.detail.vendor, collection: event.detail.collection }).toEqual(rule);
      const { total, done, failed } = event.detail.images;
      expect(done + failed).toBeLessThanOrEqual(total);
    }
    expect([...completed.keys()].sort()).toEqual([...completing.keys()].sort());
    for (const ids of completed.values()) expect(ids).toHaveLength(1);
    expect(completing.size).toBeGreaterThan(5);
  });

  it('publishes nothing for a duplicate delivery or a stale event, and one completion per completing event with the collection’s counts', async () => {
    // Prepare: a SharinPix image, and a Spyne SKU of three images, two done and one failed.
    const now = new Date();
    const image = {
      id: 'e2e-change-image',
      public_id: 'e2e-change-image',
      album_id: 'e2e-change-album',
      filename: 'front.jpg',
      width: 1600,
      height: 1200,
      processed: true,
      created_at: '2026-11-02T10:00:00Z',
    };
    const stale = { ...image, width: 800, created_at: '2026-11-02T09:00:00Z' };
    const sku = (status: string, outputs: string) => ({
      project_id: 'e2e-change-project',
      sku_id: 'e2e-change-sku',
      sku_status: status,
      image_data: ['a', 'b', 'c'].map((name, index) => ({
        image_id: `e2e-change-${name}`,
        image_name: `e2e-change_${name}`,
        frame_no: String(index + 1),
        input_image: `https://media.example.com/raw/${name}.jpg`,
        output_image: `https://media.example.com/${outputs}/${name}.png`,
        status: name === 'c' ? 'failed' : 'done',
      })),
    });
    const seen = () => readChanges(dataDir);
    const imageEvents = (imageId: string) =>
      imageChanges(seen()).filter((event) => event.detail.imageId === imageId);

    // Act
    const first = await postBody(stack.url, 'sharinpix', 'new_image--e2e-change', image, now);
    await eventually(async () => (imageEvents(image.id).length > 0 ? true : undefined));
    const duplicate = await postBody(stack.url, 'sharinpix', 'new_image--e2e-change', image, now);
    const older = await postBody(stack.url, 'sharinpix', 'new_image--e2e-change-stale', stale, now);
    const done = await postBody(stack.url, 'spyne', 'e2e-change-sku', sku('Done', 'edited'), now);
    const doneAgain = await postBody(
      stack.url,
      'spyne',
      'e2e-change-sku',
      sku('Done', 'edited'),
      now,
    );
    await eventually(() => isQuiet(stack.url));
    // Everything above is applied (or found to change nothing); a last change after it comes
    // later on the stream, so once it is published, so is everything before it.
    const recompleted = await postBody(
      stack.url,
      'spyne',
      'e2e-change-sku-v2',
      sku('DONE', 're-edited'),
      new Date(now.getTime() + 2_000),
    );
    await eventually(async () =>
      completions(seen()).filter((event) => event.detail.collection.id === 'e2e-change-sku')
        .length >= 2
        ? true
        : undefined,
    );
    const listed = await listCollection(stack.url, 'spyne', 'e2e-change-sku');

    // Assess
    expect([first, duplicate, older, done, doneAgain, recompleted].map((r) => r.status)).toEqual([
      200, 200, 200, 200, 200, 200,
    ]);
    expect(imageEvents(image.id).map((event) => event.detail.revision)).toEqual([1]);
    expect(imageEvents(image.id)[0]?.detail.record?.width).toBe(1600);
    const skuCompletions = completions(seen()).filter(
      (event) => event.detail.collection.id === 'e2e-change-sku',
    );
    expect(new Set(skuCompletions.map((event) => event.detail.changeId)).size).toBe(2);
    expect(new Set(skuCompletions.map((event) => event.detail.cause.eventId)).size).toBe(2);
    const counts = {
      total: listed.filter((record) => record.status !== 'deleted').length,
      done: listed.filter((record) => record.status === 'done').length,
      failed: listed.filter((record) => record.status === 'failed').length,
    };
    expect(counts).toEqual({ total: 3, done: 2, failed: 1 });
    for (const event of skuCompletions) {
      expect(event.detail).toMatchObject({
        vendor: 'spyne',
        collection: { kind: 'sku', id: 'e2e-change-sku', parentId: 'e2e-change-project' },
        images: counts,
      });
    }
    // The re-completion re-edited every output: one more change per image, naming that URL.
    for (const name of ['a', 'b', 'c']) {
      const changes = imageEvents(`e2e-change-${name}`);
      expect(changes.map((event) => event.detail.revision)).toEqual([1, 2]);
      expect(changes[1]?.detail.changed).toContain('urls.output');
    }
  });

  it('replays the plain bodies with correct credentials: every one is the same event again (npm run replay)', async () => {
    // Prepare
    const args = ['events/bodies', '--url', stack.url];
    await eventually(() => isQuiet(stack.url));
    const before = await workerEvents(stack.url);

    // Act
    const result = await runScript('replay', args);
    await eventually(() => isQuiet(stack.url));
    const after = await workerEvents(stack.url);

    // Assess
    const lines = result.stdout.trim().split('\n');
    const summary = lines.pop();
    expect(result.code).toBe(0);
    expect(lines.length).toBeGreaterThanOrEqual(fixtureEventIds.size);
    expect(summary).toMatch(
      new RegExp(
        `^${lines.length} deliveries to ${stack.url}: \\d+ accepted, \\d+ duplicates?, \\d+ ignored, 0 rejected$`,
      ),
    );
    for (const line of lines) {
      const match = /^events\/bodies\/\S+\.json {2}200 (accepted|ignored) (\S+)$/.exec(line);
      expect(match).not.toBeNull();
      expect(fixtureEventIds.has(match?.[2] ?? '')).toBe(true);
    }
    expect(after.applied).toBe(before.applied);
    expect(after.duplicate - before.duplicate).toBe(lines.length);
  });

  it('invokes one handler against the running stack’s tables and queues (npm run invoke)', async () => {
    // Prepare
    const event: APIGatewayProxyEventV2 = JSON.parse(
      readFileSync(join(EVENTS, 'read', 'get-image.json'), 'utf8'),
    );
    const imageId = event.pathParameters?.imageId ?? '';

    // Act
    const result = await runScript('invoke', [
      'read',
      'events/read/get-image.json',
      '--data-dir',
      dataDir,
    ]);

    // Assess
    expect(result.stderr).toContain(`using the local stack at ${stack.url}`);
    expect(result.code).toBe(0);
    const output = v.parse(
      v.object({ statusCode: v.number(), body: v.string() }),
      JSON.parse(result.stdout),
    );
    expect(output.statusCode).toBe(200);
    expect(JSON.parse(output.body)).toEqual(await getRecord(stack.url, 'spyne', imageId));
  });

  it('lists, shows, deletes and redrives DLQ and quarantine messages (npm run dlq, npm run quarantine)', async () => {
    // Prepare
    const now = new Date();
    await sendMessage(sqs, stack.info.queues.dlq.url, spyneEnvelopeMessage('from-dlq', now));
    const doomedMessage = spyneEnvelopeMessage('dlq-deleted', now);
    await sendMessage(sqs, stack.info.queues.dlq.url, doomedMessage);
    const fixed = webhookFixtures().find(
      (fixture) => fixture.name === 'image-intelligence/ask--completed.json',
    );
    if (!fixed) throw new Error('missing fixture');
    const fixedBody = (fixed.event.body ?? '').replaceAll('"id":"', '"id":"e2e-quarantine-');
    const fixedEvent = { ...fixed.event, body: fixedBody };
    const quarantined = quarantineMessage(
      ingestRoute('image-intelligence', VENDOR_DEFINITIONS),
      toIngestRequest(fixedEvent, { now, requestId: 'e2e-quarantine' }),
      'json',
      { reason: 'invalid_payload', message: 'refused by an older schema', issues: [] },
    );
    await sendMessage(sqs, stack.info.queues.quarantine.url, quarantined);
    const invalid = {
      ...fixed.event,
      body: JSON.stringify({ id: 'e2e-still-invalid', status: 'COMPLETED_SUCCESSFULLY' }),
    };
    const refused = await post(stack.url, invalid);
    const fixedImageIds = [...fixedBody.matchAll(/"id":"(e2e-quarantine-[^"]+)"/g)].map(
      (m) => m[1] ?? '',
    );
    const EntrySchema = v.object({
      id: v.string(),
      reason: v.string(),
      vendor: v.optional(v.string()),
      eventId: v.optional(v.string()),
      ageSeconds: v.number(),
      receives: v.number(),
    });
    const queues = (args: string[]) => runScript('queues', [...args, '--data-dir', dataDir]);

    // Act
    const listed = await queues(['dlq', 'list', '--json']);
    const entries = v.parse(v.array(EntrySchema), JSON.parse(listed.stdout));
    const doomed = entries.find((entry) => entry.eventId === doomedMessage.attributes.eventId);
    const shown = await queues(['dlq', 'show', doomed?.id ?? '', '--json']);
    const unconfirmed = await queues(['dlq', 'delete', doomed?.id ?? '']);
    const deleted = await queues(['dlq', 'delete', doomed?.id ?? '', '--yes']);
    const dlq = await queues(['dlq', 'redrive']);
    const quarantineList = await queues(['quarantine', 'list']);
    const quarantine = await queues(['quarantine', 'redrive']);
    const fromDlq = await eventually(() => getRecord(stack.url, 'spyne', 'image-from-dlq'));
    const fromQuarantine = await eventually(async () => {
      for (const id of fixedImageIds) {
        const record = await getRecord(stack.url, 'image-intelligence', id);
        if (record) return record;
      }
      return undefined;
    });

    // Assess
    expect(listed.code).toBe(0);
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry).toMatchObject({ vendor: 'spyne', receives: 0 });
      expect(entry.reason).toBe('worker failed it 0 times');
      expect(entry.ageSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: doomed?.id,
      body: { vendor: 'spyne', eventId: doomed?.eventId },
    });
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('not deleted (give --yes');
    expect(deleted.code).toBe(0);
    expect(dlq.code).toBe(0);
    expect(dlq.stdout).toContain('1 moved to the main queue by move task, 0 left in the dlq');
    expect(refused.status).toBe(400);
    expect(quarantineList.stdout).toMatch(/ image-intelligence +\S+ +invalid_payload/);
    expect(quarantineList.stdout).toContain('2 message(s) in the quarantine');
    expect(quarantine.code).toBe(0);
    expect(quarantine.stdout).toMatch(/^kept {7}\S+ {2}image-intelligence: invalid_payload: /m);
    expect(quarantine.stdout).toContain('1 moved to the main queue, 1 left in the quarantine');
    expect(fromDlq?.status).toBe('done');
    expect(fromQuarantine?.collection?.kind).toBe('job');
    expect(await getRecord(stack.url, 'spyne', 'image-dlq-deleted')).toBeUndefined();
    expect((await queueDepths(stack.url)).quarantine?.messages).toBe(1);
  });

  it('keeps records, DLQ and quarantine messages across a clean restart', async () => {
    // Prepare
    const before = new Map<string, ImageRecord | undefined>();
    for (const key of expected.keys()) {
      const [vendor = '', imageId = ''] = key.split(/\/(.*)/s);
      before.set(key, await getRecord(stack.url, vendor, imageId));
    }
    await sendMessage(sqs, stack.info.queues.dlq.url, {
      body: '{"marker":"kept across restarts"}',
      attributes: { eventId: 'marker-event' },
    });

    // Act
    const exitCode = await stack.stop('SIGTERM');
    sqs.destroy();
    stack = await startStackProcess(dataDir, ports, ['--visibility-timeout', '6']);
    sqs = new SQSClient({ ...LOCAL_AWS, endpoint: stack.info.sqsEndpoint });
    const after = new Map<string, ImageRecord | undefined>();
    for (const key of expected.keys()) {
      const [vendor = '', imageId = ''] = key.split(/\/(.*)/s);
      after.set(key, await getRecord(stack.url, vendor, imageId));
    }
    const depths = await queueDepths(stack.url);
    const dlq = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.info.queues.dlq.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 2,
      }),
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(before));
    expect([...before.values()].every((record) => record !== undefined)).toBe(true);
    expect(depths.dlq?.messages).toBe(1);
    expect(depths.quarantine?.messages).toBe(1);
    expect(dlq.Messages?.map((message) => message.Body)).toEqual([
      '{"marker":"kept across restarts"}',
    ]);
    expect(dlq.Messages?.[0]?.MessageAttributes?.eventId?.StringValue).toBe('marker-event');
  });

  it('loses no accepted webhook when SIGTERM arrives in the middle of a burst', async () => {
    // Prepare
    const now = new Date();
    const keys = Array.from({ length: 40 }, (_, index) => `burst-${index}`);
    let signalled = false;

    // Act
    const outcomes = await Promise.all(
      keys.map(async (key) => {
        const delivery = spyneDelivery(key, now);
        try {
          const response = await fetch(`${stack.url}${delivery.path}`, {
            method: 'POST',
            headers: delivery.headers,
            body: delivery.body,
          });
          if (!signalled) {
            signalled = true;
            stack.child.kill('SIGTERM');
          }
          return { key, status: response.status };
        } catch {
          return { key, status: 0 };
        }
      }),
    );
    const exitCode = await stack.stop('SIGTERM');
    stack = await startStackProcess(dataDir, ports, ['--visibility-timeout', '6']);
    const accepted = outcomes
      .filter((outcome) => outcome.status === 200)
      .map((outcome) => outcome.key);
    const missing = await eventually(async () => {
      const absent: string[] = [];
      for (const key of accepted) {
        if (!(await getRecord(stack.url, 'spyne', `image-${key}`))) absent.push(key);
      }
      return absent.length === 0 ? absent : undefined;
    });

    // Assess
    console.log(
      `SIGTERM mid-burst: ${accepted.length} of ${keys.length} accepted, ${outcomes.filter((o) => o.status === 503).length} answered 503, ${outcomes.filter((o) => o.status === 0).length} refused`,
    );
    expect(exitCode).toBe(0);
    expect(accepted.length).toBeGreaterThan(0);
    expect(outcomes.every((outcome) => [0, 200, 503].includes(outcome.status))).toBe(true);
    expect(missing).toEqual([]);
  });
});
