import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { markSuiteStarted, percentile, saveFigures } from '../support/figures';
import { runLoadClient } from '../support/load-runner';
import { type LocalStackProcess, startLocalStackProcess } from '../support/local-stack-process';
import { compareLedger, examples } from '../support/pipeline-checks';
import { checkWebhookResponse } from '../support/response-contract';
import { reliabilityScale, reliabilitySeed } from '../support/scale';
import { readHealth, waitUntilQuiet } from '../support/stack-health';
import { scanLedger } from '../support/tables';
import { uniqueWebhooks } from '../support/webhook-requests';

const scale = reliabilityScale();
const seed = reliabilitySeed();
jest.setTimeout(scale.suiteTimeoutMs);

describe('load: webhooks of every vendor as fast as the stack takes them', () => {
  let stack: LocalStackProcess;

  beforeAll(async () => {
    markSuiteStarted('load');
    // npm start's defaults: 30 s visibility timeout, 2 pollers.
    stack = await startLocalStackProcess({ visibilityTimeoutSeconds: 30 });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('accepts, completes and applies every webhook exactly once', async () => {
    // Prepare
    const startedAt = Date.now();
    const webhooks = uniqueWebhooks(scale.loadWebhooks, `load-${seed}`);

    // Act
    const result = await runLoadClient(
      stack.url,
      webhooks.map((webhook) => webhook.request),
      scale.clientConcurrency,
    );
    const waitStartedAt = Date.now();
    const quietAfterMs = await waitUntilQuiet(stack.url, 600_000);
    const drainMs = waitStartedAt + quietAfterMs - result.finishedAt;
    const dynamoDb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.info.dynamoDbEndpoint });
    const ledger = await scanLedger(dynamoDb, stack.info.tables.ledger);
    dynamoDb.destroy();
    const health = await readHealth(stack.url);

    // Assess
    const accepted = new Set<string>();
    const webhooksByEvent = new Map<string, string[]>();
    const refused: string[] = [];
    for (const [index, response] of result.responses.entries()) {
      const checked = checkWebhookResponse({
        status: response.status,
        headers: {
          'content-type': response.contentType,
          ...(response.retryAfter ? { 'retry-after': response.retryAfter } : {}),
        },
        body: response.body,
      });
      if (checked.ok && (checked.answer.kind === 'accepted' || checked.answer.kind === 'ignored')) {
        accepted.add(checked.answer.eventId);
        const names = webhooksByEvent.get(checked.answer.eventId) ?? [];
        names.push(`${webhooks[index]?.vendor}/${webhooks[index]?.name} #${index}`);
        webhooksByEvent.set(checked.answer.eventId, names);
      } else {
        refused.push(
          `${webhooks[index]?.vendor}/${webhooks[index]?.name}: ${checked.ok ? checked.answer.status : checked.problem}`,
        );
      }
    }
    const comparison = compareLedger(ledger, accepted);
    const log = stack.log;
    const applied = [...accepted].filter(
      (id) => (log.applied.get(id) ?? 0) + (log.ignored.get(id) ?? 0) > 0,
    );
    const doubleApplied = log.doubleApplied();
    const latencies = result.responses.map((response) => response.ms);
    const serverErrors = result.responses.filter(
      (response) => response.status >= 500 || response.status === 0,
    ).length;
    const completed = ledger.length - comparison.unfinished.length;
    const sendSeconds = (result.finishedAt - result.startedAt) / 1000;
    const violations = [
      ...(refused.length > 0
        ? [`${refused.length} webhooks not accepted${examples(refused)}`]
        : []),
      ...(accepted.size !== webhooks.length
        ? [
            `${accepted.size} distinct events accepted for ${webhooks.length} distinct webhooks${examples(
              [...webhooksByEvent.values()]
                .filter((names) => names.length > 1)
                .map((names) => names.join(' = ')),
            )}`,
          ]
        : []),
      ...(comparison.lost.length > 0
        ? [`${comparison.lost.length} accepted events lost${examples(comparison.lost)}`]
        : []),
      ...(comparison.unexpected.length > 0
        ? [`${comparison.unexpected.length} ledger entries for no accepted webhook`]
        : []),
      ...(comparison.refused.length > 0
        ? [
            `${comparison.refused.length} genuine events refused by the worker${examples(comparison.refused.map((entry) => entry.eventId))}`,
          ]
        : []),
      ...(applied.length !== accepted.size
        ? [`${accepted.size - applied.length} accepted events never applied by the worker`]
        : []),
      ...(doubleApplied.length > 0
        ? [`${doubleApplied.length} events applied twice${examples(doubleApplied)}`]
        : []),
      ...((health?.queues.dlq.messages ?? 0) > 0
        ? [`${health?.queues.dlq.messages} messages dead-lettered`]
        : []),
      ...(log.crashLines.length > 0
        ? [`${log.crashLines.length} uncaught exceptions${examples(log.crashLines, 2)}`]
        : []),
      ...(stack.alive() ? [] : ['the stack process died']),
    ];
    saveFigures({
      suite: 'load',
      order: 6,
      title: 'Load',
      seed,
      requests: result.responses.length,
      serverErrors,
      lost: comparison.lost.length,
      doubleApplied: doubleApplied.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      durationMs: Date.now() - startedAt,
      details: {
        connections: scale.clientConcurrency,
        'webhooks/s': Math.round(result.responses.length / sendSeconds),
        accepted: accepted.size,
        'completed in the ledger': completed,
        applied: applied.length,
        'max ack ms': Math.round(Math.max(...latencies)),
        'queue drained ms after the last ack': drainMs,
        'worker events/s': Math.round(
          accepted.size / ((waitStartedAt + quietAfterMs - result.startedAt) / 1000),
        ),
      },
      violations,
    });
    console.log(
      `load: ${result.responses.length} webhooks in ${sendSeconds.toFixed(1)} s (${Math.round(result.responses.length / sendSeconds)}/s), ` +
        `accepted ${accepted.size} = completed ${completed} = applied ${applied.length}; ` +
        `p50 ${percentile(latencies, 50)?.toFixed(1)} ms, p99 ${percentile(latencies, 99)?.toFixed(1)} ms; drained ${drainMs} ms after the last ack`,
    );
    expect(violations).toEqual([]);
  });
});
