/**
 * Why one image's change was refused by the worker while the rest of its event was applied. A
 * refusal is permanent: retrying the event would refuse it again, so it is recorded on the event's
 * ledger entry (with the archived event, for inspection), counted and alarmed, never retried.
 *
 * - `collection_mismatch`: the change names an image that already belongs to another collection,
 *   and the vendor's images do not move between collections. A credential scoped to one
 *   collection (a SKU's body signature) must not reach another collection's images.
 * - `record_too_large`: the merged record would not fit a DynamoDB item. Ingest bounds every
 *   change so this cannot happen; if it still does, only this image fails.
 * - `signature_reused`: the event came with a body signature already bound to another body, so
 *   every image of the event is refused (a captured signature replayed with a forged body).
 */
export const REFUSAL_REASONS = [
  'collection_mismatch',
  'record_too_large',
  'signature_reused',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** One refused image of an event. */
export interface ImageRefusal {
  readonly imageId: string;
  readonly reason: RefusalReason;
}
