import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { freePort } from '../../local/servers/free-port';
import { type SpawnedStack, spawnLocalStack } from '../../local/stack/spawn-local-stack';
import type { BodyFile } from '../../scripts/fixtures/build-fixtures';
import type { ScenarioName } from '../inputs/worker-scenarios';
import {
  freshIds,
  imageIntelligenceJobEvent,
  jsonDeliveryOf,
  sharinpixImageEvent,
  spyneSkuEvent,
} from '../inputs/bench-bodies';
import type { EndToEndResult } from '../report/results-schema';
import type { BenchSizes } from '../support/bench-sizes';
import { ChangeReceiver } from '../support/change-receiver';
import { percentile, round } from '../support/stats';
import { mapWithConcurrency } from '../../shared/worker/worker-handler';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a record may take to become visible before it counts as a failure. */
const VISIBILITY_TIMEOUT_MS = 30_000;
/** How often a client polls GET for its record. */
const POLL_INTERVAL_MS = 10;

/**
 * `npm start` as a developer runs it (in memory, on free ports, dev secrets), forwarding every
 * change event to `forwardChangesUrl`, until `/health` answers 200.
 */
const startStack = async (dataDir: string, forwardChangesUrl: string): Promise<SpawnedStack> => {
  mkdirSync(dataDir, { recursive: true });
  const [port, dynamoDbPort, sqsPort] = await Promise.all([freePort(), freePort(), freePort()]);
  let output = '';
  return spawnLocalStack({
    dataDir,
    ports: { port, dynamoDbPort, sqsPort },
    args: ['--in-memory', '--forward-changes', forwardChangesUrl],
    onOutput: (_stream, text) => {
      output = (output + text).slice(-8000);
    },
    describe: () => output,
    healthyWithinMs: 120_000,
  });
};

/** A webhook ready to post, and one image it creates (for the visibility check). */
interface PreparedWebhook {
  /** The kind of webhook of the priced mix it is: how many change events it yields. */
  readonly scenario: ScenarioName;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly vendor: string;
  readonly imageId: string;
}

const imageOf = (file: BodyFile): string => {
  const candidates = [file.body.public_id, file.body.image_data, file.body.imageResults];
  for (const candidate of candidates) {
    if (typeof candidate === 'string') return candidate;
    if (Array.isArray(candidate)) {
      const first: unknown = candidate[0];
      if (typeof first === 'object' && first !== null) {
        const id = 'image_id' in first ? first.image_id : 'id' in first ? first.id : undefined;
        if (typeof id === 'string') return id;
      }
    }
  }
  throw new Error(`no image id in a ${file.vendor} benchmark body`);
};

/** One creating webhook of each kind of the mix. */
const creatingWebhook = (scenario: ScenarioName): BodyFile => {
  if (scenario === 'spyne-sku-8') return spyneSkuEvent(8);
  if (scenario === 'sharinpix-new-image') return sharinpixImageEvent('new_image');
  return imageIntelligenceJobEvent('COMPLETED_SUCCESSFULLY', freshIds(1)[0] ?? 'job', freshIds(4));
};

/**
 * New events over the three vendors, in the mix's proportions of creating webhooks: Spyne SKUs of
 * 8 images, SharinPix new images and completed 4-image Image Intelligence jobs (as the vendor
 * posts them), 4 : 11 : 5.
 */
const newWebhooks = (count: number): PreparedWebhook[] =>
  Array.from({ length: count }, (_, index) => {
    const slot = index % 20;
    const scenario: ScenarioName =
      slot < 4 ? 'spyne-sku-8' : slot < 15 ? 'sharinpix-new-image' : 'ii-completed-4-new';
    const file = creatingWebhook(scenario);
    const delivery = jsonDeliveryOf(file);
    return {
      scenario,
      path: `${delivery.path}${delivery.rawQueryString ? `?${delivery.rawQueryString}` : ''}`,
      headers: delivery.headers,
      body: delivery.body,
      vendor: file.vendor,
      imageId: imageOf(file),
    };
  });

const AcceptedSchema = v.object({ status: v.literal('accepted'), eventId: v.string() });

/** An accepted post: its ack latency, when the 2xx arrived, and the event id it was given. */
interface Ack {
  readonly latency: number;
  readonly at: number;
  readonly eventId: string;
}

/** Posts one webhook; resolves with its ack, or `undefined` when it was not accepted. */
const postForAck = async (url: string, webhook: PreparedWebhook): Promise<Ack | undefined> => {
  const started = performance.now();
  const response = await fetch(`${url}${webhook.path}`, {
    method: 'POST',
    headers: webhook.headers,
    body: webhook.body,
  });
  // The ack is the status line: the clock stops before the body is read.
  const at = performance.now();
  const text = await response.text();
  const latency = performance.now() - started;
  if (response.status !== 200) return undefined;
  const parsed = v.safeParse(AcceptedSchema, JSON.parse(text));
  return parsed.success ? { latency, at, eventId: parsed.output.eventId } : undefined;
};

