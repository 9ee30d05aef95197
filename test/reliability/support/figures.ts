import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';

/**
 * What one suite proved, in numbers. Every suite reports the same columns (requests, 5xx, lost,
 * double-applied, latency, duration) so the closing table compares them at a glance, plus its own
 * details. `violations` lists every invariant the run missed, in words; the suite fails when it
 * is not empty, and the table shows it.
 */
export const SuiteFiguresSchema = v.object({
  suite: v.string(),
  order: v.number(),
  title: v.string(),
  seed: v.number(),
  requests: v.number(),
  serverErrors: v.number(),
  lost: v.number(),
  doubleApplied: v.number(),
  p50Ms: v.optional(v.number()),
  p99Ms: v.optional(v.number()),
  durationMs: v.number(),
  details: v.record(v.string(), v.union([v.number(), v.string()])),
  violations: v.array(v.string()),
});
export type SuiteFigures = v.InferOutput<typeof SuiteFiguresSchema>;

/** Where the global setup asks suites to leave their figures. */
export const FIGURES_DIR_VARIABLE = 'RELIABILITY_FIGURES_DIR';

/** The suites, in table order. */
export const SUITE_ORDER = [
  'fuzz',
  'auth',
  'duplicates',
  'reordering',
  'faults',
  'load',
  'integrity',
  'storage',
] as const;

/**
 * Records that a suite began, so the closing table can tell a suite that crashed or timed out
 * (started, no figures) from one that was not selected in this run.
 */
export const markSuiteStarted = (suite: string): void => {
  const dir = process.env[FIGURES_DIR_VARIABLE];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.started`), '');
};

/** The suites that began in this run (see `markSuiteStarted`). */
export const startedSuites = (dir: string): string[] => {
  try {
    return readdirSync(dir)
      .filter((file) => file.endsWith('.started'))
      .map((file) => file.slice(0, -'.started'.length));
  } catch {
    return [];
  }
};

/** Saves a suite's figures for the summary table (no-op when run outside the global setup). */
export const saveFigures = (figures: SuiteFigures): void => {
  const dir = process.env[FIGURES_DIR_VARIABLE];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${figures.suite}.json`), `${JSON.stringify(figures, null, 2)}\n`);
};

/** Every suite's figures left in `dir`; unreadable files are reported as violations by name. */
export const loadFigures = (dir: string): { figures: SuiteFigures[]; unreadable: string[] } => {
  const figures: SuiteFigures[] = [];
  const unreadable: string[] = [];
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return { figures, unreadable };
  }
  for (const file of files) {
    try {
      const parsed = v.safeParse(
        SuiteFiguresSchema,
        JSON.parse(readFileSync(join(dir, file), 'utf8')),
      );
      if (parsed.success) figures.push(parsed.output);
      else unreadable.push(file);
    } catch {
      unreadable.push(file);
    }
  }
  return { figures: figures.sort((a, b) => a.order - b.order), unreadable };
};

/** The nearest-rank percentile (p in 0..100) of a list of numbers; undefined when empty. */
export const percentile = (values: readonly number[], p: number): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
};
