import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDb } from '../../shared/aws/dynamodb';
import { leanDynamoDb } from '../support/bench-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as v from 'valibot';
import { LOCAL_AWS } from '../../local/servers/dynamodb-local';
import type { EventEnvelope } from '../../shared/queue/event-queue';
import { CapacityTally } from '../support/capacity-tally';
import { DynamoDbEventLedger } from '../../shared/store/dynamodb-event-ledger';
import { DynamoDbImageAliasStore } from '../../shared/store/dynamodb-image-alias-store';
import { ensureTable } from '../../shared/store/ensure-table';
import {
  LEDGER_TABLE,
  RECORDS_TABLE,
  type TableDefinition,
} from '../../shared/store/table-definitions';
import { VENDOR_DEFINITIONS } from '../../shared/vendors/registry';
import { readWorkerConfig } from '../../shared/worker/worker-config';
import { createWorkerHandler, type WorkerHandler } from '../../shared/worker/worker-handler';
import { WEBHOOK_MIX } from '../cost/webhook-mix';
import { envelopeFor, sharinpixImageEvent } from '../inputs/bench-bodies';
import { buildScenario, SCENARIO_NAMES, type Scenario } from '../inputs/worker-scenarios';
import {
  type ChangeCounter,
  changeEventsOfMix,
  createChangeCounter,
  measurePublisher,
} from './change-events';
import { measureIndexProjection } from './index-projection';
import type { ReadTarget } from './read-cpu';
import type {
  ChangeEventCase,
  ChangeEventsResult,
  WorkerCase,
  WorkerResult,
  WorkerThroughput,
} from '../report/results-schema';
import type { BenchSizes } from '../support/bench-sizes';
import type { BuiltBundles, BundleName } from '../support/build-bundles';
import { runProbe } from '../support/child-process';
import { type FloorTables, floorWrites } from '../support/floor-writes';
import { lambdaLikeEnvironment } from '../support/lambda-environment';
import { OutboxMeteredStore } from '../support/outbox-meter';
import { round } from '../support/stats';

/** The worker's settings as deployed (the stack sets the defaults), for the in-process runs. */
const DEPLOYED = readWorkerConfig({
  RECORDS_TABLE: 'records',
  LEDGER_TABLE: 'ledger',
});

/** Keys only: the floor's tables have no index and no TTL. */
const keysOnly = (definition: TableDefinition): TableDefinition => ({
  partitionKey: definition.partitionKey,
  globalIndexes: [],
});

let tableCounter = 0;
const tableName = (role: string): string =>
  `bench-${role}-${process.pid}-${Date.now().toString(36)}-${(tableCounter += 1)}`;

const createTables = async (client: DynamoDBClient) => {
  const ours = { records: tableName('records'), ledger: tableName('ledger') };
  const floor: FloorTables = {
    records: tableName('floor-records'),
    ledger: tableName('floor-ledger'),
  };
  await Promise.all([
    ensureTable(client, RECORDS_TABLE, ours.records),
    ensureTable(client, LEDGER_TABLE, ours.ledger),
    ensureTable(client, keysOnly(RECORDS_TABLE), floor.records),
    ensureTable(client, keysOnly(LEDGER_TABLE), floor.ledger),
  ]);
  return { ours, floor };
};

const silentLog = { info: () => {}, warn: () => {}, error: () => {} };
const silentMetrics = { addMetric: () => {}, publishStoredMetrics: () => {} };

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

/**
 * The SDK's client, which sets the tables up and reads their streams, and beside it the worker's
 * own DynamoDB client on the same server, with every call the stores make through it counted by
 * operation.
 */
const countingClient = (endpoint: string) => {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const lean = leanDynamoDb(endpoint);
  const calls: string[] = [];
  const dynamoDb: DynamoDb = {
    call: (operation, input) => {
      calls.push(operation);
      return lean.call(operation, input);
    },
  };
  return { client, dynamoDb, lean, calls };
};

const deliver = async (handler: WorkerHandler, envelopes: readonly EventEnvelope[]) => {
  const event: SQSEvent = { Records: envelopes.map(sqsRecord) };
  const response = await handler(event);
  if (response.batchItemFailures.length > 0) {
    throw new Error(`the worker failed ${response.batchItemFailures.length} benchmark messages`);
  }
};

/**
 * Units, calls and floor of one scenario, its preparation excluded, and the change events its
 * writes yield on the records table's stream.
 */
