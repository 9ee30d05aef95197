import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import * as v from 'valibot';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { QuarantineRecordSchema } from '../../../shared/ingest/quarantine';
import { VENDORS, type Vendor } from '../../../shared/vendors/vendor';
import { mapWithConcurrency } from '../../../shared/worker/worker-handler';
import { markSuiteStarted, percentile, saveFigures } from '../support/figures';
import { BODY_LIMIT_BYTES } from '../support/fuzz/fuzz-oracle';
import { type FuzzSpec, fuzzSpecArbitrary, materialize } from '../support/fuzz/fuzz-case';
import { HttpClient } from '../support/http-client';
import { type LocalStackProcess, startLocalStackProcess } from '../support/local-stack-process';
import { compareLedger, examples, readRecords, takeAllMessages } from '../support/pipeline-checks';
import { checkWebhookResponse } from '../support/response-contract';
import { reliabilityScale, reliabilitySeed } from '../support/scale';
import { waitUntilQuiet } from '../support/stack-health';
import { scanLedger, scanRecordKeys } from '../support/tables';
import { fixtureBodiesOf } from '../support/webhook-requests';

const scale = reliabilityScale();
const seed = reliabilitySeed();
jest.setTimeout(scale.suiteTimeoutMs);

/** A quarantine message must never hold a credential, whatever the delivery looked like. */
const SECRET_VALUES = Object.values(DEV_SECRETS);

const increment = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

