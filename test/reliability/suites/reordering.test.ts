import { isDeepStrictEqual } from 'node:util';
import { type Message, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { type RecordState, applyChange, toImageRecord } from '../../../shared/record/record-state';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import { isVendor } from '../../../shared/vendors/vendor';
import { mapWithConcurrency, parseEnvelope } from '../../../shared/worker/worker-handler';
import { changesOf } from '../../../shared/worker/process-event';
import { imageChanges, readChanges } from '../../support/change-events';
import { markSuiteStarted, percentile, saveFigures } from '../support/figures';
import { HttpClient } from '../support/http-client';
import { examples, readRecords, takeAllMessages } from '../support/pipeline-checks';
import { checkWebhookResponse } from '../support/response-contract';
import { scenarioEvents } from '../support/reorder-scenario';
import { reliabilityScale, reliabilitySeed } from '../support/scale';
import { SplitStack } from '../support/split-stack/split-stack';
import { scanLedger } from '../support/tables';

const scale = reliabilityScale();
const seed = reliabilitySeed();
jest.setTimeout(scale.suiteTimeoutMs);

/** A record as compared: everything but `updatedAt`, the one value set by processing time. */
const comparable = (record: object): unknown => {
  const { updatedAt: _updatedAt, ...rest } = { updatedAt: undefined, ...record };
  return JSON.parse(JSON.stringify(rest));
};

describe('reordering: random processing orders through the real queue and worker', () => {
  let stack: SplitStack;
  let client: HttpClient;

  beforeAll(async () => {
    markSuiteStarted('reordering');
    // One poller: batches are processed one after another, so each scenario (at most one event
    // per batch) is processed in its permutation. With two, a poller done early could take the
    // next position's batch while the other still processed the one before it.
    stack = await SplitStack.start({ visibilityTimeoutSeconds: 10, pollers: 1 });
    client = new HttpClient(stack.url, { maxSockets: scale.clientConcurrency });
  });

  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it('ends every permutation in the records of in-order processing, the last change event of each image carrying its record', async () => {
    // Prepare: each scenario is sent in its vendor order, which fixes every receipt time.
    const startedAt = Date.now();
    const scenarios = Array.from({ length: scale.permutations }, (_, index) =>
      scenarioEvents(`reorder-${seed}-${index}`, index % 2 === 0),
    );
    const latencies: number[] = [];
    const problems: string[] = [];
    const positionOf = new Map<string, { scenario: number; step: number }>();
    let serverErrors = 0;
    const numbered = scenarios.map((events, scenario) => ({ events, scenario }));
    await mapWithConcurrency(numbered, scale.clientConcurrency, async ({ events, scenario }) => {
      for (const [step, event] of events.entries()) {
        const response = await client.send(event.request);
        latencies.push(response.ms);
        if (response.status >= 500) serverErrors += 1;
        const checked = checkWebhookResponse(response);
        if (!checked.ok || checked.answer.kind !== 'accepted') {
          problems.push(`${event.label}: ${checked.ok ? checked.answer.kind : checked.problem}`);
          continue;
        }
        if (positionOf.has(checked.answer.eventId))
          problems.push(`${event.label}: eventId repeated`);
        positionOf.set(checked.answer.eventId, { scenario, step });
      }
    });
    const queued = await takeAllMessages(stack.sqs, stack.queues.main.url);
    const byScenario = scenarios.map((events) => new Array<Message | undefined>(events.length));
    // A second message for one event (ingest's SendMessage retried after a timeout) is a
    // duplicate the worker would dedupe; the orders are built from one message per event.
    let duplicateMessages = 0;
    for (const message of queued) {
      const eventId = message.MessageAttributes?.eventId?.StringValue ?? '';
      const position = positionOf.get(eventId);
      if (!position) problems.push(`a queued message names an unknown event ${eventId}`);
      else if (byScenario[position.scenario]?.[position.step]) duplicateMessages += 1;
      else byScenario[position.scenario]?.splice(position.step, 1, message);
    }
    const unqueued = byScenario.reduce(
      (sum, messages) => sum + Array.from(messages).filter((message) => !message).length,
      0,
    );
    const permutations = scenarios.map(
      (events, index) =>
        fc.sample(
          fc.shuffledSubarray(
            events.map((_, step) => step),
            { minLength: events.length, maxLength: events.length },
          ),
          { numRuns: 1, seed: seed + index },
        )[0] ?? [],
    );

    // Act: the queue gets every scenario's messages in its permuted order, interleaved across
    // scenarios (round-robin), so a batch of 10 holds at most one event of each scenario and the
    // worker processes each scenario in its permutation.
    const longest = Math.max(...permutations.map((order) => order.length));
    const sendOrder: Message[] = [];
    for (let position = 0; position < longest; position += 1) {
      for (const [scenario, order] of permutations.entries()) {
        const step = order[position];
        const message = step === undefined ? undefined : byScenario[scenario]?.[step];
        if (message) sendOrder.push(message);
      }
    }
    for (let start = 0; start < sendOrder.length; start += 10) {
      await stack.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: stack.queues.main.url,
          Entries: sendOrder.slice(start, start + 10).map((message, index) => ({
            Id: String(index),
            MessageBody: message.Body ?? '',
            MessageAttributes: message.MessageAttributes,
          })),
        }),
      );
    }
    const processingStartedAt = Date.now();
    await stack.startWorker();
    const drainMs = await stack.untilMainQueueEmpty(600_000);
    const processingMs = Date.now() - processingStartedAt;

    // Assess: in-order processing is the product's own merge applied in the vendor order.
    const expected = new Map<string, { scenario: number; record: unknown }>();
    for (const [scenario, messages] of byScenario.entries()) {
      const states = new Map<string, RecordState>();
      for (const message of messages) {
        if (!message) continue;
        const envelope = parseEnvelope(message.MessageId ?? '', message.Body ?? '');
        for (const change of changesOf(envelope, VENDOR_DEFINITIONS)) {
          const key = `${change.vendor}/${change.imageId}`;
          states.set(key, applyChange(states.get(key), change).state);
        }
      }
      for (const [key, state] of states) {
        expected.set(key, { scenario, record: comparable(toImageRecord(state, '')) });
      }
    }
    const keys = [...expected.keys()].map((key) => {
      const [vendor = '', ...rest] = key.split('/');
      if (!isVendor(vendor)) throw new Error(`unexpected vendor in ${key}`);
      return { vendor, imageId: rest.join('/') };
    });
    const reads = await readRecords(client, keys, scale.clientConcurrency);
    const differing = new Set<number>();
    const differences: string[] = [];
    for (const [key, { scenario, record }] of expected) {
      const actual = reads.records.get(key);
      if (!actual || !isDeepStrictEqual(comparable(actual), record)) {
        differing.add(scenario);
        differences.push(
          `scenario ${scenario} ${key}: ${JSON.stringify(actual ? comparable(actual) : null).slice(0, 200)}`,
        );
      }
    }
    // The last change event of each image (its highest revision) carries the record it ended in.
    // The publisher starts once the worker is done, so it cannot change the processing orders:
    // it publishes the stream's whole backlog in order.
    await stack.startPublisher();
    const lastChange = () => {
      const last = new Map<string, { revision: number; record: object | undefined }>();
      for (const event of imageChanges(readChanges(stack.publisherDir))) {
        const key = `${event.detail.vendor}/${event.detail.imageId}`;
        const seen = last.get(key);
        if (seen === undefined || event.detail.revision > seen.revision) {
          last.set(key, { revision: event.detail.revision, record: event.detail.record });
        }
      }
      return last;
    };
    const staleChanges = (): string[] => {
      const last = lastChange();
      return [...expected.keys()].filter((key) => {
        const actual = reads.records.get(key);
        const published = last.get(key)?.record;
        return (
          actual === undefined ||
          published === undefined ||
          !isDeepStrictEqual(comparable(published), comparable(actual))
        );
      });
    };
    const publishedBy = Date.now() + 120_000;
    let unpublished = staleChanges();
    while (unpublished.length > 0 && Date.now() < publishedBy) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      unpublished = staleChanges();
    }
    const changeEvents = imageChanges(readChanges(stack.publisherDir)).length;
    const observedOrders = scenarios.map(() => [] as number[]);
    for (const eventId of stack.workerLog.completionOrder) {
      const position = positionOf.get(eventId);
      if (position) observedOrders[position.scenario]?.push(position.step);
    }
    const followedPermutation = observedOrders.filter((order, index) =>
      isDeepStrictEqual(order, permutations[index]),
    ).length;
    const inVendorOrder = permutations.filter((order) =>
      order.every((step, index) => step === index),
    ).length;
    const ledger = await scanLedger(stack.dynamoDb, stack.tables.ledger);
    const completed = new Set(
      ledger.filter((entry) => entry.status === 'completed').map((entry) => entry.eventId),
    );
    const lost = [...positionOf.keys()].filter((eventId) => !completed.has(eventId));
    const doubleApplied = stack.workerLog.doubleApplied();
    const violations = [
      ...(problems.length > 0
        ? [`${problems.length} webhooks were not accepted or queued as sent${examples(problems)}`]
        : []),
      ...(unqueued > 0 ? [`${unqueued} accepted events have no message on the queue`] : []),
      ...(differing.size > 0
        ? [
            `${differing.size} of ${scenarios.length} permutations ended in other records than in-order processing${examples(differences, 3)}`,
          ]
        : []),
      ...(reads.failures.length > 0
        ? [`${reads.failures.length} records were not served${examples(reads.failures)}`]
        : []),
      ...(lost.length > 0 ? [`${lost.length} events were never completed${examples(lost)}`] : []),
      ...(unpublished.length > 0
        ? [
            `${unpublished.length} of ${expected.size} images have no last change event carrying their final record${examples(unpublished)}`,
          ]
        : []),
      ...(doubleApplied.length > 0 ? [`${doubleApplied.length} events were applied twice`] : []),
      ...(stack.crashLines().length > 0
        ? [`uncaught exceptions${examples(stack.crashLines(), 2)}`]
        : []),
      // The check is only as strong as the orders it saw: most scenarios must have been
      // processed exactly in their permutation, and few permutations may be the vendor order.
      ...(followedPermutation < scenarios.length * 0.9
        ? [
            `only ${followedPermutation} of ${scenarios.length} scenarios were processed in their permuted order`,
          ]
        : []),
    ];
    saveFigures({
      suite: 'reordering',
      order: 4,
      title: 'Reordered processing',
      seed,
      requests: latencies.length,
      serverErrors,
      lost: lost.length,
      doubleApplied: doubleApplied.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      durationMs: Date.now() - startedAt,
      details: {
        permutations: scenarios.length,
        'events per permutation': Math.round(positionOf.size / scenarios.length),
        'records compared': expected.size,
        'change events published': changeEvents,
        'images whose last change event carries the final record':
          expected.size - unpublished.length,
        'permutations identical to in-order': scenarios.length - differing.size,
        'processed in exactly the permuted order': followedPermutation,
        'permutations equal to the vendor order': inVendorOrder,
        'duplicate messages from ingest retries': duplicateMessages,
        'worker processing ms': processingMs,
        'queue drained ms': drainMs,
      },
      violations,
    });
    console.log(
      `reordering: ${scenarios.length} permutations of ${Math.round(positionOf.size / scenarios.length)} events, ` +
        `${scenarios.length - differing.size} identical to in-order processing, ${followedPermutation} processed exactly as permuted`,
    );
    expect(violations).toEqual([]);
  });
});