const measureScenario = async (
  scenario: Scenario,
  run: {
    handler: WorkerHandler;
    tally: CapacityTally;
    outbox: CapacityTally;
    changes: ChangeCounter;
    calls: string[];
    lean: DynamoDb;
    floor: FloorTables;
  },
): Promise<{ worker: WorkerCase; changes: ChangeEventCase }> => {
  if (scenario.prepare.length > 0) await deliver(run.handler, scenario.prepare);
  await run.changes.skip();
  run.tally.reset();
  run.outbox.reset();
  run.calls.length = 0;
  await deliver(run.handler, [scenario.measured]);
  const totals = run.tally.totals();
  const outboxWriteUnits = run.outbox.totals().writeUnits;
  const dynamoDbCalls = run.calls.length;
  const changes = await run.changes.count(scenario, outboxWriteUnits);
  const floorEnvelope =
    scenario.kind === 'duplicate' ? { ...scenario.measured, supported: false } : scenario.measured;
  const floor = await floorWrites(
    run.lean,
    run.floor,
    floorEnvelope,
    VENDOR_DEFINITIONS,
    DEPLOYED.applyConcurrency,
  );
  return {
    worker: {
      name: scenario.label,
      kind: scenario.kind,
      images: scenario.images,
      writeUnits: round(totals.writeUnits),
      indexWriteUnits: round(totals.indexWriteUnits),
      readUnits: round(totals.readUnits),
      dynamoDbCalls,
      floorWriteUnits: round(floor.writeUnits),
      envelopeBytes: Buffer.byteLength(JSON.stringify(scenario.measured)),
    },
    changes,
  };
};

/** SQS batches of ten over the mix: preparations first (their own batches), then measured events. */
const mixBatches = (events: number): SQSEvent[] => {
  const prepared: EventEnvelope[] = [];
  const measured: EventEnvelope[] = [];
  const totalShare = WEBHOOK_MIX.reduce((sum, entry) => sum + entry.share, 0);
  for (const entry of WEBHOOK_MIX) {
    const count = Math.max(1, Math.round((events * entry.share) / totalShare));
    for (let index = 0; index < count; index += 1) {
      const scenario = buildScenario(entry.scenario);
      prepared.push(...scenario.prepare);
      measured.push(scenario.measured);
    }
  }
  const shuffled = [...measured];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    const [item, swap] = [shuffled[index], shuffled[other]];
    if (item !== undefined && swap !== undefined) {
      shuffled[index] = swap;
      shuffled[other] = item;
    }
  }
  const batches: SQSEvent[] = [];
  for (const list of [prepared, shuffled]) {
    for (let start = 0; start < list.length; start += 10) {
      batches.push({ Records: list.slice(start, start + 10).map(sqsRecord) });
    }
  }
  return batches;
};

const ThroughputAnswerSchema = v.variant('ok', [
  v.object({
    ok: v.literal(true),
    events: v.number(),
    seconds: v.number(),
    cpuMicros: v.number(),
    logBytes: v.number(),
    failures: v.number(),
  }),
  v.object({ ok: v.literal(false), error: v.string() }),
]);

const throughputOf = async (
  probe: string,
  bundle: string,
  batchesFile: string,
  name: BundleName,
  endpoints: { dynamoDb: string; recordsTable: string; ledgerTable: string },
  cpuProfileDir?: string,
) => {
  const environment = lambdaLikeEnvironment(name, endpoints);
  const answer = v.parse(
    ThroughputAnswerSchema,
    await runProbe(
      probe,
      [bundle, batchesFile, 'worker'],
      cpuProfileDir === undefined
        ? environment
        : {
            ...environment,
            BENCH_CPU_PROFILE: join(cpuProfileDir, `${name}-${Date.now()}.cpuprofile`),
          },
    ),
  );
  if (!answer.ok) throw new Error(`worker throughput probe failed: ${answer.error}`);
  if (answer.failures > 0) throw new Error(`${name} failed ${answer.failures} messages`);
  return answer;
};

/**
 * Events per second of the deployed worker bundle and of the floor worker bundle, each in its own
 * process, fed the same batches of ten over the webhook mix on fresh tables of their own. Also run
 * alone (`npm run bench:worker`), so the worker's speed can be measured without the whole bench.
 * With `cpuProfileDir`, the worker's process writes a V8 CPU profile of its measured batches there.
 */
