import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES_CACHE_DIR } from '../local/iam/function-roles';
import { freePort } from '../local/servers/free-port';
import { spawnLocalStack } from '../local/stack/spawn-local-stack';
import { median, round } from './support/stats';

/**
 * The three ways `npm start` can come up: without IAM (the floor), with IAM and the roles read
 * from the cache (any start after the first with the same `infra/`), and with IAM after a change
 * under `infra/` or `shared/` (the CDK app synthesized in process before the roles are known).
 */
const MODES = {
  'no-iam': { label: '--no-iam (floor)', args: ['--no-iam'], clearCache: false },
  'iam-cached': { label: 'IAM, roles cached', args: [], clearCache: false },
  'iam-synth': { label: 'IAM, roles synthesized', args: [], clearCache: true },
} as const;
type Mode = keyof typeof MODES;
const MODE_NAMES = Object.keys(MODES) as Mode[];

/** What the stack logs about its roles: `(cached in 3 ms)` or `(synthesized in 4091 ms)`. */
const ROLES_LINE = /role read from the CDK app \((cached|synthesized) in (\d+) ms\)/;

interface Start {
  readonly mode: Mode;
  readonly healthyMs: number;
  /** How long reading the roles took, from the stack's own log line (IAM modes only). */
  readonly rolesMs: number | undefined;
}

const progress = (message: string): void => {
  process.stderr.write(`[time-to-healthy ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

/** One `npm start -- --in-memory` on free ports, from spawn to the first 200 on `/health`. */
const startOnce = async (mode: Mode): Promise<Start> => {
  const spec = MODES[mode];
  if (spec.clearCache) rmSync(ROLES_CACHE_DIR, { recursive: true, force: true });
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
    const expected = spec.args.length > 0 ? undefined : spec.clearCache ? 'synthesized' : 'cached';
    if (roles?.[1] !== expected) {
      throw new Error(
        `${mode}: expected the roles ${expected ?? 'not to be read'}, the stack said: ${roles?.[0] ?? 'nothing'}`,
      );
    }
    return {
      mode,
      healthyMs: stack.timeToHealthyMs,
      rolesMs: roles?.[2] === undefined ? undefined : Number(roles[2]),
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
 * seconds added, set against the budget (IAM may add at most 3 s).
 */
const main = async (): Promise<void> => {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const loadBefore = loadavg()[0] ?? 0;
  progress('warm-up start (IAM), not counted: fills the roles cache');
  await startOnce('iam-synth');
  const starts: Start[] = [];
  for (let round = 0; round < runs; round += 1) {
    const order = MODE_NAMES.map((_, index) => MODE_NAMES[(index + round) % MODE_NAMES.length]);
    for (const mode of order) {
      if (mode === undefined) continue;
      const start = await startOnce(mode);
      starts.push(start);
      progress(
        `round ${round + 1}/${runs} ${mode}: healthy in ${start.healthyMs} ms` +
          (start.rolesMs === undefined ? '' : ` (roles ${start.rolesMs} ms)`),
      );
    }
  }
  const loadAfter = loadavg()[0] ?? 0;
  const healthyOf = (mode: Mode) =>
    starts.filter((start) => start.mode === mode).map((start) => start.healthyMs);
  const floor = median(healthyOf('no-iam'));
  const rows = [
    ['mode', 'median s', 'min s', 'max s', 'ratio', 'added s', 'roles read, median ms'],
    ...MODE_NAMES.map((mode) => {
      const samples = healthyOf(mode);
      const value = median(samples);
      const roles = starts.flatMap((start) =>
        start.mode === mode && start.rolesMs !== undefined ? [start.rolesMs] : [],
      );
      return [
        MODES[mode].label,
        seconds(value),
        seconds(Math.min(...samples)),
        seconds(Math.max(...samples)),
        `${round(value / floor, 2).toFixed(2)}x`,
        mode === 'no-iam' ? '-' : seconds(value - floor),
        roles.length === 0 ? '-' : String(median(roles)),
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
    `IAM budget (at most 3 s added): roles cached +${seconds(added('iam-cached'))} s, ` +
      `roles synthesized +${seconds(added('iam-synth'))} s (medians against the floor)`,
  );
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
