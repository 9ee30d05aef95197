import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import * as v from 'valibot';
import { changesFilePath } from '../../../local/change-bus/change-log';
import {
  type LocalChangeBus,
  startLocalChangeBus,
} from '../../../local/change-bus/local-change-bus';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { EventBridgeChangeBus } from '../../../shared/changes/eventbridge-change-bus';
import {
  type ChangeEvent,
  CHANGE_EVENT_SOURCE,
  DeliveredChangeEventSchema,
  IMAGE_RECORD_CHANGED,
} from '../../../shared/changes/change-event';
import { recordChangeId } from '../../../shared/changes/change-id';

jest.setTimeout(30_000);

const BUS = { name: 'vendor-webhooks-changes', region: 'us-east-1', accountId: '123456789012' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = async (done: () => boolean, what: string, timeoutMs = 20_000) => {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
};

/** One `Image Record Changed` for revision `revision` of image `imageId`. */
const changeOf = (imageId: string, revision: number): ChangeEvent => ({
  detailType: IMAGE_RECORD_CHANGED,
  detail: {
    changeId: recordChangeId('spyne', imageId, revision),
    vendor: 'spyne',
    imageId,
    collection: { kind: 'sku', id: 'sku-1', parentId: 'project-1' },
    changed: ['status'],
    record: {
      vendor: 'spyne',
      imageId,
      collection: { kind: 'sku', id: 'sku-1', parentId: 'project-1' },
      status: 'done',
      urls: {},
      tags: [],
      detections: [],
      vendorMeta: {},
      deleted: false,
      lastEventAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:01.000Z',
    },
    cause: { eventId: `spyne:event-${revision}`, eventType: 'sku' },
    revision,
  },
});

/**
 * A consumer that answers 500 to its first `failures` posts and while it is set down, else 204,
 * recording what it accepted.
 */
const startConsumer = async (failures: number) => {
  const received: string[] = [];
  let posts = 0;
  let down = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      posts += 1;
      if (posts <= failures || down) {
        res.writeHead(500).end();
        return;
      }
      received.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    posts: () => posts,
    setDown: (value: boolean) => {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe('the local change bus (PutEvents → changes.jsonl, log line, forwarding)', () => {
  let dataDir: string;
  const open: Array<{ close: () => Promise<void> }> = [];

  const startBus = async (options: { inMemory?: boolean; forwardUrl?: string } = {}) => {
    const printed: string[] = [];
    const bus: LocalChangeBus = await startLocalChangeBus({
      bus: BUS,
      dataDir,
      inMemory: options.inMemory ?? false,
      forwardUrl: options.forwardUrl,
      print: (line) => printed.push(line),
    });
    open.push(bus);
    const client = new EventBridgeClient({ ...LOCAL_AWS, endpoint: bus.endpoint });
    open.push({ close: async () => client.destroy() });
    return { bus, printed, changeBus: new EventBridgeChangeBus(client, BUS.name), client };
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'change-bus-'));
  });

  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes the publisher’s PutEvents, appends each event to changes.jsonl as a rule target gets it, and logs one line', async () => {
    // Prepare
    const { changeBus, printed } = await startBus();

    // Act
    const result = await changeBus.put([changeOf('img-1', 1), changeOf('img-2', 3)]);

    // Assess
    expect(result.failed).toEqual([]);
    const lines = readFileSync(changesFilePath(dataDir), 'utf8').trim().split('\n');
    const events = lines.map((line) => v.parse(DeliveredChangeEventSchema, JSON.parse(line)));
    expect(events.map((event) => event['detail-type'])).toEqual([
      IMAGE_RECORD_CHANGED,
      IMAGE_RECORD_CHANGED,
    ]);
    expect(events[0]).toMatchObject({
      version: '0',
      source: CHANGE_EVENT_SOURCE,
      account: BUS.accountId,
      region: BUS.region,
      resources: [],
      detail: changeOf('img-1', 1).detail,
    });
    expect(events[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
    expect(printed).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d → changed spyne\/img-1 rev 1: status$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d → changed spyne\/img-2 rev 3: status$/),
    ]);
  });

  it('refuses entries for another bus or with a detail that is not JSON, one by one, as EventBridge does', async () => {
    // Prepare
    const { client, bus } = await startBus({ inMemory: true });

    // Act
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'some-other-bus', Source: 's', DetailType: 'd', Detail: '{}' },
          { EventBusName: BUS.name, Source: 's', DetailType: 'd', Detail: 'not json' },
          {
            EventBusName: `arn:aws:events:us-east-1:123456789012:event-bus/${BUS.name}`,
            Source: 's',
            DetailType: 'd',
            Detail: '{"ok":true}',
          },
        ],
      }),
    );

    // Assess
    expect(output.FailedEntryCount).toBe(2);
    expect(output.Entries?.map((entry) => entry.ErrorCode ?? 'accepted')).toEqual([
      'ResourceNotFoundException',
      'MalformedDetail',
      'accepted',
    ]);
    expect(bus.log.count).toBe(1);
    expect(bus.stats()).toMatchObject({ received: 1, refused: 2 });
  });

  it('forwards every event to a consumer that answers 500 for a while, in order, without holding up puts', async () => {
    // Prepare
    const consumer = await startConsumer(3);
    open.push(consumer);
    const { changeBus, bus } = await startBus({ forwardUrl: consumer.url });
    const changes = Array.from({ length: 5 }, (_, index) => changeOf(`img-${index}`, 1));

    // Act
    const puts = [];
    for (const change of changes) puts.push(await changeBus.put([change]));
    const loggedBeforeDelivery = bus.log.count;
    // The consumer holds a body before its answer reaches the forwarder: wait for the count.
    await until(() => bus.stats().forward?.delivered === 5, 'five acknowledged events');

    // Assess
    expect(puts.every((put) => put.failed.length === 0)).toBe(true);
    expect(loggedBeforeDelivery).toBe(5);
    expect(consumer.posts()).toBe(8);
    const imageIds = consumer.received.map(
      (body) => v.parse(DeliveredChangeEventSchema, JSON.parse(body)).detail,
    );
    expect(imageIds.map((detail) => ('imageId' in detail ? detail.imageId : ''))).toEqual(
      changes.map((change) => ('imageId' in change.detail ? change.detail.imageId : '')),
    );
    expect(bus.stats().forward).toMatchObject({ delivered: 5, pending: 0, failedAttempts: 3 });
  });

  it('resumes forwarding after a restart with the first event the consumer has not acknowledged', async () => {
    // Prepare: the consumer goes down while two events are waiting, then the stack stops.
    const consumer = await startConsumer(0);
    const newcomer = await startConsumer(0);
    open.push(consumer, newcomer);
    const idsOf = (bodies: readonly string[]) =>
      bodies.map((body) => {
        const detail = v.parse(DeliveredChangeEventSchema, JSON.parse(body)).detail;
        return 'imageId' in detail ? detail.imageId : '';
      });
    const first = await startBus({ forwardUrl: consumer.url });
    await first.changeBus.put([changeOf('img-a', 1)]);
    await until(() => first.bus.stats().forward?.delivered === 1, 'the first acknowledgement');
    consumer.setDown(true);
    await first.changeBus.put([changeOf('img-b', 1), changeOf('img-c', 1)]);
    await until(() => consumer.posts() >= 2, 'a refused post');
    await first.bus.close();

    // Act
    consumer.setDown(false);
    const second = await startBus({ forwardUrl: consumer.url });
    await second.changeBus.put([changeOf('img-d', 1)]);
    await until(
      () => second.bus.stats().forward?.delivered === 4,
      'the waiting and the new events',
    );
    await second.bus.close();
    const third = await startBus({ forwardUrl: newcomer.url });
    await third.changeBus.put([changeOf('img-e', 1)]);
    await until(() => newcomer.received.length >= 1, 'the newcomer’s event');
    await sleep(200);

    // Assess
    expect(idsOf(consumer.received)).toEqual(['img-a', 'img-b', 'img-c', 'img-d']);
    expect(idsOf(newcomer.received)).toEqual(['img-e']);
    expect(third.bus.log.count).toBe(5);
  });
});
