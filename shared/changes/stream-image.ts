import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeValue as StreamAttributeValue } from 'aws-lambda';

/**
 * An item image from a DynamoDB stream event, in the SDK's `AttributeValue` form, so the table's
 * own item parsers read it. The stream event is JSON: binary values (the deflated record state)
 * arrive base64-encoded, where the SDK hands out bytes.
 */
export const fromStreamImage = (
  image: Readonly<Record<string, StreamAttributeValue>>,
): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, fromStreamValue(value)]));

const fromStreamValue = (value: StreamAttributeValue): AttributeValue => {
  if (value.B !== undefined) return { B: Buffer.from(value.B, 'base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((item) => Buffer.from(item, 'base64')) };
  if (value.M !== undefined) return { M: fromStreamImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(fromStreamValue) };
  return value as AttributeValue;
};

/** The reverse, for the local stream feed: what Lambda's JSON serialization of a record does. */
export const toStreamImage = (
  image: Readonly<Record<string, AttributeValue>>,
): Record<string, StreamAttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toStreamValue(value)]));

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

const toStreamValue = (value: AttributeValue): StreamAttributeValue => {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toStreamImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toStreamValue) };
  return value as StreamAttributeValue;
};
