import type { Vendor } from '../vendors/vendor';

/**
 * Keys of the `byCollection` index. DynamoDB sorts a string sort key byte by byte, so the sequence
 * is encoded such that string order equals numeric order, and the imageId follows to break ties:
 * one Query then lists a collection by sequence, then imageId, which is the contract's order.
 */

/** Prefix of images with a sequence; `UNSEQUENCED` sorts after every one of them. */
const SEQUENCED = '0';
const UNSEQUENCED = '1';

const SIGN_BIT = 1n << 63n;
const ALL_BITS = (1n << 64n) - 1n;

/**
 * The sequence as 17 characters whose string order is numeric order, for every finite number
 * (negative, fractional, beyond 2^53): the IEEE-754 bits with the sign bit flipped for positives
 * and all bits flipped for negatives, in hex. `-0` counts as `0`. Images without a sequence (or
 * with a non-finite one) sort after all others.
 */
export const sequenceSortKey = (sequence: number | undefined): string => {
  if (sequence === undefined || !Number.isFinite(sequence)) return UNSEQUENCED;
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleBE(sequence === 0 ? 0 : sequence);
  const bits = buffer.readBigUInt64BE();
  const ordered = bits & SIGN_BIT ? ~bits & ALL_BITS : bits | SIGN_BIT;
  return `${SEQUENCED}${ordered.toString(16).padStart(16, '0')}`;
};

/** The index sort key: sequence order, then imageId. */
export const collectionSortKey = (sequence: number | undefined, imageId: string): string =>
  `${sequenceSortKey(sequence)}#${imageId}`;

/** The index partition key: one collection of one vendor. Vendor names never contain `#`. */
export const collectionKey = (vendor: Vendor, collectionId: string): string =>
  `${vendor}#${collectionId}`;