describe('fuzz: generated requests against every webhook route of the running stack', () => {
  let stack: LocalStackProcess;
  let client: HttpClient;
  let dynamoDb: DynamoDBClient;
  let sqs: SQSClient;

  beforeAll(async () => {
    markSuiteStarted('fuzz');
    stack = await startLocalStackProcess({ visibilityTimeoutSeconds: 5 });
    client = new HttpClient(stack.url, { maxSockets: scale.clientConcurrency });
    dynamoDb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.info.dynamoDbEndpoint });
    sqs = new SQSClient({ ...LOCAL_AWS, endpoint: stack.info.sqsEndpoint });
  });

  afterAll(async () => {
    client?.close();
    dynamoDb?.destroy();
    sqs?.destroy();
    await stack?.stop();
  });

  it('answers every request within the contract, never 5xx, and enqueues only what it accepted', async () => {
    // Prepare
    const startedAt = Date.now();
    const fixtures = new Map(VENDORS.map((route) => [route, fixtureBodiesOf(route)]));
    const specsPerRoute = VENDORS.map((route, index) =>
      fc.sample(fuzzSpecArbitrary(route, fixtures.get(route)?.length ?? 0), {
        numRuns: scale.fuzzRequestsPerRoute,
        seed: seed + index,
      }),
    );
    const interleaved: FuzzSpec[] = [];
    for (let i = 0; i < scale.fuzzRequestsPerRoute; i += 1) {
      for (const specs of specsPerRoute) {
        const spec = specs[i];
        if (spec) interleaved.push(spec);
      }
    }
    const statusCounts: Record<string, number> = {};
    const kindCounts: Record<string, number> = {};
    const perRoute = new Map<Vendor, { accepted: number; unauthorized: number }>(
      VENDORS.map((route) => [route, { accepted: 0, unauthorized: 0 }]),
    );
    const latencies: number[] = [];
    const contractProblems: string[] = [];
    const unexpectedStatuses: string[] = [];
    const acceptedIds = new Set<string>();
    let serverErrors = 0;
    let expectedQuarantined = 0;
    let overLimit = 0;

    // Act
    await mapWithConcurrency(interleaved, scale.clientConcurrency, async (spec) => {
      const fuzzCase = materialize(spec, fixtures.get(spec.route) ?? []);
      const response = await client.send(fuzzCase.request);
      latencies.push(response.ms);
      increment(statusCounts, String(response.status));
      increment(kindCounts, spec.kind);
      if (response.status >= 500) serverErrors += 1;
      if (fuzzCase.request.body && fuzzCase.request.body.length > BODY_LIMIT_BYTES) overLimit += 1;
      const checked = checkWebhookResponse(response);
      if (!checked.ok) {
        contractProblems.push(`${checked.problem} [${fuzzCase.description}]`);
        return;
      }
      const answer = checked.answer;
      if (!fuzzCase.allowed.includes(answer.status)) {
        unexpectedStatuses.push(
          `${answer.status} ${answer.kind}, allowed ${fuzzCase.allowed.join('/')} [${fuzzCase.description}]`,
        );
      }
      if (answer.kind === 'payload_too_large' && answer.limitBytes !== BODY_LIMIT_BYTES) {
        unexpectedStatuses.push(
          `413 names limitBytes ${answer.limitBytes} [${fuzzCase.description}]`,
        );
      }
      const routeCounts = perRoute.get(spec.route);
      if (answer.kind === 'accepted' || answer.kind === 'ignored') {
        acceptedIds.add(answer.eventId);
        if (routeCounts) routeCounts.accepted += 1;
      }
      if (answer.kind === 'unauthorized' && routeCounts) routeCounts.unauthorized += 1;
      // Authentic deliveries that fail parsing or validation are kept; Spyne authenticates only
      // after parsing, so its malformed bodies are not known to be authentic and are not kept.
      if (
        answer.kind === 'invalid_payload' ||
        (answer.kind === 'malformed_body' && spec.route !== 'spyne')
      ) {
        expectedQuarantined += 1;
      }
    });
    const requestsDoneAt = Date.now();
    const drainMs = await waitUntilQuiet(stack.url, 300_000);
    const ledger = await scanLedger(dynamoDb, stack.info.tables.ledger);
    const comparison = compareLedger(ledger, acceptedIds);
    const mainQueue = await takeAllMessages(sqs, stack.info.queues.main.url);
    const deadLetters = await takeAllMessages(sqs, stack.info.queues.dlq.url);
    const quarantined = await takeAllMessages(sqs, stack.info.queues.quarantine.url);
    // A send the SDK retried after a lost answer can leave two copies of one delivery: the
    // quarantine is at least once, so deliveries are counted by their request id.
    const quarantinedRequests = new Set<string>();
    const quarantineProblems = quarantined.flatMap((message) => {
      const text = message.Body ?? '';
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return ['a quarantine message is not JSON'];
      }
      const record = v.safeParse(QuarantineRecordSchema, json);
      if (!record.success) return ['a quarantine message breaks the quarantine schema'];
      quarantinedRequests.add(record.output.requestId);
      const leaked = SECRET_VALUES.filter((secret) => text.includes(secret));
      return leaked.length > 0
        ? [`a quarantine message holds a credential (${record.output.vendor})`]
        : [];
    });
    const recordKeys = await scanRecordKeys(dynamoDb, stack.info.tables.records);
    const reads = await readRecords(client, recordKeys.announced, scale.clientConcurrency);
    const predictionOnlyServed = await readRecords(
      client,
      recordKeys.predictionOnly,
      scale.clientConcurrency,
    );

    // Assess
    const log = stack.log;
    const refusedOtherwise = comparison.refused
      .filter(
        (entry) =>
          entry.vendor !== 'spyne' ||
          (entry.refusedImages ?? []).some((image) => image.reason !== 'signature_reused'),
      )
      .map((entry) => entry.eventId);
    const doubleApplied = log.doubleApplied();
    const violations = [
      ...(serverErrors > 0 ? [`${serverErrors} responses were 5xx`] : []),
      ...(contractProblems.length > 0
        ? [
            `${contractProblems.length} responses broke the response body contract${examples(contractProblems, 3)}`,
          ]
        : []),
      ...(unexpectedStatuses.length > 0
        ? [
            `${unexpectedStatuses.length} responses had a status the contract does not allow for the request${examples(unexpectedStatuses, 3)}`,
          ]
        : []),
      ...(comparison.lost.length > 0
        ? [
            `${comparison.lost.length} accepted events were never completed${examples(comparison.lost)}`,
          ]
        : []),
      ...(comparison.unexpected.length > 0
        ? [
            `${comparison.unexpected.length} ledger entries belong to no accepted request${examples(comparison.unexpected)}`,
          ]
        : []),
      // A mutated Spyne body keeps its fixture's signature: a replay, refused whole and kept.
      // Any other reason to refuse a whole accepted event is a defect.
      ...(refusedOtherwise.length > 0
        ? [
            `${refusedOtherwise.length} accepted events refused for a reason other than a reused signature${examples(refusedOtherwise)}`,
          ]
        : []),
      ...(doubleApplied.length > 0 ? [`${doubleApplied.length} events were applied twice`] : []),
      ...(log.invalidEnvelopes > 0
        ? [`${log.invalidEnvelopes} queued messages were not valid envelopes`]
        : []),
      ...(log.failed.size > 0
        ? [`${log.failed.size} events failed in the worker${examples(log.failureSamples, 3)}`]
        : []),
      ...(log.ingestInternalErrors > 0
        ? [`${log.ingestInternalErrors} ingest invocations failed unexpectedly`]
        : []),
      ...(log.crashLines.length > 0
        ? [
            `${log.crashLines.length} uncaught exceptions in the stack's output${examples(log.crashLines, 2)}`,
          ]
        : []),
      ...(stack.alive() ? [] : ['the stack process died']),
      ...(mainQueue.length + deadLetters.length > 0
        ? [
            `${mainQueue.length} messages left on the main queue and ${deadLetters.length} on the DLQ`,
          ]
        : []),
      ...(quarantinedRequests.size !== expectedQuarantined
        ? [
            `${quarantinedRequests.size} deliveries quarantined, expected ${expectedQuarantined} (every authentic 400)`,
          ]
        : []),
      ...(quarantineProblems.length > 0
        ? [`${quarantineProblems.length} bad quarantine messages${examples(quarantineProblems, 2)}`]
        : []),
      ...(reads.failures.length > 0
        ? [`${reads.failures.length} stored records were not served${examples(reads.failures)}`]
        : []),
      // An image only a prediction names does not exist for readers yet.
      ...(predictionOnlyServed.records.size > 0
        ? [`${predictionOnlyServed.records.size} images only a prediction names were served`]
        : []),
      ...[...perRoute]
        .filter(([, counts]) => counts.accepted === 0 || counts.unauthorized === 0)
        .map(
          ([route]) => `${route}: the fuzz never reached both the accepting and the refusing path`,
        ),
    ];
    saveFigures({
      suite: 'fuzz',
      order: 1,
      title: 'Fuzzed webhook requests',
      seed,
      requests: interleaved.length,
      serverErrors,
      lost: comparison.lost.length,
      doubleApplied: doubleApplied.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      durationMs: Date.now() - startedAt,
      details: {
        'per route': scale.fuzzRequestsPerRoute,
        ...Object.fromEntries(
          Object.entries(statusCounts).map(([status, count]) => [`HTTP ${status}`, count]),
        ),
        'over 1 MiB': overLimit,
        'distinct accepted events': acceptedIds.size,
        'ledger entries': ledger.length,
        'refused as replays (reused signature)':
          comparison.refused.length - refusedOtherwise.length,
        quarantined: quarantinedRequests.size,
        'quarantine copies from retried sends': quarantined.length - quarantinedRequests.size,
        'records served': reads.records.size,
        'images only a prediction names (404)': recordKeys.predictionOnly.length,
        'uncaught exceptions': log.crashLines.length,
        'invalid messages enqueued': log.invalidEnvelopes + comparison.unexpected.length,
        'queue drained in ms': drainMs,
        'requests took s': Math.round((requestsDoneAt - startedAt) / 100) / 10,
        kinds: Object.entries(kindCounts)
          .map(([kind, count]) => `${kind} ${count}`)
          .join(' / '),
      },
      violations,
    });
    console.log(
      `fuzz (seed ${seed}): ${interleaved.length} requests, statuses ${JSON.stringify(statusCounts)}, ` +
        `${acceptedIds.size} events accepted = ${ledger.length} ledger entries, ${quarantinedRequests.size} quarantined, ` +
        `p50 ${percentile(latencies, 50)?.toFixed(1)} ms, p99 ${percentile(latencies, 99)?.toFixed(1)} ms`,
    );
    expect(violations).toEqual([]);
  });
});
