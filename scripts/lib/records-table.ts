import type { ImageRecord } from '../../shared/record/image-record';

/** Columns of `npm run records`: what a person scans for, not the whole record. */
const COLUMNS: ReadonlyArray<{ header: string; value: (record: ImageRecord) => string }> = [
  { header: 'vendor', value: (record) => record.vendor },
  {
    header: 'collection',
    value: (record) =>
      record.collection ? `${record.collection.kind}:${record.collection.id}` : '',
  },
  {
    header: 'seq',
    value: (record) => (record.sequence === undefined ? '' : String(record.sequence)),
  },
  { header: 'imageId', value: (record) => record.imageId },
  { header: 'status', value: (record) => record.status },
  { header: 'name', value: (record) => record.name ?? '' },
  { header: 'category', value: (record) => record.category ?? '' },
  { header: 'tags', value: (record) => record.tags.map((tag) => tag.name).join(',') },
  {
    header: 'detections',
    value: (record) =>
      record.detections.map((item) => `${item.label}:${item.confidence.toFixed(2)}`).join(','),
  },
  { header: 'error', value: (record) => record.error ?? '' },
  { header: 'lastEventAt', value: (record) => record.lastEventAt },
];

/** Longest cell before it is cut with `…`, so one long URL or id cannot push the table apart. */
const MAX_CELL = 40;

const cell = (text: string): string =>
  text.length <= MAX_CELL ? text : `${text.slice(0, MAX_CELL - 1)}…`;

/**
 * Records as an aligned text table, one line per image, in the order given. Empty columns are
 * dropped, so a table of Spyne records does not carry an empty `tags` column.
 */
export const recordsTable = (records: readonly ImageRecord[]): string => {
  if (records.length === 0) return '(no records)';
  const rows = records.map((record) => COLUMNS.map((column) => cell(column.value(record))));
  const used = COLUMNS.map((_, index) => rows.some((row) => (row[index] ?? '') !== ''));
  const keep = <T>(values: readonly T[]): T[] => values.filter((_, index) => used[index]);
  const headers = keep(COLUMNS.map((column) => column.header));
  const body = rows.map(keep);
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...body.map((row) => (row[index] ?? '').length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join(
    '\n',
  );
};
