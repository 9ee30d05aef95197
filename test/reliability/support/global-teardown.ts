import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { FIGURES_DIR_VARIABLE, loadFigures, startedSuites } from './figures';
import { reliabilityScale } from './scale';
import { formatSummaryTable, runViolations } from './summary-table';

/**
 * Prints the summary table of every suite that ran, then fails the run if any invariant was
 * missed or a suite that started left no figures (it crashed or timed out).
 */
export default function globalTeardown(): void {
  const dir = process.env[FIGURES_DIR_VARIABLE];
  if (!dir) return;
  const { figures, unreadable } = loadFigures(dir);
  const started = startedSuites(dir);
  rmSync(dir, { recursive: true, force: true });
  if (started.length === 0) return;
  const heading = `Reliability summary: ${reliabilityScale().name} scale, ${availableParallelism()} CPUs, Node ${process.version}`;
  process.stdout.write(`\n${formatSummaryTable(figures, started, heading)}\n\n`);
  const violations = [
    ...runViolations(figures, started),
    ...unreadable.map((f) => `${f}: unreadable`),
  ];
  if (violations.length > 0) {
    throw new Error(`reliability run failed: ${violations.length} invariant(s) missed`);
  }
}
