import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { dynamoDbForBench } from './support/bench-dynamodb';
import { measureBundleSizes } from './measure/bundle-sizes';
import { measureColdInit } from './measure/cold-init';
import { costModel } from './measure/cost-model';
import { measureEndToEnd } from './measure/end-to-end';
import { measureIngestCpu } from './measure/ingest-cpu';
import { logVolume } from './measure/log-volume';
import { memoryCurves } from './measure/memory-curves';
import { measurePayloadSizes } from './measure/payload-sizes';
import { measureReadCpu } from './measure/read-cpu';
import { measureWorker } from './measure/worker-efficiency';
import { evaluateGoals } from './report/goals';
import { RESULTS_VERSION, type Results, ResultsSchema } from './report/results-schema';
import { formatResultsTable } from './report/results-table';
import { FULL_SIZES, QUICK_SIZES } from './support/bench-sizes';
import { buildBundles } from './support/build-bundles';
import { round } from './support/stats';

/** Where the results go unless `--out` says otherwise (git-ignored). */
const DEFAULT_OUT = join(__dirname, 'results.json');

const progress = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

/**
 * `npm run bench [-- --quick] [--out FILE]`: the six measurements side by side in one run (this
 * machine is noisy, so ratios against floors measured in the same run are the headline), one
 * table on stdout, every figure in `bench/results.json`.
 */
const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } },
  });
  const quick = values.quick === true;
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  const out = resolve(values.out ?? DEFAULT_OUT);
  // Lambda runs Node 24, where the SDK's Node-version warning never fires.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'vendor-webhooks-bench-'));
  const dynamoDb = await dynamoDbForBench();
  try {
    progress('1/6 building the bundles with the deployed esbuild options');
    const bundles = await buildBundles(join(workDir, 'bundles'));
    const bundleSizes = measureBundleSizes(bundles);
    progress(`2/6 cold init: ${sizes.coldInitRuns} fresh node processes per bundle`);
    const coldInit = await measureColdInit(bundles, workDir, sizes.coldInitRuns);
    progress(
      `3/6 ingest CPU: ${sizes.cpuProcesses} processes of ${sizes.cpuRounds} alternating rounds against the floor`,
    );
    const ingestCpu = await measureIngestCpu(bundles, workDir, sizes);
    progress(
      '4/6 worker: units, calls, events per second and change events against DynamoDB Local',
    );
    const { worker, changeEvents, readTarget } = await measureWorker(
      bundles,
      workDir,
      sizes,
      dynamoDb.endpoint,
    );
    progress('4/6 read CPU per GET, and the body-size costs (ingest CPU, queue, ledger)');
    const readCpu = await measureReadCpu(bundles, workDir, sizes, dynamoDb.endpoint, readTarget);
    const payloadSizes = await measurePayloadSizes(bundles, workDir, sizes, dynamoDb.endpoint);
    progress(`5/6 end to end: the local stack at concurrency ${sizes.e2eConcurrency}`);
    const endToEnd = await measureEndToEnd(workDir, sizes, (scenario) => {
      const found = changeEvents.cases.find((item) => item.scenario === scenario);
      if (found === undefined) throw new Error(`no change event count for ${scenario}`);
      return found.imageRecordChanged + found.collectionCompleted;
    });
    progress('6/6 cost model, memory curves and log volume');
    const cost = costModel(ingestCpu, worker, changeEvents);
    const memory = memoryCurves(ingestCpu, worker, changeEvents, readCpu);
    const logs = logVolume(ingestCpu, worker, changeEvents);
    const measured: Omit<Results, 'goals'> = {
      version: RESULTS_VERSION,
      mode: quick ? 'quick' : 'full',
      startedAt: new Date(started).toISOString(),
      durationSeconds: round((Date.now() - started) / 1000, 1),
      machine: { node: process.version, cpus: cpus().length, platform: process.platform },
      bundles: bundleSizes,
      coldInit,
      ingestCpu,
      worker,
      changeEvents,
      endToEnd,
      cost,
      memory,
      payloadSizes,
      logs,
    };
    const results: Results = v.parse(ResultsSchema, {
      ...measured,
      goals: evaluateGoals(measured),
    });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${formatResultsTable(results)}\nResults: ${out}\n`);
  } finally {
    await dynamoDb.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
