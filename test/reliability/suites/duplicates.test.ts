import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { deliveryCount } from '../../../shared/store/ledger-item';
import { deliveriesOf } from '../../../scripts/fixtures/build-fixtures';
import { mapWithConcurrency } from '../../../shared/worker/worker-handler';
import { markSuiteStarted, percentile, saveFigures } from '../support/figures';
import { HttpClient, type HttpResponse } from '../support/http-client';
import { type LocalStackProcess, startLocalStackProcess } from '../support/local-stack-process';
import { examples } from '../support/pipeline-checks';
import { checkWebhookResponse } from '../support/response-contract';
import { reliabilityScale, reliabilitySeed } from '../support/scale';
import { waitUntilQuiet } from '../support/stack-health';
import { scanLedger } from '../support/tables';
import { fixtureBodies, toHttpRequest } from '../support/webhook-requests';

const scale = reliabilityScale();
const seed = reliabilitySeed();
jest.setTimeout(scale.suiteTimeoutMs);

/** 1 delivery + Image Intelligence's 5 retries. */
const COPIES = 6;
/** Storms in flight together: 24 simultaneous requests, a burst the stack answers in time. */
const STORMS_AT_ONCE = 4;
/**
 * A copy answered 503 (the queue did not take it in time, on a loaded machine) is delivered
 * again, as every vendor retries a 5xx, at most this many times; only its last answer is checked.
 */
const REDELIVERIES_AFTER_503 = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The ledger counts vendor deliveries by their gateway request id, so the exact count is required
 * of every event, even when a slow SendMessage was retried and put one delivery on the queue twice.
 */

