import { createHmac, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import type { Vendor } from '../vendors/vendor';
import type { CollectionPosition } from './image-record-store';

/**
 * The `next` token of `GET /images?vendor=&collection=`: opaque to callers, and tamper-safe.
 *
 * It is `<payload>.<tag>`, both base64url. The payload is the page's resume position (the index's
 * `LastEvaluatedKey`, minus the partition key the request already names) together with the vendor
 * and collection it belongs to; the tag is HMAC-SHA256 over the payload under a server-side key.
 * A token that was altered, forged without the key, or minted for another collection is refused,
 * so a caller can never steer the Query's `ExclusiveStartKey` into another partition.
 */

/** The collection a cursor was issued for. */
export interface CursorScope {
  readonly vendor: Vendor;
  readonly collectionId: string;
}

/** Why a token was refused; the read API turns each into a 400 on `next`. */
export type CursorRejection = 'malformed' | 'tampered' | 'other_collection';

/** A verified position, or why the token was refused. */
export type DecodedCursor =
  | { readonly ok: true; readonly position: CollectionPosition }
  | { readonly ok: false; readonly reason: CursorRejection };

/** Longest token accepted: real ones are a few hundred characters. */
export const MAX_CURSOR_LENGTH = 4096;

/** Binds the tag to this format, so a tag made for anything else never verifies here. */
const TAG_CONTEXT = 'collection-cursor.v1.';
const TOKEN_PATTERN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

const CursorPayloadSchema = v.object({
  vendor: v.string(),
  collection: v.string(),
  recordKey: v.pipe(v.string(), v.minLength(1)),
  sortKey: v.pipe(v.string(), v.minLength(1)),
});

const tagOf = (payload: string, key: string): Buffer =>
  createHmac('sha256', key).update(TAG_CONTEXT).update(payload).digest();

/** Mints the token for a position within one collection. */
export const encodeCursor = (
  position: CollectionPosition,
  scope: CursorScope,
  key: string,
): string => {
  const payload = Buffer.from(
    JSON.stringify({
      vendor: scope.vendor,
      collection: scope.collectionId,
      recordKey: position.recordKey,
      sortKey: position.sortKey,
    }),
  ).toString('base64url');
  return `${payload}.${tagOf(payload, key).toString('base64url')}`;
};

/** Verifies a token (tag first, in constant time) and returns its position for this scope. */
export const decodeCursor = (token: string, scope: CursorScope, key: string): DecodedCursor => {
  const parts = token.length <= MAX_CURSOR_LENGTH ? TOKEN_PATTERN.exec(token) : null;
  const payload = parts?.[1];
  const tag = parts?.[2];
  if (payload === undefined || tag === undefined) return { ok: false, reason: 'malformed' };
  const expected = tagOf(payload, key);
  const given = Buffer.from(tag, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'tampered' };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = v.safeParse(CursorPayloadSchema, json);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (parsed.output.vendor !== scope.vendor || parsed.output.collection !== scope.collectionId) {
    return { ok: false, reason: 'other_collection' };
  }
  return {
    ok: true,
    position: { recordKey: parsed.output.recordKey, sortKey: parsed.output.sortKey },
  };
};