/** Posts one webhook; resolves with the ack latency, or `undefined` when it was not accepted. */
const post = async (url: string, webhook: PreparedWebhook): Promise<number | undefined> =>
  (await postForAck(url, webhook))?.latency;

/** Polls GET until the record exists; resolves with the time from ack, or `undefined`. */
const waitVisible = async (url: string, webhook: PreparedWebhook): Promise<number | undefined> => {
  const acked = performance.now();
  const target = `${url}/images/${webhook.vendor}/${encodeURIComponent(webhook.imageId)}`;
  while (performance.now() - acked < VISIBILITY_TIMEOUT_MS) {
    const response = await fetch(target);
    await response.arrayBuffer();
    if (response.status === 200) return performance.now() - acked;
    await sleep(POLL_INTERVAL_MS);
  }
  return undefined;
};

const HealthSchema = v.object({
  queues: v.object({ main: v.object({ messages: v.number(), inFlight: v.number() }) }),
});

/** Waits until the main queue is empty and nothing is in flight (the worker has caught up). */
const waitDrained = async (url: string): Promise<void> => {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const health = v.safeParse(HealthSchema, await (await fetch(`${url}/health`)).json());
    if (
      health.success &&
      health.output.queues.main.messages + health.output.queues.main.inFlight === 0
    ) {
      return;
    }
    await sleep(200);
  }
  throw new Error('the local worker did not drain the queue within two minutes');
};

const ChangesHealthSchema = v.object({
  queues: v.object({ main: v.object({ messages: v.number(), inFlight: v.number() }) }),
  changes: v.object({
    received: v.number(),
    forward: v.object({ pending: v.number() }),
    publisher: v.object({ records: v.number(), inFlight: v.boolean() }),
  }),
});

/** Polls `/health` this often while waiting for the change events to settle. */
const SETTLE_POLL_MS = 250;
/** Unchanged polls in a row that count as settled: longer than the stream feed's 250 ms poll. */
const SETTLED_POLLS = 4;

/**
 * Waits until the worker has drained the queue, the publisher has caught up with the stream and
 * the forwarder has handed every change event to the receiver: nothing queued, in flight or
 * pending, and the counts unchanged for a second.
 */
const waitChangesSettled = async (url: string): Promise<void> => {
  const deadline = Date.now() + 180_000;
  let last = '';
  let steady = 0;
  while (Date.now() < deadline) {
    const health = v.safeParse(ChangesHealthSchema, await (await fetch(`${url}/health`)).json());
    if (health.success) {
      const { queues, changes } = health.output;
      const idle =
        queues.main.messages + queues.main.inFlight === 0 &&
        changes.forward.pending === 0 &&
        !changes.publisher.inFlight;
      const counts = `${changes.received}/${changes.publisher.records}`;
      steady = idle && counts === last ? steady + 1 : 0;
      last = counts;
      if (steady >= SETTLED_POLLS) return;
    }
    await sleep(SETTLE_POLL_MS);
  }
  throw new Error('the change events did not settle within three minutes');
};

/** Ack → change event figures of the change phase. */
type ChangeFigures = Pick<
  EndToEndResult,
  | 'changeRequests'
  | 'changeAckP50Ms'
  | 'changeAckP99Ms'
  | 'ackToFirstChangeP50Ms'
  | 'ackToFirstChangeP99Ms'
  | 'ackToAllChangesP50Ms'
  | 'ackToAllChangesP99Ms'
  | 'changeEventsExpected'
  | 'changeEventsReceived'
  | 'changeEventsRepeated'
  | 'webhooksMissingChanges'
> & { readonly failures: number };

/**
 * The change phase: closed loop, as the visibility phase. Each client posts a new webhook, then
 * waits until the receiver has every change event the webhook's kind yields (as counted on the
 * stream in measurement 4), matched by the cause `eventId` in the event's detail; the times run
 * from the 2xx ack to the first and to the last of them. Once everything has settled, each
 * webhook's distinct change events are counted again against that expectation.
 */
