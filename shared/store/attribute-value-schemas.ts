import * as v from 'valibot';
import { VENDORS } from '../vendors/vendor';

/**
 * valibot schemas for raw DynamoDB attribute values. Items come back from DynamoDB (and inside
 * `ConditionalCheckFailedException.Item`) as `AttributeValue` maps; the adapters parse them with
 * these instead of casting, so an item this code did not write fails loudly as a
 * `CorruptItemError`. Each yields the plain value.
 */

/** `{ S: … }` holding any string. */
export const stringAttribute = v.pipe(
  v.object({ S: v.string() }),
  v.transform((attribute) => attribute.S),
);

/** `{ S: … }` holding a non-empty string. */
export const nonEmptyStringAttribute = v.pipe(
  v.object({ S: v.pipe(v.string(), v.minLength(1)) }),
  v.transform((attribute) => attribute.S),
);

/** `{ S: … }` holding an ISO-8601 timestamp. */
export const isoTimeAttribute = v.pipe(
  v.object({ S: v.pipe(v.string(), v.isoTimestamp()) }),
  v.transform((attribute) => attribute.S),
);

/** `{ S: … }` holding a vendor name. */
export const vendorAttribute = v.pipe(
  v.object({ S: v.picklist(VENDORS) }),
  v.transform((attribute) => attribute.S),
);

/** `{ N: … }` holding an integer in the safe range. */
export const integerAttribute = v.pipe(
  v.object({ N: v.pipe(v.string(), v.regex(/^-?\d{1,15}$/, 'must be an integer')) }),
  v.transform((attribute) => Number(attribute.N)),
);

/** `{ SS: [...] }`. */
export const stringSetAttribute = v.pipe(
  v.object({ SS: v.array(v.string()) }),
  v.transform((attribute) => attribute.SS),
);

/** `{ B: bytes }`. */
export const binaryAttribute = v.pipe(
  v.object({ B: v.instance(Uint8Array) }),
  v.transform((attribute) => attribute.B),
);
