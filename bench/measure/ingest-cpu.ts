import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import {
  freshIds,
  httpEventOf,
  imageIntelligenceJobEvent,
  sharinpixImageEvent,
  spyneSkuEvent,
} from '../inputs/bench-bodies';
import type { IngestCpuResult } from '../report/results-schema';
import type { BuiltBundles } from '../support/build-bundles';
import type { BenchSizes } from '../support/bench-sizes';
import { runProbe, startStubServer } from '../support/child-process';
import { lambdaLikeEnvironment } from '../support/lambda-environment';
import { round } from '../support/stats';

const ProbeAnswerSchema = v.variant('ok', [
  v.object({
    ok: v.literal(true),
    results: v.array(
      v.object({
        name: v.string(),
        floorMicros: v.number(),
        oursMicros: v.number(),
        ratio: v.number(),
        logBytes: v.number(),
      }),
    ),
  }),
  v.object({ ok: v.literal(false), error: v.string() }),
]);

/**
 * Measurement 3: CPU per warm ingest request through the real handler bundle and the real SDK
 * client, against the floor (JSON.parse plus one SendMessage with the same client). The SQS
 * endpoint is a stub server in another process, so only the handler's process is measured.
 * Cases: a small SharinPix `new_image` body and a signed 100-image Spyne SKU.
 */
export const measureIngestCpu = async (
  bundles: BuiltBundles,
  workDir: string,
  sizes: BenchSizes,
): Promise<IngestCpuResult> => {
  const cases = [
    {
      name: 'sharinpix new_image (small)',
      bundle: 'ingest-sharinpix' as const,
      file: sharinpixImageEvent('new_image'),
      iterations: sizes.cpuIterationsSmall,
    },
    {
      name: 'spyne SKU, 100 images (JWT)',
      bundle: 'ingest-spyne' as const,
      file: spyneSkuEvent(100),
      iterations: sizes.cpuIterationsLarge,
    },
    {
      name: 'image-intelligence job, 3 images',
      bundle: 'ingest-image-intelligence' as const,
      file: imageIntelligenceJobEvent('COMPLETED_SUCCESSFULLY', randomUUID(), freshIds(3)),
      iterations: sizes.cpuIterationsSmall,
    },
  ];
  const stub = await startStubServer(bundles.get('sqs-stub-server').file);
  try {
    const plan = {
      warmup: sizes.cpuWarmup,
      rounds: sizes.cpuRounds,
      cases: cases.map((testCase, index) => ({
        name: testCase.name,
        ours: bundles.get(testCase.bundle).file,
        floor: bundles.get('ingest-floor').file,
        iterations: testCase.iterations,
        event: httpEventOf(testCase.file, `bench-cpu-${index}`),
      })),
    };
    const planFile = join(workDir, 'ingest-cpu-plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const answer = v.parse(
      ProbeAnswerSchema,
      await runProbe(
        bundles.get('ingest-cpu-probe').file,
        [planFile],
        lambdaLikeEnvironment('ingest-sharinpix', { awsStub: stub.endpoint }),
      ),
    );
    if (!answer.ok) throw new Error(`ingest CPU probe failed: ${answer.error}`);
    return {
      rounds: sizes.cpuRounds,
      cases: answer.results.map((result, index) => ({
        name: result.name,
        bodyBytes: Buffer.byteLength(plan.cases[index]?.event.body ?? ''),
        oursMicros: round(result.oursMicros, 0),
        floorMicros: round(result.floorMicros, 0),
        ratio: round(result.ratio),
        logBytes: round(result.logBytes, 0),
      })),
    };
  } finally {
    await stub.stop();
  }
};
