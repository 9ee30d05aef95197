import type { ImageRecord } from '../../shared/record/image-record';

/** The width `npm run records` fits by default: a common terminal, and readable in a CI log. */
export const DEFAULT_TABLE_WIDTH = 120;

interface Column {
  readonly header: string;
  readonly value: (record: ImageRecord) => string;
  /** Never cut: short values a person reads whole (a cut timestamp or status misleads). */
  readonly fixed?: boolean;
}

/**
 * Columns of `npm run records`: what a person scans for, not the whole record. The collection is
 * printed as `GET /images?collection=` takes it: its id, without the kind.
 */
const COLUMNS: readonly Column[] = [
  { header: 'vendor', value: (record) => record.vendor, fixed: true },
  { header: 'collection', value: (record) => record.collection?.id ?? '' },
  {
    header: 'seq',
    value: (record) => (record.sequence === undefined ? '' : String(record.sequence)),
    fixed: true,
  },
  { header: 'imageId', value: (record) => record.imageId },
  { header: 'status', value: (record) => record.status, fixed: true },
  { header: 'name', value: (record) => record.name ?? '' },
  { header: 'category', value: (record) => record.category ?? '' },
  { header: 'tags', value: (record) => record.tags.map((tag) => tag.name).join(',') },
  {
    header: 'detections',
    value: (record) =>
      record.detections.map((item) => `${item.label}:${item.confidence.toFixed(2)}`).join(','),
  },
  { header: 'error', value: (record) => record.error ?? '' },
  { header: 'lastEventAt', value: (record) => record.lastEventAt, fixed: true },
];

const GAP = 2;
/** A cut column keeps at least this much, so it still says something. */
const MIN_CUT_WIDTH = 8;

const cut = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;

/**
 * Column widths that fit `maxWidth`: the widest cuttable column gives up one character at a
 * time until the line fits or every cuttable column is down to its floor (then the line is as
 * narrow as it can be and runs over).
 */
const fitWidths = (
  natural: readonly number[],
  floors: readonly number[],
  maxWidth: number,
): number[] => {
  const widths = [...natural];
  const total = () => widths.reduce((sum, width) => sum + width, 0) + GAP * (widths.length - 1);
  while (total() > maxWidth) {
    let widest = -1;
    for (const [index, width] of widths.entries()) {
      if (width > (floors[index] ?? width) && (widest < 0 || width > (widths[widest] ?? 0))) {
        widest = index;
      }
    }
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return widths;
};

/**
 * Records as an aligned text table, one line per image, in the order given. Empty columns are
 * dropped, so a table of records without tags does not carry an empty `tags` column. With a `maxWidth`
 * (the default), long ids, names and lists are cut with `…` so each line fits; `maxWidth:
 * undefined` (`--wide`) prints every value whole.
 */
export const recordsTable = (
  records: readonly ImageRecord[],
  options: { maxWidth?: number } = { maxWidth: DEFAULT_TABLE_WIDTH },
): string => {
  if (records.length === 0) return '(no records)';
  const rows = records.map((record) => COLUMNS.map((column) => column.value(record)));
  const used = COLUMNS.map((_, index) => rows.some((row) => (row[index] ?? '') !== ''));
  const columns = COLUMNS.filter((_, index) => used[index]);
  const body = rows.map((row) => row.filter((_, index) => used[index]));
  const natural = columns.map((column, index) =>
    Math.max(column.header.length, ...body.map((row) => (row[index] ?? '').length)),
  );
  const floors = columns.map((column, index) =>
    column.fixed ? (natural[index] ?? 0) : Math.max(column.header.length, MIN_CUT_WIDTH),
  );
  const widths =
    options.maxWidth === undefined ? natural : fitWidths(natural, floors, options.maxWidth);
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => cut(value, widths[index] ?? 0).padEnd(widths[index] ?? 0))
      .join(' '.repeat(GAP))
      .trimEnd();
  return [
    line(columns.map((column) => column.header)),
    line(widths.map((width) => '-'.repeat(width))),
    ...body.map(line),
  ].join('\n');
};
