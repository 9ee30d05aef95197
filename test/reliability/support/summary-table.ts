import type { SuiteFigures } from './figures';

/** The table's columns: label, alignment and how a suite's figures fill the cell. */
const COLUMNS: ReadonlyArray<{
  readonly label: string;
  readonly right: boolean;
  readonly cell: (figures: SuiteFigures) => string;
}> = [
  { label: 'suite', right: false, cell: (f) => f.suite },
  { label: 'requests', right: true, cell: (f) => f.requests.toLocaleString('en-US') },
  { label: '5xx', right: true, cell: (f) => String(f.serverErrors) },
  { label: 'lost', right: true, cell: (f) => String(f.lost) },
  { label: 'double-applied', right: true, cell: (f) => String(f.doubleApplied) },
  { label: 'p50 ms', right: true, cell: (f) => milliseconds(f.p50Ms) },
  { label: 'p99 ms', right: true, cell: (f) => milliseconds(f.p99Ms) },
  { label: 'duration', right: true, cell: (f) => `${(f.durationMs / 1000).toFixed(1)} s` },
  {
    label: 'result',
    right: false,
    cell: (f) => (f.violations.length === 0 ? 'PASS' : `FAIL (${f.violations.length})`),
  },
];

const milliseconds = (value: number | undefined): string =>
  value === undefined ? '-' : value.toFixed(1);

const pad = (text: string, width: number, right: boolean): string =>
  right ? text.padStart(width) : text.padEnd(width);

/** Everything that makes the run fail: suites that reported nothing, and every violation. */
export const runViolations = (
  figures: readonly SuiteFigures[],
  expectedSuites: readonly string[],
): string[] => {
  const reported = new Set(figures.map((f) => f.suite));
  return [
    ...expectedSuites
      .filter((suite) => !reported.has(suite))
      .map((suite) => `${suite}: reported no figures (the suite did not finish)`),
    ...figures.flatMap((f) => f.violations.map((violation) => `${f.suite}: ${violation}`)),
  ];
};

/**
 * The closing table of a reliability run: one row per suite with the shared columns, then each
 * suite's own figures, then every missed invariant (or a line saying there were none).
 */
export const formatSummaryTable = (
  figures: readonly SuiteFigures[],
  expectedSuites: readonly string[],
  heading: string,
): string => {
  const rows = figures.map((f) => COLUMNS.map((column) => column.cell(f)));
  const widths = COLUMNS.map((column, index) =>
    Math.max(column.label.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => pad(cell, widths[index] ?? 0, COLUMNS[index]?.right ?? false))
      .join('  ')
      .trimEnd();
  const table = [
    line(COLUMNS.map((column) => column.label)),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
  ];
  const details = figures.map(
    (f) =>
      `${f.suite} (seed ${f.seed}): ${Object.entries(f.details)
        .map(
          ([name, value]) =>
            `${name} ${typeof value === 'number' ? value.toLocaleString('en-US') : value}`,
        )
        .join(', ')}`,
  );
  const violations = runViolations(figures, expectedSuites);
  return [
    heading,
    '',
    ...table,
    '',
    ...details,
    '',
    violations.length === 0
      ? 'Every invariant held.'
      : `${violations.length} invariant(s) missed:\n${violations.map((v) => `  - ${v}`).join('\n')}`,
  ].join('\n');
};
