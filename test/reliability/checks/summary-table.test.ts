import type { SuiteFigures } from '../support/figures';
import { formatSummaryTable, runViolations } from '../support/summary-table';

const figures = (suite: string, violations: string[] = []): SuiteFigures => ({
  suite,
  order: 1,
  title: suite,
  seed: 42,
  requests: 30_000,
  serverErrors: 0,
  lost: 0,
  doubleApplied: 0,
  p50Ms: 4.25,
  p99Ms: 31,
  durationMs: 61_500,
  details: { accepted: 1200 },
  violations,
});

describe('the closing summary table', () => {
  it('prints one row per suite with the shared columns', () => {
    // Prepare
    const reported = [figures('fuzz')];

    // Act
    const table = formatSummaryTable(reported, ['fuzz'], 'Reliability summary');

    // Assess
    expect(table.split('\n').slice(2, 5)).toEqual([
      'suite  requests  5xx  lost  double-applied  p50 ms  p99 ms  duration  result',
      '-----  --------  ---  ----  --------------  ------  ------  --------  ------',
      'fuzz     30,000    0     0               0     4.3    31.0    61.5 s  PASS',
    ]);
    expect(table).toContain('Every invariant held.');
  });

  it('fails the run for a suite that started but reported nothing, and for every violation', () => {
    // Prepare
    const reported = [figures('fuzz', ['3 responses were 5xx'])];

    // Act
    const violations = runViolations(reported, ['fuzz', 'load']);

    // Assess
    expect(violations).toEqual([
      'load: reported no figures (the suite did not finish)',
      'fuzz: 3 responses were 5xx',
    ]);
  });
});
