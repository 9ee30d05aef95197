import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import {
  cloudinaryUploadEvent,
  freshIds,
  httpEventOf,
  imageIntelligenceJobEvent,
  sharinpixImageEvent,
  spyneSkuEvent,
} from '../inputs/bench-bodies';
import type { CpuCase, IngestCpuResult } from '../report/results-schema';
import type { BuiltBundles } from '../support/build-bundles';
import type { BenchSizes } from '../support/bench-sizes';
import { runProbe, startStubServer } from '../support/child-process';
import { lambdaLikeEnvironment } from '../support/lambda-environment';
import { median, round } from '../support/stats';

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

type ProbeResult = Extract<
  v.InferOutput<typeof ProbeAnswerSchema>,
  { ok: true }
>['results'][number];

/** One case of the CPU probe: a handler bundle and its floor, fed one event `iterations` times. */
export interface CpuProbeCase {
  readonly name: string;
  readonly ours: string;
  readonly floor: string;
  readonly iterations: number;
  readonly event: APIGatewayProxyEventV2;
}

/**
 * Runs the CPU probe over `cases` in `processes` fresh processes one after another, with the
 * Lambda environment of `environment`; each figure is the median over processes. Shared by the
 * ingest measurement, the read function's CPU and the ingest CPU by body size.
 */
export const probeCpuCases = async (
  bundles: BuiltBundles,
  workDir: string,
  run: {
    readonly label: string;
    readonly warmup: number;
    readonly rounds: number;
    readonly processes: number;
    readonly environment: NodeJS.ProcessEnv;
    readonly cases: readonly CpuProbeCase[];
  },
): Promise<CpuCase[]> => {
  const planFile = join(workDir, `${run.label}-cpu-plan.json`);
  writeFileSync(
    planFile,
    JSON.stringify({ warmup: run.warmup, rounds: run.rounds, cases: run.cases }),
  );
  const processes: ProbeResult[][] = [];
  for (let index = 0; index < run.processes; index += 1) {
    const answer = v.parse(
      ProbeAnswerSchema,
      await runProbe(bundles.get('ingest-cpu-probe').file, [planFile], run.environment),
    );
    if (!answer.ok) throw new Error(`${run.label} CPU probe failed: ${answer.error}`);
    processes.push(answer.results);
  }
  return run.cases.map((testCase, index) => {
    const results = processes.flatMap((results) => results[index] ?? []);
    const ratios = results.map((result) => result.ratio);
    return {
      name: testCase.name,
      bodyBytes: Buffer.byteLength(testCase.event.body ?? ''),
      oursMicros: round(median(results.map((result) => result.oursMicros)), 0),
      floorMicros: round(median(results.map((result) => result.floorMicros)), 0),
      ratio: round(median(ratios)),
      ratioMin: round(Math.min(...ratios)),
      ratioMax: round(Math.max(...ratios)),
      logBytes: round(median(results.map((result) => result.logBytes)), 0),
    };
  });
};

/**
 * Measurement 3: CPU per warm ingest request through the real handler bundle and its real SQS
 * client (the lean JSON client in `shared/aws/`), against the floor (JSON.parse plus one
 * SendMessage with the same client). One more pair, run in the same processes, is a reference:
 * the floor with the AWS SDK's SQS client against the lean floor, on the small SharinPix body. The SQS
 * endpoint is a stub server in another process, so only the handler's process is measured.
 * Cases: a small SharinPix `new_image` body, a signed 100-image Spyne SKU, a 3-image Image
 * Intelligence job and a signed Cloudinary `upload`, one per ingest function. The probe runs in
 * `cpuProcesses` fresh processes one after another; each reports its median per-round ratio, and
 * the figure is the median over processes.
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
    {
      name: 'cloudinary upload (signed)',
      bundle: 'ingest-cloudinary' as const,
      file: cloudinaryUploadEvent(),
      iterations: sizes.cpuIterationsSmall,
    },
  ];
  const referenceEvent = httpEventOf(sharinpixImageEvent('new_image'), 'bench-cpu-sdk-floor');
  const stub = await startStubServer(bundles.get('sqs-stub-server').file);
  try {
    const [reference, ...measured] = await probeCpuCases(bundles, workDir, {
      label: 'ingest',
      warmup: sizes.cpuWarmup,
      rounds: sizes.cpuRounds,
      processes: sizes.cpuProcesses,
      environment: lambdaLikeEnvironment('ingest-sharinpix', { awsStub: stub.endpoint }),
      cases: [
        {
          name: "floor with the SDK's SQS client",
          ours: bundles.get('ingest-floor-sdk').file,
          floor: bundles.get('ingest-floor').file,
          iterations: sizes.cpuIterationsSmall,
          event: referenceEvent,
        },
        ...cases.map((testCase, index) => ({
          name: testCase.name,
          ours: bundles.get(testCase.bundle).file,
          floor: bundles.get('ingest-floor').file,
          iterations: testCase.iterations,
          event: httpEventOf(testCase.file, `bench-cpu-${index}`),
        })),
      ],
    });
    return {
      rounds: sizes.cpuRounds,
      processes: sizes.cpuProcesses,
      ...(reference === undefined ? {} : { sdkFloorReference: reference }),
      cases: measured.map((item, index) => ({
        ...item,
        functionName: cases[index]?.bundle ?? 'ingest-sharinpix',
      })),
    };
  } finally {
    await stub.stop();
  }
};
