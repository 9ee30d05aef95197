import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as v from 'valibot';
import { benchContext } from './bench-context';
import { loadBundleHandler } from './load-bundle-handler';

/**
 * Child process of the throughput measurements of the batch-fed functions: one bundle (the worker,
 * its floor, or the publisher), fed its event source's batches (SQS messages, or stream records)
 * one after another as one Lambda instance is, against DynamoDB Local. Reports wall time and this
 * process's CPU over IPC; DynamoDB Local's own CPU is another process's. Stdout is counted (what
 * the function would ship to CloudWatch Logs) and discarded. With `BENCH_CPU_PROFILE` set to a
 * file name, the measured batches run under V8's CPU profiler and the profile is written there
 * (`.cpuprofile`, for Chrome's DevTools) before the answer is sent: in-process, because the
 * parent stops the probe as soon as it answers, before `--cpu-prof` could write on exit.
 */

/** Runs `work` under the CPU profiler and writes the profile to `file`. */
const profiled = async <T>(file: string, work: () => Promise<T>): Promise<T> => {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
};

let stdoutBytes = 0;
process.stdout.write = ((chunk: string | Uint8Array) => {
  stdoutBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  return true;
}) as typeof process.stdout.write;

const BatchResponseSchema = v.object({
  batchItemFailures: v.array(v.object({ itemIdentifier: v.string() })),
});
const BatchesSchema = v.array(v.object({ Records: v.array(v.unknown()) }));

const run = async (
  bundleFile: string,
  batchesFile: string,
  functionName: string,
  timeoutMs: number,
) => {
  const batches = v.parse(BatchesSchema, JSON.parse(readFileSync(batchesFile, 'utf8')));
  const handler = await loadBundleHandler(bundleFile);
  // One batch first, outside the measurement: the first call pays for connections and JIT.
  const [first, ...rest] = batches;
  let failures = 0;
  const deliver = async (batch: unknown) => {
    const response = v.parse(
      BatchResponseSchema,
      await handler(batch, benchContext(functionName, timeoutMs)),
    );
    failures += response.batchItemFailures.length;
  };
  if (first) await deliver(first);
  const events = rest.reduce((sum, batch) => sum + batch.Records.length, 0);
  const stdoutBefore = stdoutBytes;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deliverAll = async () => {
    for (const batch of rest) await deliver(batch);
  };
  const profileFile = process.env.BENCH_CPU_PROFILE;
  await (profileFile ? profiled(profileFile, deliverAll) : deliverAll());
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    events,
    batches: rest.length,
    seconds,
    cpuMicros: cpu.user + cpu.system,
    logBytes: stdoutBytes - stdoutBefore,
    failures,
  };
};

const [bundleFile, batchesFile, functionName = 'worker', timeoutMs = '30000'] =
  process.argv.slice(2);
if (bundleFile === undefined || batchesFile === undefined) {
  throw new Error(
    'usage: batch-throughput-probe <bundle.mjs> <batches.json> [function name] [timeout ms]',
  );
}
run(bundleFile, batchesFile, functionName, Number(timeoutMs))
  .then((result) => process.send?.({ ok: true, ...result }))
  .catch((error: unknown) =>
    process.send?.({ ok: false, error: error instanceof Error ? error.stack : String(error) }),
  );
