import { toHttpApiEvent } from '../../local/gateway/http-api-event';
import type { CpuCase } from '../report/results-schema';
import type { BenchSizes } from '../support/bench-sizes';
import type { BuiltBundles } from '../support/build-bundles';
import { lambdaLikeEnvironment } from '../support/lambda-environment';
import { probeCpuCases } from './ingest-cpu';

/** A record the worker wrote, for the read function to fetch. */
export interface ReadTarget {
  readonly recordsTable: string;
  readonly vendor: string;
  readonly imageId: string;
}

/**
 * The read function's CPU per warm `GET /images/{vendor}/{imageId}` of one existing record: the
 * deployed read bundle through the CPU probe, with its real DynamoDB client against DynamoDB Local
 * (in another process), beside the hello-world handler as its floor. Its memory curve is drawn from
 * this figure; a list page costs more, and is not measured here.
 */
export const measureReadCpu = async (
  bundles: BuiltBundles,
  workDir: string,
  sizes: BenchSizes,
  dynamoDbEndpoint: string,
  target: ReadTarget,
): Promise<CpuCase> => {
  const event = toHttpApiEvent({
    method: 'GET',
    rawPath: `/images/${target.vendor}/${encodeURIComponent(target.imageId)}`,
    rawQueryString: '',
    headers: { host: 'api.example.com' },
    body: Buffer.alloc(0),
    requestId: 'bench-read-cpu',
    timeEpoch: Date.now(),
    sourceIp: '203.0.113.10',
  });
  const [measured] = await probeCpuCases(bundles, workDir, {
    label: 'read',
    warmup: sizes.cpuWarmup,
    rounds: sizes.cpuRounds,
    processes: 1,
    environment: lambdaLikeEnvironment('read', {
      dynamoDb: dynamoDbEndpoint,
      recordsTable: target.recordsTable,
    }),
    cases: [
      {
        name: `read GET one ${target.vendor} record`,
        ours: bundles.get('read').file,
        floor: bundles.get('hello').file,
        iterations: sizes.cpuIterationsSmall,
        event,
      },
    ],
  });
  if (measured === undefined) throw new Error('the read CPU probe measured nothing');
  return measured;
};