describe('duplicate storms: every fixture delivered 6 times at once', () => {
  let stack: LocalStackProcess;
  let client: HttpClient;

  beforeAll(async () => {
    markSuiteStarted('duplicates');
    stack = await startLocalStackProcess({ visibilityTimeoutSeconds: 4 });
    client = new HttpClient(stack.url, { maxSockets: 64 });
  });

  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it('applies each event once and counts the 5 repeats in the ledger', async () => {
    // Prepare
    const startedAt = Date.now();
    const fixtures = fixtureBodies();
    let unavailable = 0;

    // Act: a few storms at a time, each of 6 simultaneous deliveries of one event.
    const storms = await mapWithConcurrency(fixtures, STORMS_AT_ONCE, async (file) => {
      const copies = Array.from({ length: COPIES }, (_, copy) => {
        // Each copy is delivered anew: Spyne re-signs (another iat, another signature) and
        // SharinPix alternates between its JSON and form deliveries.
        const variants = deliveriesOf({ ...file, timeEpoch: Date.now() + copy * 1000 });
        const delivery = variants[copy % variants.length];
        if (!delivery) throw new Error(`no delivery for ${file.vendor}/${file.name}`);
        return toHttpRequest(delivery);
      });
      const sendAsVendor = async (copy: (typeof copies)[number]): Promise<HttpResponse> => {
        let response = await client.send(copy);
        for (let retry = 0; retry < REDELIVERIES_AFTER_503 && response.status === 503; retry++) {
          unavailable += 1;
          await sleep(250);
          response = await client.send(copy);
        }
        return response;
      };
      const responses: HttpResponse[] = await Promise.all(copies.map(sendAsVendor));
      return { name: `${file.vendor}/${file.name}`, responses };
    });
    await waitUntilQuiet(stack.url, 120_000);
    const dynamoDb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.info.dynamoDbEndpoint });
    const ledger = new Map(
      (await scanLedger(dynamoDb, stack.info.tables.ledger)).map((entry) => [entry.eventId, entry]),
    );
    dynamoDb.destroy();

    // Assess
    const problems: string[] = [];
    const deliveriesPerEvent = new Map<string, number>();
    for (const storm of storms) {
      const eventIds = new Set<string>();
      for (const response of storm.responses) {
        const checked = checkWebhookResponse(response);
        if (!checked.ok) problems.push(`${storm.name}: ${checked.problem}`);
        else if (checked.answer.kind === 'accepted' || checked.answer.kind === 'ignored')
          eventIds.add(checked.answer.eventId);
        else problems.push(`${storm.name}: answered ${checked.answer.status}`);
      }
      if (eventIds.size !== 1)
        problems.push(`${storm.name}: ${eventIds.size} different eventIds for one event`);
      for (const eventId of eventIds) {
        deliveriesPerEvent.set(
          eventId,
          (deliveriesPerEvent.get(eventId) ?? 0) + storm.responses.length,
        );
      }
    }
    const log = stack.log;
    const miscounted: string[] = [];
    const notOnce: string[] = [];
    const lost: string[] = [];
    for (const [eventId, deliveries] of deliveriesPerEvent) {
      const entry = ledger.get(eventId);
      if (!entry || (entry.status !== 'completed' && entry.status !== 'ignored')) {
        lost.push(eventId);
        continue;
      }
      const counted = deliveryCount(entry);
      if (counted !== deliveries) {
        miscounted.push(`${eventId}: ledger counts ${counted} deliveries, sent ${deliveries}`);
      }
      // Deliveries that applied the event (the same delivery retried after a timed-out batch
      // re-applies idempotently and is not a second application).
      const applications =
        (log.appliedBy.get(eventId)?.size ?? 0) + (log.ignored.get(eventId) ?? 0);
      const duplicates = log.duplicates.get(eventId) ?? 0;
      if (applications !== 1 || duplicates < deliveries - 1) {
        notOnce.push(`${eventId}: applied ${applications}×, counted ${duplicates} duplicates`);
      }
    }
    const serverErrors =
      unavailable +
      storms.flatMap((storm) => storm.responses).filter((r) => r.status >= 500).length;
    const violations = [
      ...(problems.length > 0
        ? [`${problems.length} deliveries were not accepted as the same event${examples(problems)}`]
        : []),
      ...(lost.length > 0 ? [`${lost.length} events never completed${examples(lost)}`] : []),
      ...(miscounted.length > 0
        ? [`${miscounted.length} ledger delivery counts are wrong${examples(miscounted)}`]
        : []),
      ...(notOnce.length > 0
        ? [`${notOnce.length} events not applied exactly once${examples(notOnce)}`]
        : []),
      ...(ledger.size !== deliveriesPerEvent.size
        ? [`${ledger.size} ledger entries for ${deliveriesPerEvent.size} events`]
        : []),
      ...(log.crashLines.length > 0
        ? [`${log.crashLines.length} uncaught exceptions${examples(log.crashLines, 2)}`]
        : []),
    ];
    const latencies = storms.flatMap((storm) => storm.responses.map((response) => response.ms));
    const duplicatesCounted = [...ledger.values()].reduce(
      (sum, entry) => sum + deliveryCount(entry) - 1,
      0,
    );
    saveFigures({
      suite: 'duplicates',
      order: 3,
      title: 'Duplicate storms',
      seed,
      requests: latencies.length,
      serverErrors,
      lost: lost.length,
      doubleApplied: log.doubleApplied().length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      durationMs: Date.now() - startedAt,
      details: {
        fixtures: fixtures.length,
        'copies each': COPIES,
        events: deliveriesPerEvent.size,
        'applied once': deliveriesPerEvent.size - notOnce.length - lost.length,
        'duplicates counted in the ledger': duplicatesCounted,
        'duplicates that applied alongside the completing copy': log.appliedConcurrently,
        'copies delivered again after a 503': unavailable,
      },
      violations,
    });
    console.log(
      `duplicates: ${fixtures.length} fixtures × ${COPIES} = ${latencies.length} deliveries, ${deliveriesPerEvent.size} events, ` +
        `${duplicatesCounted} duplicates counted in the ledger, ${log.appliedConcurrently} applied alongside`,
    );
    expect(violations).toEqual([]);
  });
});
