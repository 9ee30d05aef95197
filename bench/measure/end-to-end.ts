import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { freePort } from '../../local/servers/free-port';
import { type SpawnedStack, spawnLocalStack } from '../../local/stack/spawn-local-stack';
import type { BodyFile } from '../../scripts/fixtures/build-fixtures';
import {
  freshIds,
  imageIntelligenceJobEvent,
  jsonDeliveryOf,
  sharinpixImageEvent,
  spyneSkuEvent,
} from '../inputs/bench-bodies';
import type { EndToEndResult } from '../report/results-schema';
import type { BenchSizes } from '../support/bench-sizes';
import { percentile, round } from '../support/stats';
import { mapWithConcurrency } from '../../shared/worker/map-with-concurrency';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a record may take to become visible before it counts as a failure. */
const VISIBILITY_TIMEOUT_MS = 30_000;
/** How often a client polls GET for its record. */
const POLL_INTERVAL_MS = 10;

/**
 * `npm start` as a developer runs it (in memory, on free ports, dev secrets), until `/health`
 * answers 200.
 */
const startStack = async (dataDir: string): Promise<SpawnedStack> => {
  mkdirSync(dataDir, { recursive: true });
  const [port, dynamoDbPort, sqsPort] = await Promise.all([freePort(), freePort(), freePort()]);
  let output = '';
  return spawnLocalStack({
    dataDir,
    ports: { port, dynamoDbPort, sqsPort },
    args: ['--in-memory'],
    onOutput: (_stream, text) => {
      output = (output + text).slice(-8000);
    },
    describe: () => output,
    healthyWithinMs: 120_000,
  });
};

/** A webhook ready to post, and one image it creates (for the visibility check). */
interface PreparedWebhook {
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

/** New events over the three vendors, in the mix's proportions of creating webhooks. */
const newWebhooks = (count: number): PreparedWebhook[] =>
  Array.from({ length: count }, (_, index) => {
    const slot = index % 20;
    const file =
      slot < 4
        ? spyneSkuEvent(8)
        : slot < 15
          ? sharinpixImageEvent('new_image')
          : imageIntelligenceJobEvent('IN_PROGRESS', freshIds(1)[0] ?? 'job', freshIds(4));
    const delivery = jsonDeliveryOf(file);
    return {
      path: `${delivery.path}${delivery.rawQueryString ? `?${delivery.rawQueryString}` : ''}`,
      headers: delivery.headers,
      body: delivery.body,
      vendor: file.vendor,
      imageId: imageOf(file),
    };
  });

/** Posts one webhook; resolves with the ack latency, or `undefined` when it was not accepted. */
const post = async (url: string, webhook: PreparedWebhook): Promise<number | undefined> => {
  const started = performance.now();
  const response = await fetch(`${url}${webhook.path}`, {
    method: 'POST',
    headers: webhook.headers,
    body: webhook.body,
  });
  const text = await response.text();
  const latency = performance.now() - started;
  return response.status === 200 && text.includes('"accepted"') ? latency : undefined;
};

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

/**
 * Measurement 5: the local stack end to end (`npm start`: gateway, the same handlers, local SQS,
 * the worker feed, DynamoDB Local). First, requests per second and ack latency with
 * `e2eConcurrency` clients posting new webhooks; then, once the worker has drained that load,
 * with the same number of clients, each posting and polling `GET /images/…` every 10 ms until its
 * record is visible.
 */
export const measureEndToEnd = async (
  workDir: string,
  sizes: BenchSizes,
): Promise<EndToEndResult> => {
  const stack = await startStack(join(workDir, 'local-stack'));
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

    return {
      concurrency,
      requests: load.length,
      requestsPerSecond: round(load.length / seconds, 0),
      ackP50Ms: round(percentile(acks, 0.5), 1),
      ackP99Ms: round(percentile(acks, 0.99), 1),
      visibilityRequests: sizes.e2eVisibilityRequests,
      visibleP50Ms: round(percentile(visible, 0.5), 0),
      visibleP99Ms: round(percentile(visible, 0.99), 0),
      failures,
      timeToHealthyMs: stack.timeToHealthyMs,
    };
  } finally {
    await stack.stop();
  }
};