const measureChanges = async (
  stackUrl: string,
  receiver: ChangeReceiver,
  sizes: BenchSizes,
  expectedChanges: (scenario: ScenarioName) => number,
): Promise<ChangeFigures> => {
  await waitChangesSettled(stackUrl);
  const acks: number[] = [];
  const toFirst: number[] = [];
  const toAll: number[] = [];
  const accepted: Array<{ eventId: string; expected: number }> = [];
  let failures = 0;
  await mapWithConcurrency(
    newWebhooks(sizes.e2eChangeRequests),
    sizes.e2eConcurrency,
    async (webhook) => {
      const ack = await postForAck(stackUrl, webhook);
      if (ack === undefined) {
        failures += 1;
        return;
      }
      const expected = expectedChanges(webhook.scenario);
      accepted.push({ eventId: ack.eventId, expected });
      acks.push(ack.latency);
      const times = await receiver.waitFor(ack.eventId, expected, VISIBILITY_TIMEOUT_MS);
      const [first] = times ?? [];
      const last = times?.[expected - 1];
      if (first === undefined || last === undefined) return;
      toFirst.push(first - ack.at);
      toAll.push(last - ack.at);
    },
  );
  await waitChangesSettled(stackUrl);
  const counted = accepted.map(({ eventId, expected }) => ({
    expected,
    ...receiver.receivedFor(eventId),
  }));
  return {
    changeRequests: sizes.e2eChangeRequests,
    changeAckP50Ms: round(percentile(acks, 0.5), 1),
    changeAckP99Ms: round(percentile(acks, 0.99), 1),
    ackToFirstChangeP50Ms: round(percentile(toFirst, 0.5), 0),
    ackToFirstChangeP99Ms: round(percentile(toFirst, 0.99), 0),
    ackToAllChangesP50Ms: round(percentile(toAll, 0.5), 0),
    ackToAllChangesP99Ms: round(percentile(toAll, 0.99), 0),
    changeEventsExpected: counted.reduce((sum, item) => sum + item.expected, 0),
    changeEventsReceived: counted.reduce((sum, item) => sum + item.distinct, 0),
    changeEventsRepeated: counted.reduce((sum, item) => sum + item.repeats, 0),
    webhooksMissingChanges: counted.filter((item) => item.distinct !== item.expected).length,
    failures,
  };
};

/**
 * Measurement 5: the local stack end to end (`npm start`: gateway, the same handlers, local SQS,
 * the worker feed, DynamoDB Local). First, requests per second and ack latency with
 * `e2eConcurrency` clients posting new webhooks; then, once the worker has drained that load,
 * with the same number of clients, each posting and polling `GET /images/…` every 10 ms until its
 * record is visible; last, each posting and waiting for its change events, which the stack
 * forwards (`--forward-changes`) to a receiver in this process (`measureChanges`).
 * `expectedChanges` says how many change events each kind of webhook yields.
 */
export const measureEndToEnd = async (
  workDir: string,
  sizes: BenchSizes,
  expectedChanges: (scenario: ScenarioName) => number,
): Promise<EndToEndResult> => {
  const receiver = await ChangeReceiver.start();
  const stack = await startStack(join(workDir, 'local-stack'), receiver.url);
  try {
    const concurrency = sizes.e2eConcurrency;
    const warmup = newWebhooks(concurrency * 2);
    await mapWithConcurrency(warmup, concurrency, async (webhook) => {
      await post(stack.url, webhook);
    });

    const load = newWebhooks(sizes.e2eRequests);
    const acks: number[] = [];
    let failures = 0;
    const started = performance.now();
    await mapWithConcurrency(load, concurrency, async (webhook) => {
      const latency = await post(stack.url, webhook);
      if (latency === undefined) failures += 1;
      else acks.push(latency);
    });
    const seconds = (performance.now() - started) / 1000;
    await waitDrained(stack.url);

    const visible: number[] = [];
    await mapWithConcurrency(
      newWebhooks(sizes.e2eVisibilityRequests),
      concurrency,
      async (webhook) => {
        const latency = await post(stack.url, webhook);
        const shown = latency === undefined ? undefined : await waitVisible(stack.url, webhook);
        if (shown === undefined) failures += 1;
        else visible.push(shown);
      },
    );

    const changes = await measureChanges(stack.url, receiver, sizes, expectedChanges);
    if (receiver.unreadable > 0) {
      throw new Error(`${receiver.unreadable} forwarded bodies were not change events`);
    }

    return {
      concurrency,
      requests: load.length,
      requestsPerSecond: round(load.length / seconds, 0),
      ackP50Ms: round(percentile(acks, 0.5), 1),
      ackP99Ms: round(percentile(acks, 0.99), 1),
      visibilityRequests: sizes.e2eVisibilityRequests,
      visibleP50Ms: round(percentile(visible, 0.5), 0),
      visibleP99Ms: round(percentile(visible, 0.99), 0),
      ...changes,
      failures: failures + changes.failures,
      timeToHealthyMs: stack.timeToHealthyMs,
    };
  } finally {
    await stack.stop();
    await receiver.close();
  }
};
