import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as v from 'valibot';
import { type Results, ResultsSchema } from '../../../bench/report/results-schema';

const run = promisify(execFile);
const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

/** The quick run starts its own local stack and bundles everything: generous, never asserted. */
const QUICK_RUN_TIMEOUT_MS = 240_000;

/**
 * `npm run bench -- --quick` as a smoke test: it must finish, print its table and write a results
 * file whose every figure exists. Figures are never compared with a speed; this only proves the
 * benchmark still measures everything it claims to.
 */
describe('npm run bench -- --quick', () => {
  let directory: string;
  let results: Results;
  let stdout: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'bench-quick-'));
    const out = join(directory, 'results.json');
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    ({ stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/run-bench.ts', '--quick', '--out', out],
      { cwd: REPOSITORY_ROOT, env, maxBuffer: 16 * 1024 * 1024, timeout: QUICK_RUN_TIMEOUT_MS },
    ));
    results = v.parse(ResultsSchema, JSON.parse(readFileSync(out, 'utf8')));
  }, QUICK_RUN_TIMEOUT_MS + 10_000);

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes a quick-mode results file and prints one table with every goal', () => {
    // Prepare
    const tableRows = stdout.split('\n').filter((line) => line.startsWith('| '));

    // Act
    const goalNames = results.goals.map((goal) => goal.goal);

    // Assess
    expect(results.mode).toBe('quick');
    expect(tableRows[0]).toMatch(
      /^\| measurement +\| case +\| ours +\| reference \/ floor +\| goal +\|$/,
    );
    expect(tableRows.length).toBeGreaterThan(30);
    expect(goalNames).toEqual(
      expect.arrayContaining([
        'bundle ingest-spyne',
        'cold init ingest-sharinpix',
        'cost per million webhooks',
        'worker events per second',
        'end to end, 16 clients',
        'CloudWatch Logs per webhook',
      ]),
    );
    // 7 bundles, 4 ingest cold starts, 4 ingest CPU cases, cost, worker, end to end and logs; the
    // run's own length is a goal of full runs only.
    expect(results.goals).toHaveLength(19);
  });

  it('measures every bundle with its five largest contributors, and its cold start', () => {
    // Act
    const bundles = results.bundles.map((bundle) => [bundle.name, bundle.top.length]);
    const starts = results.coldInit.bundles.map((bundle) => bundle.name);

    // Assess
    expect(bundles).toEqual([
      ['ingest-spyne', 5],
      ['ingest-sharinpix', 5],
      ['ingest-image-intelligence', 5],
      ['ingest-cloudinary', 5],
      ['worker', 5],
      ['read', 5],
      ['publisher', 5],
    ]);
    for (const bundle of results.bundles) expect(bundle.bytes).toBeGreaterThan(10_000);
    expect(starts).toEqual(results.bundles.map((bundle) => bundle.name));
    for (const start of results.coldInit.bundles) expect(start.medianMs).toBeGreaterThan(0);
    expect(results.coldInit.helloMs).toBeGreaterThan(0);
  });

  it('measures ingest CPU against the floor for every ingest function, small and 100-image bodies', () => {
    // Act
    const cases = results.ingestCpu.cases;

    // Assess
    expect(cases.map((item) => item.name)).toEqual(
      expect.arrayContaining(['sharinpix new_image (small)', 'spyne SKU, 100 images (JWT)']),
    );
    expect(cases.map((item) => item.functionName)).toEqual([
      'ingest-sharinpix',
      'ingest-spyne',
      'ingest-image-intelligence',
      'ingest-cloudinary',
    ]);
    expect(results.ingestCpu.processes).toBe(1);
    for (const item of cases) {
      expect(item.oursMicros).toBeGreaterThan(0);
      expect(item.floorMicros).toBeGreaterThan(0);
      expect(item.logBytes).toBeGreaterThan(0);
      expect(item.ratioMin).toBeLessThanOrEqual(item.ratio);
      expect(item.ratioMax).toBeGreaterThanOrEqual(item.ratio);
    }
  });

  it('counts worker units from DynamoDB, with the floor beside them', () => {
    // Act
    const byKind = (kind: 'new' | 'update' | 'duplicate') =>
      results.worker.cases.filter((item) => item.kind === kind);

    // Assess
    for (const item of byKind('new')) {
      expect(item.writeUnits).toBeGreaterThanOrEqual(item.images + 1);
      expect(item.dynamoDbCalls).toBeGreaterThanOrEqual(item.images + 1);
      expect(item.floorWriteUnits).toBeGreaterThanOrEqual(item.images + 1);
    }
    expect(byKind('update').length).toBeGreaterThan(0);
    expect(byKind('duplicate').map((item) => item.dynamoDbCalls)).toEqual([1]);
    expect(results.worker.throughput.events).toBeGreaterThan(0);
    expect(results.worker.throughput.eventsPerSecond).toBeGreaterThan(0);
    expect(results.worker.indexProjection.pageReadUnitsKeysOnly).toBeGreaterThan(0);
  });

  it('counts the change events each kind of webhook yields, by publishing its stream records', () => {
    // Prepare
    const images = new Map(results.worker.cases.map((item) => [item.name, item]));
    const completing = ['spyne-sku-8', 'spyne-sku-100', 'ii-completed-4-new', 'ii-completed-4'];

    // Act
    const { cases, mix, publisher } = results.changeEvents;

    // Assess
    expect(cases.map((item) => item.name)).toEqual(results.worker.cases.map((item) => item.name));
    for (const item of cases) {
      const worker = images.get(item.name);
      expect(item.imageRecordChanged).toBe(worker?.images);
      expect(item.collectionCompleted).toBe(completing.includes(item.scenario) ? 1 : 0);
      expect(item.streamRecords).toBeGreaterThanOrEqual(
        item.imageRecordChanged + item.collectionCompleted,
      );
      expect(item.billedEvents).toBe(item.imageRecordChanged + item.collectionCompleted);
      expect(item.outboxWriteUnits).toBe(item.collectionCompleted);
      if (item.collectionCompleted > 0) expect(item.publisherReadUnits).toBeGreaterThan(0);
    }
    expect(mix.total).toBeGreaterThan(0);
    expect(mix.total).toBeCloseTo(mix.imageRecordChanged + mix.collectionCompleted, 3);
    expect(publisher.streamRecords).toBeGreaterThan(0);
    expect(publisher.events).toBeGreaterThan(0);
    expect(publisher.events).toBeLessThanOrEqual(publisher.streamRecords);
    expect(publisher.cpuMicrosPerBatch).toBeGreaterThan(0);
  });

  it('receives every change event of each webhook through --forward-changes', () => {
    // Act
    const { endToEnd } = results;

    // Assess
    expect(endToEnd.changeRequests).toBeGreaterThan(0);
    expect(endToEnd.changeEventsExpected).toBeGreaterThanOrEqual(endToEnd.changeRequests);
    expect(endToEnd.changeEventsReceived).toBe(endToEnd.changeEventsExpected);
    expect(endToEnd.webhooksMissingChanges).toBe(0);
    expect(endToEnd.ackToFirstChangeP50Ms).toBeGreaterThan(0);
    expect(endToEnd.ackToAllChangesP50Ms).toBeGreaterThan(0);
  });

  it('runs the local stack end to end and prices the mix', () => {
    // Act
    const { endToEnd, cost } = results;

    // Assess
    expect(endToEnd.failures).toBe(0);
    expect(endToEnd.requests).toBeGreaterThan(0);
    expect(endToEnd.visibleP50Ms).toBeGreaterThan(0);
    expect(cost.lines.map((line) => line.item)).toEqual([
      'API Gateway HTTP API',
      'Lambda requests',
      'Lambda ingest GB-s',
      'Lambda worker GB-s',
      'SQS requests',
      'DynamoDB writes',
      'DynamoDB reads',
    ]);
    expect(cost.imagesPerWebhook).toBe(3);
    expect(cost.restApiTotalPerMillion).toBeGreaterThan(cost.totalPerMillion);
    expect(cost.changeLines.map((line) => line.item)).toEqual([
      'DynamoDB Streams reads',
      'DynamoDB writes: completion outbox',
      'Lambda publisher requests',
      'Lambda publisher GB-s',
      'DynamoDB reads: completion counts',
      'EventBridge custom events',
    ]);
    expect(cost.changeLines[0]?.dollarsPerMillion).toBe(0);
    expect(cost.changeEventsPerMillion).toBeGreaterThan(0);
    expect(cost.totalWithChangesPerMillion).toBeGreaterThan(cost.totalPerMillion);
    expect(stdout).toContain('TOTAL per million webhooks with change events');
  });

  it('draws a memory curve for every function and marks its knee beside the configured memory', () => {
    // Prepare
    const steps = [128, 256, 512, 1024, 1536, 2048];

    // Act
    const { functions, readCpu } = results.memory;

    // Assess
    expect(functions.map((curve) => curve.name)).toEqual([
      'ingest-sharinpix',
      'ingest-spyne',
      'ingest-image-intelligence',
      'ingest-cloudinary',
      'worker',
      'read',
      'publisher',
    ]);
    expect(readCpu.oursMicros).toBeGreaterThan(0);
    expect(readCpu.logBytes).toBeGreaterThanOrEqual(0);
    for (const curve of functions) {
      expect(curve.points.map((point) => point.memoryMb)).toEqual(steps);
      expect(steps).toContain(curve.recommendedMb);
      expect(steps).toContain(curve.configuredMb);
      expect(curve.cpuMicros).toBeGreaterThan(0);
      expect(curve.ioWaitMs).toBeGreaterThan(0);
      const durations = curve.points.map((point) => point.durationMs);
      expect(durations).toEqual([...durations].sort((a, b) => b - a));
      for (const point of curve.points) {
        expect(point.billedMs).toBeGreaterThanOrEqual(point.durationMs);
        expect(point.dollarsPerMillion).toBeGreaterThan(0.2);
      }
    }
    expect(stdout).toContain('Memory (modelled from the measured CPU');
  });

  it('prices bodies of 1 KiB to 1 MiB carried and by claim-check, the 1 MiB one queued compressed', () => {
    // Act
    const { rows, scan, crossoverAboveBytes } = results.payloadSizes;

    // Assess
    expect(rows.map((row) => row.label)).toEqual([
      '1 KiB',
      '64 KiB',
      '256 KiB',
      '512 KiB',
      '1 MiB',
    ]);
    expect(rows.map((row) => row.accepted)).toEqual([true, true, true, true, true]);
    // Only the body at the limit needs its payload compressed to fit the queue.
    const [, , , half, limit] = rows;
    expect(half?.envelopeBytes).toBeGreaterThan((half?.bodyBytes ?? 0) / 2);
    expect(limit?.envelopeBytes).toBeLessThan((limit?.bodyBytes ?? 0) / 2);
    expect(rows.map((row) => row.httpApiRequests)).toEqual([1, 1, 1, 1, 2]);
    expect(rows.map((row) => row.ingestCpuMeasured)).toEqual([true, true, true, true, true]);
    const limits = [1, 64, 256, 512, 1024].map((kib) => kib * 1024);
    rows.forEach((row, index) => {
      expect(row.bodyBytes).toBeLessThanOrEqual(limits[index] ?? 0);
      expect(row.archiveBytes).toBeLessThan(row.envelopeBytes);
      // The ledger's one write per event, its completion, which carries the archive.
      expect(row.ledgerWriteUnits).toBeGreaterThanOrEqual(Math.ceil(row.archiveBytes / 1024));
      expect(row.claimCheck.s3).toBeCloseTo(5.4, 3);
      expect(row.carried.s3).toBe(0);
    });
    const units = rows.map((row) => row.ledgerWriteUnits);
    expect(units).toEqual([...units].sort((a, b) => a - b));
    expect(rows[1]?.sqsRequests).toBeGreaterThan(rows[0]?.sqsRequests ?? Infinity);
    expect(scan.length).toBeGreaterThan(10);
    expect(crossoverAboveBytes).toBeGreaterThan(0);
    expect(stdout).toContain('Cost by body size');
  });

  it('counts CloudWatch Logs bytes per webhook of ingest, worker, publisher and platform, on their own line', () => {
    // Act
    const { logs, cost } = results;

    // Assess
    expect(logs.ingestBytes).toBeGreaterThan(0);
    expect(logs.workerBytes).toBeGreaterThan(0);
    expect(logs.platformBytes).toBeGreaterThan(0);
    expect(logs.totalBytes).toBeCloseTo(
      logs.ingestBytes + logs.workerBytes + logs.publisherBytes + logs.platformBytes,
      -1,
    );
    expect(logs.dollarsPerMillion).toBeGreaterThan(0);
    expect(cost.notCounted.map((line) => line.item)).not.toContain('CloudWatch Logs ingestion');
    expect(stdout).toContain('CloudWatch Logs, outside the ratio');
    // The access log line of the deployed format, beside the total and not in it.
    expect(logs.accessLogBytes).toBeGreaterThan(300);
    expect(logs.accessLogBytes).toBeLessThan(700);
    expect(logs.accessLogDollarsPerMillion).toBeGreaterThan(0);
    expect(stdout).toContain('API Gateway access log, beside it');
  });
});
