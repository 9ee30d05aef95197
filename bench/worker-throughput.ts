import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../local/servers/dynamodb-local';
import { dynamoDbForBench } from './support/bench-dynamodb';
import { measureWorkerThroughput } from './measure/worker-efficiency';
import { FULL_SIZES } from './support/bench-sizes';
import { buildBundles } from './support/build-bundles';

/**
 * `npm run bench:worker [-- --events N] [--rounds N] [--cpu-prof DIR]`: only the worker's events per second
 * against the floor worker (measurement 4's throughput), in about a minute instead of the whole
 * bench's four. Each round runs both bundles on fresh tables; the ratio of each round is printed,
 * because this machine's noise moves both sides of one round together. `--cpu-prof DIR` writes
 * a V8 CPU profile of the worker's process per round into DIR (open it in Chrome's DevTools).
 */
const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      rounds: { type: 'string', default: '1' },
      'cpu-prof': { type: 'string' },
    },
  });
  const events = Number(values.events ?? FULL_SIZES.workerThroughputEvents);
  const rounds = Number(values.rounds);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const workDir = mkdtempSync(join(tmpdir(), 'vendor-webhooks-bench-worker-'));
  const dynamoDb = await dynamoDbForBench();
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoDb.endpoint });
  try {
    const bundles = await buildBundles(join(workDir, 'bundles'));
    for (let round = 1; round <= rounds; round += 1) {
      const { throughput } = await measureWorkerThroughput(
        bundles,
        workDir,
        events,
        client,
        dynamoDb.endpoint,
        values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
      );
      const ratio = throughput.eventsPerSecond / throughput.floorEventsPerSecond;
      process.stdout.write(
        `round ${round}: ${JSON.stringify(throughput)} ratio ${ratio.toFixed(2)}\n`,
      );
    }
  } finally {
    client.destroy();
    await dynamoDb.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
