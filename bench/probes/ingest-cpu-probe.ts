import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { benchContext } from './bench-context';
import { type BundleHandler, loadBundleHandler } from './load-bundle-handler';
import { median } from '../support/stats';

/**
 * Child process of the ingest CPU measurement. It loads our ingest bundle and the floor bundle
 * side by side, warms both, then measures many short rounds of one block of warm requests through
 * each, in alternating order; the ratio is the median of the per-round ratios, so drift and noise
 * on a shared machine hit both sides of each pair alike. CPU is user + system
 * (`process.cpuUsage`) per request, reported over IPC. The
 * SQS endpoint is the stub server, in another process; stdout and stderr are counted (what the
 * handler would ship to CloudWatch Logs).
 */

const PlanSchema = v.object({
  warmup: v.number(),
  rounds: v.number(),
  cases: v.array(
    v.object({
      name: v.string(),
      ours: v.string(),
      floor: v.string(),
      iterations: v.number(),
      event: v.unknown(),
    }),
  ),
});
type Plan = v.InferOutput<typeof PlanSchema>;

const ResponseSchema = v.object({ statusCode: v.literal(200) });

/** Bytes the handlers wrote to stdout and stderr: Lambda ships both to CloudWatch Logs. */
let loggedBytes = 0;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    loggedBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

/** Runs `count` sequential requests; returns CPU µs per request and logged bytes per request. */
const block = async (
  handler: BundleHandler,
  event: unknown,
  count: number,
  functionName: string,
): Promise<{ micros: number; logBytes: number }> => {
  const bytesBefore = loggedBytes;
  const context = benchContext(functionName, 7000);
  const before = process.cpuUsage();
  for (let index = 0; index < count; index += 1) {
    const response = await handler(event, context);
    if (!v.is(ResponseSchema, response)) {
      throw new Error(`${functionName} answered ${JSON.stringify(response)}`);
    }
  }
  return { micros: cpuMicros(before) / count, logBytes: (loggedBytes - bytesBefore) / count };
};

const run = async (plan: Plan) => {
  const results = [];
  for (const testCase of plan.cases) {
    const ours = await loadBundleHandler(testCase.ours);
    const floor = await loadBundleHandler(testCase.floor);
    await block(floor, testCase.event, plan.warmup, 'floor');
    await block(ours, testCase.event, plan.warmup, 'ours');
    const floorMicros: number[] = [];
    const oursMicros: number[] = [];
    const ratios: number[] = [];
    const logBytes: number[] = [];
    for (let round = 0; round < plan.rounds; round += 1) {
      // Adjacent blocks, in alternating order, make one pair: a noisy moment hits both.
      const oursFirst = round % 2 === 1;
      const first = await block(oursFirst ? ours : floor, testCase.event, testCase.iterations, 'x');
      const second = await block(
        oursFirst ? floor : ours,
        testCase.event,
        testCase.iterations,
        'x',
      );
      const [oursBlock, floorBlock] = oursFirst ? [first, second] : [second, first];
      oursMicros.push(oursBlock.micros);
      floorMicros.push(floorBlock.micros);
      ratios.push(oursBlock.micros / floorBlock.micros);
      logBytes.push(oursBlock.logBytes);
    }
    results.push({
      name: testCase.name,
      floorMicros: median(floorMicros),
      oursMicros: median(oursMicros),
      ratio: median(ratios),
      logBytes: median(logBytes),
    });
  }
  return results;
};

const planFile = process.argv[2];
if (planFile === undefined) throw new Error('usage: ingest-cpu-probe <plan.json>');
run(v.parse(PlanSchema, JSON.parse(readFileSync(planFile, 'utf8'))))
  .then((results) => process.send?.({ ok: true, results }))
  .catch((error: unknown) =>
    process.send?.({ ok: false, error: error instanceof Error ? error.stack : String(error) }),
  )
  .finally(() => process.disconnect?.());
