import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** DynamoDB's item size limit: names and values of every attribute together. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** One write unit covers up to 1 KB of item. */
const WRITE_UNIT_BYTES = 1024;

/** DynamoDB stores a number in about one byte per two significant digits, plus one. */
const numberBytes = (text: string): number => {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

const valueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.SS !== undefined)
    return value.SS.reduce((sum, item) => sum + Buffer.byteLength(item, 'utf8'), 0);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  // Maps and lists are not written by this service; count them generously if one ever appears.
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
};

/**
 * An item's size as DynamoDB counts it: attribute names plus values (UTF-8 strings, raw bytes,
 * numbers by significant digits). Used to refuse oversize records before the call, and to estimate the units of a
 * conditional write that failed (DynamoDB charges those but does not report them).
 */
export const itemBytes = (item: Readonly<Record<string, AttributeValue>>): number =>
  Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + valueBytes(value),
    0,
  );

/** Write units for an item of this size: one per started KB, at least one. */
export const writeUnitsFor = (bytes: number): number =>
  Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
