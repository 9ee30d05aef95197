import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { LOCAL_AWS } from '../local/servers/dynamodb-local';
import { dynamoDbForBench } from './support/bench-dynamodb';
import type { EventEnvelope } from '../shared/queue/event-queue';
import { DynamoDbEventLedger } from '../shared/store/dynamodb-event-ledger';
import { DynamoDbImageAliasStore } from '../shared/store/dynamodb-image-alias-store';
import { DynamoDbImageRecordStore } from '../shared/store/dynamodb-image-record-store';
import { ensureTable } from '../shared/store/ensure-table';
import { DynamoDbLedgerReader } from '../shared/store/ledger-reader';
import { LEDGER_TABLE, RECORDS_TABLE } from '../shared/store/table-definitions';
import { VENDOR_DEFINITIONS } from '../shared/vendors/registry';
import type { Vendor } from '../shared/vendors/vendor';
import type { VendorDefinition, VendorEvent } from '../shared/vendors/vendor-definition';
import { readWorkerConfig } from '../shared/worker/worker-config';
import { createWorkerHandler } from '../shared/worker/worker-handler';
import {
  reprocessArchive,
  type ReprocessSummary,
} from '../scripts/lib/reprocess/reprocess-archive';
import { WEBHOOK_MIX } from './cost/webhook-mix';
import { buildScenario } from './inputs/worker-scenarios';
import { sdkDynamoDb } from '../shared/aws/sdk-dynamodb';

/**
 * `npm run bench:reprocess [-- --events N]`: how fast `events reprocess` re-applies the archive
 * against DynamoDB Local. The worker first applies N events of the priced webhook mix under
 * "yesterday's" normalizers (each change carries one extra metadata key), archiving every event;
 * reprocessing with today's then rewrites every image (the fix-after-a-bug case), and a second
 * run rewrites nothing (reads and rebuilds only). Both rates are events per second of wall time,
 * the Scan of the ledger included.
 */

const yesterday = Object.fromEntries(
  Object.entries(VENDOR_DEFINITIONS).map(([vendor, definition]) => [
    vendor,
    {
      ...definition,
      normalize: (event, clock) =>
        definition.normalize(event, clock).map((change) => ({
          ...change,
          patch: {
            ...change.patch,
            vendorMeta: { ...change.patch.vendorMeta, normalizedBy: 'yesterday' },
          },
        })),
    } satisfies VendorDefinition<VendorEvent>,
  ]),
) as Readonly<Partial<Record<Vendor, VendorDefinition<VendorEvent>>>>;

const sqsRecord = (envelope: EventEnvelope): SQSRecord => ({
  messageId: randomUUID(),
  receiptHandle: `bench-${randomUUID()}`,
  body: JSON.stringify(envelope),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'AROAEXAMPLE:ingest',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: 'not-checked-by-the-worker',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:vendor-webhooks-events',
  awsRegion: 'us-east-1',
});

/** About `events` envelopes of the webhook mix, prerequisites first (an update needs its image). */
const mixEnvelopes = (events: number): EventEnvelope[] => {
  const prepared: EventEnvelope[] = [];
  const measured: EventEnvelope[] = [];
  for (const entry of WEBHOOK_MIX) {
    const count = Math.max(1, Math.round(events * entry.share));
    for (let index = 0; index < count; index += 1) {
      const scenario = buildScenario(entry.scenario);
      prepared.push(...scenario.prepare);
      measured.push(scenario.measured);
    }
  }
  return [...prepared, ...measured];
};

const line = (name: string, summary: ReprocessSummary): string =>
  `${name.padEnd(26)} ${String(summary.selectedEvents).padStart(6)} events ${summary.seconds.toFixed(2).padStart(7)} s ${String(Math.round(summary.selectedEvents / summary.seconds)).padStart(6)} events/s  ${summary.images} images, ${summary.rewritten.length} rewritten`;

const main = async (): Promise<void> => {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '2000' } } });
  const events = Number(values.events);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dynamoDb = await dynamoDbForBench();
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoDb.endpoint });
  try {
    const suffix = `${process.pid}-${Date.now().toString(36)}`;
    const tables = { records: `reprocess-records-${suffix}`, ledger: `reprocess-ledger-${suffix}` };
    await ensureTable(client, RECORDS_TABLE, tables.records);
    await ensureTable(client, LEDGER_TABLE, tables.ledger);
    const config = readWorkerConfig({ RECORDS_TABLE: tables.records, LEDGER_TABLE: tables.ledger });
    // The stores reach DynamoDB as `npm run events -- reprocess` reaches it: through the SDK.
    const port = sdkDynamoDb(client);
    const ledger = new DynamoDbEventLedger({
      client: port,
      tableName: tables.ledger,
      dedupeWindowSeconds: config.dedupeWindowSeconds,
      archiveRetentionSeconds: config.archiveRetentionSeconds,
    });
    const store = new DynamoDbImageRecordStore({ client: port, tableName: tables.records });
    const aliases = new DynamoDbImageAliasStore({ client: port, tableName: tables.records });
    const handler = createWorkerHandler({
      ledger,
      store,
      aliases,
      definitions: yesterday,
      archiveEvents: true,
      applyConcurrency: config.applyConcurrency,
      log: { info: () => {}, warn: () => {}, error: () => {} },
      metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
    });
    const envelopes = mixEnvelopes(events);
    process.stderr.write(`applying ${envelopes.length} events under yesterday's normalizers\n`);
    for (let start = 0; start < envelopes.length; start += 10) {
      const answer = await handler({
        Records: envelopes.slice(start, start + 10).map(sqsRecord),
      });
      if (answer.batchItemFailures.length > 0) throw new Error('the worker failed a message');
    }
    const deps = {
      archive: new DynamoDbLedgerReader({ client: port, tableName: tables.ledger }),
      records: store,
      aliases,
      definitions: VENDOR_DEFINITIONS,
      dryRun: false,
    };
    const fixing = await reprocessArchive({}, deps);
    const again = await reprocessArchive({}, deps);
    if (fixing.failed.length > 0 || again.rewritten.length > 0) {
      throw new Error(`unexpected outcome: ${JSON.stringify({ fixing, again })}`);
    }
    console.log(line('reprocess, every image', fixing));
    console.log(line('reprocess again, no write', again));
  } finally {
    client.destroy();
    await dynamoDb.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