export const measureWorkerThroughput = async (
  bundles: BuiltBundles,
  workDir: string,
  events: number,
  client: DynamoDBClient,
  dynamoDbEndpoint: string,
  cpuProfileDir?: string,
): Promise<{ throughput: WorkerThroughput; tables: { ours: FloorTables; floor: FloorTables } }> => {
  const batchesFile = join(workDir, 'worker-batches.json');
  writeFileSync(batchesFile, JSON.stringify(mixBatches(events)));
  const tables = await createTables(client);
  const probe = bundles.get('batch-throughput-probe').file;
  const runOn = (bundle: 'worker' | 'worker-floor', on: FloorTables, profileDir?: string) =>
    throughputOf(
      probe,
      bundles.get(bundle).file,
      batchesFile,
      'worker',
      { dynamoDb: dynamoDbEndpoint, recordsTable: on.records, ledgerTable: on.ledger },
      profileDir,
    );
  const oursRun = await runOn('worker', tables.ours, cpuProfileDir);
  const floorRun = await runOn('worker-floor', tables.floor);
  return {
    throughput: {
      events: oursRun.events,
      eventsPerSecond: round(oursRun.events / oursRun.seconds, 0),
      floorEventsPerSecond: round(floorRun.events / floorRun.seconds, 0),
      cpuMicrosPerEvent: round(oursRun.cpuMicros / oursRun.events, 0),
      floorCpuMicrosPerEvent: round(floorRun.cpuMicros / floorRun.events, 0),
      logBytesPerEvent: round(oursRun.logBytes / oursRun.events, 0),
    },
    tables,
  };
};

/**
 * Measurement 4: what the worker costs per event against DynamoDB Local. Units come from
 * DynamoDB's own `ReturnConsumedCapacity` (through the adapters' capacity listener), calls
 * counted on the worker's own client, and the floor from actually writing one item per image plus
 * one ledger item. Throughput runs the deployed worker bundle in its own process, fed batches of
 * ten over the webhook mix, next to the floor worker on tables of its own.
 *
 * Change events come from the same runs: each scenario's stream records go through the
 * publisher's code as it deploys it (`createChangeCounter`), and the throughput run's whole stream
 * through the publisher bundle in its own process for its CPU per batch (`measurePublisher`).
 */
export const measureWorker = async (
  bundles: BuiltBundles,
  workDir: string,
  sizes: BenchSizes,
  dynamoDbEndpoint: string,
): Promise<{
  worker: WorkerResult;
  changeEvents: ChangeEventsResult;
  readTarget: ReadTarget;
}> => {
  const { client, dynamoDb, lean, calls } = countingClient(dynamoDbEndpoint);
  const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: dynamoDbEndpoint });
  try {
    const { ours, floor } = await createTables(client);
    const tally = new CapacityTally();
    const store = OutboxMeteredStore.create({
      client: dynamoDb,
      tableName: ours.records,
      onCapacity: tally.listener,
    });
    const changes = await createChangeCounter(client, lean, streams, ours.records);
    const handler = createWorkerHandler({
      ledger: new DynamoDbEventLedger({
        client: dynamoDb,
        tableName: ours.ledger,
        dedupeWindowSeconds: DEPLOYED.dedupeWindowSeconds,
        archiveRetentionSeconds: DEPLOYED.archiveRetentionSeconds,
        onCapacity: tally.listener,
      }),
      store,
      // A vendor whose images have aliases (public ids) registers them beside the records, as
      // the deployed worker does; their units count with the event's.
      aliases: new DynamoDbImageAliasStore({
        client: dynamoDb,
        tableName: ours.records,
        onCapacity: tally.listener,
      }),
      definitions: VENDOR_DEFINITIONS,
      archiveEvents: DEPLOYED.archiveEvents,
      applyConcurrency: DEPLOYED.applyConcurrency,
      log: silentLog,
      metrics: silentMetrics,
    });
    const cases: WorkerCase[] = [];
    const changeCases: ChangeEventCase[] = [];
    for (const name of SCENARIO_NAMES) {
      const measured = await measureScenario(buildScenario(name), {
        handler,
        tally,
        outbox: store.outbox,
        changes,
        calls,
        lean,
        floor,
      });
      cases.push(measured.worker);
      changeCases.push(measured.changes);
    }

    // One more record, applied after the counted scenarios, for the read function to fetch.
    const readImageId = randomUUID();
    await deliver(handler, [envelopeFor(sharinpixImageEvent('new_image', readImageId))]);

    const { throughput, tables: throughputTables } = await measureWorkerThroughput(
      bundles,
      workDir,
      sizes.workerThroughputEvents,
      client,
      dynamoDbEndpoint,
    );
    const publisher = await measurePublisher(
      bundles,
      workDir,
      { dynamoDb: dynamoDbEndpoint, recordsTable: throughputTables.ours.records },
      client,
      streams,
    );
    const indexProjection = await measureIndexProjection(client, tableName);
    return {
      worker: { cases, throughput, indexProjection },
      changeEvents: { cases: changeCases, mix: changeEventsOfMix(changeCases), publisher },
      readTarget: { recordsTable: ours.records, vendor: 'sharinpix', imageId: readImageId },
    };
  } finally {
    client.destroy();
    streams.destroy();
  }
};
