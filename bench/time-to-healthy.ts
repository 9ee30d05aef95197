import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES_CACHE_DIR } from '../local/iam/function-roles';
import { HANDLER_BUNDLES_DIR } from '../local/lambda/handler-bundles';
import { freePort } from '../local/servers/free-port';
import { spawnLocalStack } from '../local/stack/spawn-local-stack';
import { median, round } from './support/stats';

/**
 * The three ways `npm start` can come up: without IAM (the floor); with IAM, the roles and the
 * handler bundles read from their caches (any start after the first on the same sources); and with
 * IAM on a cold cache, as after an edit under `shared/` (the CDK app synthesized in process and
 * the handlers bundled before the threads can start).
 */
const MODES = {
  'no-iam': { label: '--no-iam (floor)', args: ['--no-iam'], clearCache: false },
  'iam-cached': { label: 'IAM, cached', args: [], clearCache: false },
  'iam-cold': { label: 'IAM, cold cache', args: [], clearCache: true },
} as const;
type Mode = keyof typeof MODES;
const MODE_NAMES = Object.keys(MODES) as Mode[];

/** What the stack logs about its roles: `(cached in 3 ms)` or `(synthesized in 4091 ms)`. */
const ROLES_LINE = /role read from the CDK app \((cached|synthesized) in (\d+) ms\)/;
/** What the stack logs about the handler bundles: `(cached in 30 ms)` or `(built in 900 ms)`. */
const BUNDLES_LINE =
  /bundled as for Lambda, to run in a thread of its own \((cached|built) in (\d+) ms\)/;

interface Start {
  readonly mode: Mode;
  readonly healthyMs: number;
  /** How long reading the roles and the bundles took, from the stack's log (IAM modes only). */
  readonly rolesMs: number | undefined;
  readonly bundlesMs: number | undefined;
}

const progress = (message: string): void => {
  process.stderr.write(`[time-to-healthy ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

/** One `npm start -- --in-memory` on free ports, from spawn to the first 200 on `/health`. */
const startOnce = async (mode: Mode): Promise<Start> => {
  const spec = MODES[mode];
  if (spec.clearCache) {
    rmSync(ROLES_CACHE_DIR, { recursive: true, force: true });
    rmSync(HANDLER_BUNDLES_DIR, { recursive: true, force: true });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'time-to-healthy-'));
  const [port, dynamoDbPort, sqsPort] = [await freePort(), await freePort(), await freePort()];
  let output = '';
  try {
    const stack = await spawnLocalStack({
      dataDir,
      ports: { port, dynamoDbPort, sqsPort },
      args: ['--in-memory', ...spec.args],
      onOutput: (_stream, text) => {
        output = (output + text).slice(-20_000);
      },
      describe: () => output.slice(-4000),
      healthyWithinMs: 300_000,
    });
    await stack.stop('SIGTERM');
    const roles = ROLES_LINE.exec(output);
    const bundles = BUNDLES_LINE.exec(output);
    const iam = spec.args.length === 0;
    const expected = !iam
      ? [undefined, undefined]
      : spec.clearCache
        ? ['synthesized', 'built']
        : ['cached', 'cached'];
    if (roles?.[1] !== expected[0] || bundles?.[1] !== expected[1]) {
      throw new Error(
        `${mode}: expected roles ${expected[0] ?? 'unread'} and bundles ${expected[1] ?? 'unused'}, the stack said: ${roles?.[0] ?? '-'}; ${bundles?.[0] ?? '-'}`,
      );
    }
    return {
      mode,
      healthyMs: stack.timeToHealthyMs,
      rolesMs: roles?.[2] === undefined ? undefined : Number(roles[2]),
      bundlesMs: bundles?.[2] === undefined ? undefined : Number(bundles[2]),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

const table = (rows: readonly (readonly string[])[]): string => {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  '),
    )
    .join('\n');
};

/**
 * `npm run bench:start [-- --runs N]`: how long `npm start` takes to answer 200 on `/health` with
 * IAM enforced, against the same start without it, measured in one run. Starts are interleaved
 * (each round runs every mode, in an order that rotates), so load on a shared machine falls on
 * every mode alike; the headline is each mode's median as a ratio to the `--no-iam` median and as
 * seconds added, set against the budget (IAM may add at most 3 s). The cold mode deletes this
 * checkout's role and bundle caches, which would pull them from under a stack starting beside it:
 * run it alone.
 */
const main = async (): Promise<void> => {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const loadBefore = loadavg()[0] ?? 0;
  progress('warm-up start (IAM), not counted: fills the caches');
  await startOnce('iam-cold');
  const starts: Start[] = [];
  for (let round = 0; round < runs; round += 1) {
    const order = MODE_NAMES.map((_, index) => MODE_NAMES[(index + round) % MODE_NAMES.length]);
    for (const mode of order) {
      if (mode === undefined) continue;
      const start = await startOnce(mode);
      starts.push(start);
      progress(
        `round ${round + 1}/${runs} ${mode}: healthy in ${start.healthyMs} ms` +
          (start.rolesMs === undefined
            ? ''
            : ` (roles ${start.rolesMs} ms, bundles ${start.bundlesMs ?? '-'} ms)`),
      );
    }
  }
  const loadAfter = loadavg()[0] ?? 0;
  const healthyOf = (mode: Mode) =>
    starts.filter((start) => start.mode === mode).map((start) => start.healthyMs);
  const floor = median(healthyOf('no-iam'));
  const rows = [
    ['mode', 'median s', 'min s', 'max s', 'ratio', 'added s', 'roles ms', 'bundles ms'],
    ...MODE_NAMES.map((mode) => {
      const samples = healthyOf(mode);
      const value = median(samples);
      const medianOf = (pick: (start: Start) => number | undefined): string => {
        const values = starts.flatMap((start) => {
          const picked = start.mode === mode ? pick(start) : undefined;
          return picked === undefined ? [] : [picked];
        });
        return values.length === 0 ? '-' : String(median(values));
      };
      return [
        MODES[mode].label,
        seconds(value),
        seconds(Math.min(...samples)),
        seconds(Math.max(...samples)),
        `${round(value / floor, 2).toFixed(2)}x`,
        mode === 'no-iam' ? '-' : seconds(value - floor),
        medianOf((start) => start.rolesMs),
        medianOf((start) => start.bundlesMs),
      ];
    }),
  ];
  console.log(
    `npm start, time to healthy: ${runs} starts per mode, interleaved; ` +
      `1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
  );
  console.log(table(rows));
  const added = (mode: Mode) => median(healthyOf(mode)) - floor;
  console.log(
    `IAM budget (at most 3 s added): cached +${seconds(added('iam-cached'))} s, ` +
      `cold cache +${seconds(added('iam-cold'))} s (medians against the floor)`,
  );
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
