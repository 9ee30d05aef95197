import * as v from 'valibot';
import type { ImageChange } from './image-change';
import { type Collection, CollectionSchema } from './image-record';
import type { RecordState } from './record-state';

/**
 * Whether a vendor's images may change collection. A vendor credential is scoped to a collection
 * at most (a body signature covers one SKU, a shared secret an org's albums), never to
 * the image ids in a body, so for most vendors an image belongs to the collection that first
 * created it. A vendor that reuses an image across jobs moves its images.
 */
export type CollectionRule = 'fixed' | 'moves';

const sameCollection = (a: Collection, b: Collection): boolean =>
  a.kind === b.kind && a.id === b.id && a.parentId === b.parentId;

/** The collection a record holds, when it holds a valid one. */
export const storedCollectionOf = (state: RecordState | undefined): Collection | undefined => {
  const parsed = v.safeParse(CollectionSchema, state?.fields['core:collection']?.value);
  return parsed.success ? parsed.output : undefined;
};

/**
 * True when applying `change` would move an image out of the collection its record already holds
 * under a `fixed` rule. A record without a collection yet (created by an event that named none,
 * such as an image prediction) is claimed by the first change that names one; a change
 * that names no collection never conflicts. Pure.
 */
export const movesToAnotherCollection = (
  state: RecordState | undefined,
  change: ImageChange,
  rule: CollectionRule,
): boolean => {
  if (rule === 'moves') return false;
  const named = change.patch.core?.collection;
  if (named === undefined || named === null) return false;
  const stored = storedCollectionOf(state);
  return stored !== undefined && !sameCollection(stored, named);
};
