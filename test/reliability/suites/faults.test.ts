import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { readChanges } from '../../support/change-events';
import { ChangeConsumer, committedChanges } from '../support/change-truth';
import { markSuiteStarted, percentile, saveFigures } from '../support/figures';
import {
  acceptedEventId,
  type Delivered,
  deliverAll,
  describeDelivered,
  runProjectScript,
} from '../support/deliver';
import { HttpClient } from '../support/http-client';
import { examples } from '../support/pipeline-checks';
import { reliabilityScale, reliabilitySeed } from '../support/scale';
import { SplitStack } from '../support/split-stack/split-stack';
import { scanLedger } from '../support/tables';
import { ENVELOPE_ATTRIBUTES } from '../../../shared/queue/event-queue';
import { UNFINISHED_ATTEMPT } from '../../../shared/worker/process-event';
import { uniqueWebhooks } from '../support/webhook-requests';

const scale = reliabilityScale();
const seed = reliabilitySeed();
jest.setTimeout(scale.suiteTimeoutMs);

/**
 * Short, so failed messages come back (and reach the DLQ) within seconds, yet long enough that the
 * worker's function timeout (3 s, always short of it) leaves a throttled batch room to retry.
 */
const VISIBILITY_TIMEOUT_SECONDS = 4;
/** The main queue's redrive threshold, as in AWS and `npm start`. */
const MAX_RECEIVES = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults: SQS down, DynamoDB down or throttled, the worker killed, the publisher killed', () => {
  let stack: SplitStack;
  let client: HttpClient;
  let consumer: ChangeConsumer;
  const startedAt = Date.now();
  const latencies: number[] = [];
  const violations: string[] = [];
  const details: Record<string, number | string> = {};
  const accepted = new Set<string>();
  let unexpectedServerErrors = 0;

  /** Records a batch of answers: latency, accepted ids, any 5xx other than the allowed 503. */
  const tally = (delivered: readonly Delivered[], allow503: boolean): Delivered[] => {
    for (const item of delivered) {
      latencies.push(item.response.ms);
      const eventId = acceptedEventId(item);
      if (eventId) accepted.add(eventId);
      if (item.response.status >= 500 && !(allow503 && item.response.status === 503)) {
        unexpectedServerErrors += 1;
      }
    }
    return [...delivered];
  };

  /** The accepted events among `ids` that the ledger does not show finished. */
  const unfinished = async (ids: Iterable<string>): Promise<string[]> => {
    const ledger = await scanLedger(stack.dynamoDb, stack.tables.ledger);
    const finished = new Set(
      ledger
        .filter((entry) => entry.status === 'completed' || entry.status === 'ignored')
        .map((entry) => entry.eventId),
    );
    return [...ids].filter((id) => !finished.has(id));
  };

  /**
   * The messages on the DLQ, peeked without taking them: each one's event, its request id, how
   * many of its attempts the worker logged as failed and why, and whether its event is finished,
   * so a dead-lettered message names its cause in the failure.
   */
  const describeDeadLetters = async (): Promise<string> => {
    const output = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queues.dlq.url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = output.Messages ?? [];
    const ids = messages.map(
      (message) => message.MessageAttributes?.[ENVELOPE_ATTRIBUTES.eventId]?.StringValue ?? '?',
    );
    const open = new Set(await unfinished(ids));
    return messages
      .map((message, index) => {
        const eventId = ids[index] ?? '?';
        const body = v.safeParse(
          v.object({ requestId: v.string() }),
          JSON.parse(message.Body ?? 'null'),
        );
        return [
          eventId,
          `request ${body.success ? body.output.requestId : '?'}`,
          `failed ${stack.workerLog.failed.get(eventId) ?? 0}`,
          `duplicates ${stack.workerLog.duplicates.get(eventId) ?? 0}`,
          open.has(eventId) ? 'unfinished' : 'finished',
          `last failure ${stack.workerLog.lastFailure.get(eventId) ?? 'none logged'}`,
        ].join(', ');
      })
      .join('; ');
  };

  const check = (ok: boolean, violation: string): void => {
    if (!ok) violations.push(violation);
  };

  beforeAll(async () => {
    markSuiteStarted('faults');
    stack = await SplitStack.start({ visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS });
    consumer = await ChangeConsumer.start();
    await stack.startWorker();
    client = new HttpClient(stack.url, { maxSockets: 16 });
  });

  afterAll(async () => {
    const lost = await unfinished(accepted).catch(() => [...accepted]);
    const crashLines = stack ? stack.crashLines() : [];
    check(
      crashLines.length === 0,
      `${crashLines.length} uncaught exceptions${examples(crashLines, 2)}`,
    );
    saveFigures({
      suite: 'faults',
      order: 5,
      title: 'Fault drills',
      seed,
      requests: latencies.length,
      serverErrors: unexpectedServerErrors,
      lost: lost.length,
      doubleApplied: stack ? stack.workerLog.doubleApplied().length : 0,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      durationMs: Date.now() - startedAt,
      details: {
        ...details,
        'accepted events': accepted.size,
        're-applied by the same delivery after a crash': stack?.workerLog.reapplied().length ?? 0,
      },
      violations,
    });
    client?.close();
    await consumer?.close();
    await stack?.stop();
  });

  it('answers 503 with Retry-After while SQS is down, and loses no event once it is back', async () => {
    // Prepare
    const webhooks = uniqueWebhooks(scale.faultEvents * 3, `sqs-down-${seed}`);
    const downAt = Math.floor(webhooks.length / 3);
    const upAt = Math.floor((2 * webhooks.length) / 3);
    const before = violations.length;

    // Act: SQS goes away a third of the way into a burst and comes back two thirds in.
    const first = tally(
      await deliverAll(client, webhooks, 8, async (_delivered, done) => {
        if (done === downAt) await stack.sqsProxy.set({ kind: 'down' });
        if (done === upAt) await stack.sqsProxy.set({ kind: 'pass' });
      }),
      true,
    );
    await stack.sqsProxy.set({ kind: 'pass' });
    let pending = first.filter((item) => item.response.status === 503);
    const refused = pending.length;
    for (let round = 0; round < 5 && pending.length > 0; round += 1) {
      // The vendor's retry (after Retry-After; here as soon as SQS is back).
      const retried = tally(
        await deliverAll(
          client,
          pending.map((item) => item.webhook),
          8,
        ),
        true,
      );
      pending = retried.filter((item) => item.response.status === 503);
    }
    await stack.untilMainQueueEmpty(120_000);
    const acceptedHere = first
      .concat()
      .map(acceptedEventId)
      .filter((id): id is string => id !== undefined);
    const missing = await unfinished(accepted);

    // Assess
    const broken = first.filter(
      (item) => !item.check.ok || ![200, 503].includes(item.response.status),
    );
    check(
      broken.length === 0,
      `SQS down: ${broken.length} answers other than 200 or a well-formed 503${examples(broken.map((b) => (b.check.ok ? String(b.response.status) : b.check.problem)))}`,
    );
    check(
      refused > 0,
      'SQS down: no request was refused while SQS was down (the drill did not bite)',
    );
    check(
      pending.length === 0,
      `SQS down: ${pending.length} deliveries still refused after SQS came back${examples(pending.map(describeDelivered))}`,
    );
    check(
      missing.length === 0,
      `SQS down: ${missing.length} accepted events never applied${examples(missing)}`,
    );
    details['503 while SQS was down'] = refused;
    details['accepted on the first try'] = acceptedHere.length;
    expect(violations.slice(before)).toEqual([]);
  });

  it('retries while DynamoDB is down, dead-letters after 5 receives, and npm run dlq -- redrive brings every event home', async () => {
    // Prepare
    const webhooks = uniqueWebhooks(scale.faultEvents, `dynamodb-down-${seed}`);
    const before = violations.length;
    await stack.dynamoDbProxy.set({ kind: 'down' });

    // Act
    const delivered = tally(await deliverAll(client, webhooks, 8), false);
    const ids = delivered.map(acceptedEventId).filter((id): id is string => id !== undefined);
    const deadLetteredMs = await stack.until(
      async () => {
        const [dlq, main] = [await stack.depth('dlq'), await stack.depth('main')];
        return dlq.visible === ids.length && main.visible + main.inFlight === 0;
      },
      60_000 + MAX_RECEIVES * VISIBILITY_TIMEOUT_SECONDS * 4000,
      'every message to reach the DLQ',
    );
    const appliedWhileDown = ids.length - (await unfinished(ids)).length;
    const failedReceives = ids.map((id) => stack.workerLog.failed.get(id) ?? 0);
    await stack.dynamoDbProxy.set({ kind: 'pass' });
    const redrive = await runProjectScript('queues', [
      'dlq',
      'redrive',
      '--url',
      stack.queues.dlq.url,
      '--to',
      stack.queues.main.url,
    ]);
    await stack.untilMainQueueEmpty(120_000);
    const missing = await unfinished(ids);
    const dlqAfter = await stack.depth('dlq');

    // Assess
    check(
      ids.length === webhooks.length,
      `DynamoDB down: ${webhooks.length - ids.length} webhooks not accepted (ingest needs no DynamoDB)`,
    );
    check(
      appliedWhileDown === 0,
      `DynamoDB down: ${appliedWhileDown} events completed although DynamoDB was unreachable`,
    );
    check(
      failedReceives.every((count) => count >= MAX_RECEIVES),
      `DynamoDB down: some events reached the DLQ after fewer than ${MAX_RECEIVES} attempts (${failedReceives.join(',')})`,
    );
    check(
      redrive.code === 0 && redrive.stdout.includes(`${ids.length} moved to the main queue`),
      `npm run dlq -- redrive failed: ${redrive.stdout}${redrive.stderr}`,
    );
    check(
      missing.length === 0,
      `DynamoDB down: ${missing.length} events not applied after the redrive${examples(missing)}`,
    );
    check(
      dlqAfter.visible + dlqAfter.inFlight === 0,
      'DynamoDB down: messages left on the DLQ after the redrive',
    );
    details['dead-lettered while DynamoDB was down'] = ids.length;
    details['attempts before the DLQ (min)'] = Math.min(...failedReceives);
    details['DLQ reached after ms'] = deadLetteredMs;
    details['redriven and applied'] = ids.length - missing.length;
    expect(violations.slice(before)).toEqual([]);
  });

  it('applies every event while DynamoDB throttles 30% of the worker’s calls', async () => {
    // Prepare
    const webhooks = uniqueWebhooks(scale.faultEvents, `throttled-${seed}`);
    const before = violations.length;
    const throttledBefore = stack.dynamoDbProxy.counts.throttled;
    const retriedBefore = stack.workerLog.appliedAfterRetry;
    await stack.dynamoDbProxy.set({ kind: 'throttle', ratio: 0.3 });

    // Act
    const delivered = tally(await deliverAll(client, webhooks, 8), false);
    await stack.untilMainQueueEmpty(300_000);
    await stack.dynamoDbProxy.set({ kind: 'pass' });
    const ids = delivered.map(acceptedEventId).filter((id): id is string => id !== undefined);
    const missing = await unfinished(ids);
    const dlq = await stack.depth('dlq');

    // Assess
    const throttled = stack.dynamoDbProxy.counts.throttled - throttledBefore;
    check(
      ids.length === webhooks.length,
      `throttling: ${webhooks.length - ids.length} webhooks not accepted`,
    );
    check(throttled > 0, 'throttling: no call was throttled (the drill did not bite)');
    check(
      missing.length === 0,
      `throttling: ${missing.length} events not applied${examples(missing)}`,
    );
    check(
      dlq.visible === 0,
      `throttling: ${dlq.visible} messages dead-lettered${
        dlq.visible === 0 ? '' : `: ${await describeDeadLetters()}`
      }`,
    );
    details['DynamoDB calls throttled'] = throttled;
    details['applied on a later receive (throttled)'] =
      stack.workerLog.appliedAfterRetry - retriedBefore;
    expect(violations.slice(before)).toEqual([]);
  });

  it('applies every accepted event after the worker is killed mid-batch and restarted', async () => {
    // Prepare: the queue fills while no worker runs, so the restarted worker starts on a backlog.
    const webhooks = uniqueWebhooks(scale.faultEvents * 2, `worker-killed-${seed}`);
    const before = violations.length;
    await stack.stopWorker('SIGTERM');
    const delivered = tally(await deliverAll(client, webhooks, 8), false);
    const ids = delivered.map(acceptedEventId).filter((id): id is string => id !== undefined);
    const appliedBefore = stack.workerLog.applied.size;

    // Act: kill -9 once the worker is well into the backlog, with messages in flight.
    await stack.startWorker();
    let inFlightAtKill = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const progressed = stack.workerLog.applied.size - appliedBefore;
      inFlightAtKill = (await stack.depth('main')).inFlight;
      if (progressed >= Math.max(1, Math.floor(ids.length / 5)) && inFlightAtKill > 0) break;
      await sleep(10);
    }
    await stack.stopWorker('SIGKILL');
    const appliedAtKill = stack.workerLog.applied.size - appliedBefore;
    await sleep(500);
    await stack.startWorker();
    const recoveredMs = await stack.untilMainQueueEmpty(120_000);
    const missing = await unfinished(ids);
    // The killed attempts left no note; each message that came back to an unfinished event
    // noted one before applying it.
    const accepted = new Set(ids);
    const notedUnfinished = (await scanLedger(stack.dynamoDb, stack.tables.ledger)).filter(
      (entry) => accepted.has(entry.eventId) && entry.lastError === UNFINISHED_ATTEMPT,
    ).length;

    // Assess
    check(
      ids.length === webhooks.length,
      `worker killed: ${webhooks.length - ids.length} webhooks not accepted${examples(
        delivered.filter((item) => acceptedEventId(item) === undefined).map(describeDelivered),
      )}`,
    );
    check(
      inFlightAtKill > 0,
      'worker killed: no message was in flight when the worker was killed (the drill did not bite)',
    );
    check(
      appliedAtKill < ids.length,
      'worker killed: the worker had finished everything before it was killed',
    );
    check(
      missing.length === 0,
      `worker killed: ${missing.length} accepted events never applied${examples(missing)}`,
    );
    details['in flight when killed'] = inFlightAtKill;
    details['killed attempts noted on their next receive'] = notedUnfinished;
    details['applied before the kill'] = appliedAtKill;
    details['drained after restart in ms'] = recoveredMs;
    expect(violations.slice(before)).toEqual([]);
  });

  it(
    'publishes every committed change at least once, to changes.jsonl and to a consumer that answered 500 for a while, after the publisher is killed mid-stream and restarted',
    async () => {
      // Prepare: every earlier drill's writes are on the stream, not yet published (no publisher
      // ran); this drill's webhooks add to them; the consumer refuses everything for now.
      const webhooks = uniqueWebhooks(scale.faultEvents * 2, `publisher-killed-${seed}`);
      const before = violations.length;
      const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: stack.dynamoDbEndpoint });
      tally(await deliverAll(client, webhooks, 8), false);
      await stack.untilMainQueueEmpty(120_000);
      const publishedBefore = readChanges(stack.publisherDir).length;
      consumer.failing = true;

      // Act: the publisher starts on the stream's backlog; kill -9 it once it is publishing,
      // restart it, and let the consumer recover a few seconds after that.
      await stack.startPublisher({ forwardUrl: consumer.url });
      const deadline = Date.now() + 120_000;
      while (
        readChanges(stack.publisherDir).length < publishedBefore + 5 &&
        Date.now() < deadline
      ) {
        await sleep(20);
      }
      await stack.stopPublisher('SIGKILL');
      const publishedAtKill = readChanges(stack.publisherDir).length - publishedBefore;
      await sleep(500);
      await stack.startPublisher({ forwardUrl: consumer.url });
      await sleep(2_000);
      consumer.failing = false;
      let committed = new Map<string, string>();
      let missing: string[];
      let notForwarded: string[];
      const caughtUpBy = Date.now() + 120_000;
      for (;;) {
        committed = await committedChanges(streams, stack.recordsStreamArn);
        const published = new Set(
          readChanges(stack.publisherDir).map((event) => event.detail.changeId),
        );
        missing = [...committed.keys()].filter((id) => !published.has(id));
        notForwarded = [...committed.keys()].filter((id) => !consumer.received.has(id));
        if ((missing.length === 0 && notForwarded.length === 0) || Date.now() > caughtUpBy) break;
        await sleep(500);
      }
      streams.destroy();
      const events = readChanges(stack.publisherDir);
      const ids = events.map((event) => event.detail.changeId);
      const phantom = [...new Set(ids)].filter((id) => !committed.has(id));

      // Assess
      check(
        publishedAtKill > 0,
        'publisher killed: nothing was published before the kill (the drill did not bite)',
      );
      check(
        consumer.refused > 0,
        'publisher killed: the consumer never refused a post (the drill did not bite)',
      );
      check(
        missing.length === 0,
        `publisher killed: ${missing.length} committed changes never published${examples(missing.map((id) => committed.get(id) ?? id))}`,
      );
      check(
        notForwarded.length === 0,
        `publisher killed: ${notForwarded.length} committed changes never reached the consumer${examples(notForwarded.map((id) => committed.get(id) ?? id))}`,
      );
      check(
        phantom.length === 0,
        `publisher killed: ${phantom.length} change events for no committed change${examples(phantom)}`,
      );
      details['committed changes (stream)'] = committed.size;
      details['change events published (with repeats)'] = ids.length;
      details['published again after the kill'] = ids.length - new Set(ids).size;
      details['consumer 500s before it recovered'] = consumer.refused;
      details['forwarded to the consumer (with repeats)'] = [...consumer.received.values()].reduce(
        (sum, count) => sum + count,
        0,
      );
      expect(violations.slice(before)).toEqual([]);
      // Two publisher starts (IAM roles, handler threads) and a backlog of every drill's changes.
    },
    Math.max(scale.suiteTimeoutMs, 300_000),
  );
});
