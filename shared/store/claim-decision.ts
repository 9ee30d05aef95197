import { deliveryCount, type LedgerEntry } from './ledger-item';

/**
 * What a claim found, decided from the ledger entry as it was before this claim touched it (the
 * claim's `ALL_OLD` image). Pure, so every branch is unit-tested without DynamoDB.
 */
export type ClaimDecision =
  /** No entry: the claim's own write created it, so this message owns the event. */
  | { readonly kind: 'claimed' }
  /** This message already owned the unfinished event: an SQS redelivery after a crash. */
  | { readonly kind: 'resumed' }
  /** Finished within the dedupe window: counted, not applied. */
  | { readonly kind: 'duplicate'; readonly deliveries: number }
  /** Another delivery is processing under a live lease. */
  | { readonly kind: 'held'; readonly leaseUntil?: string }
  /** Stale lease, or finished outside the window: take over with a conditional write. */
  | { readonly kind: 'takeover'; readonly previous: LedgerEntry };

/** Who is claiming, when, and how long a finished event stays a duplicate. */
export interface ClaimContext {
  readonly messageId: string;
  /** The vendor delivery (gateway request id): what duplicates are counted by. */
  readonly deliveryId: string;
  readonly now: Date;
  readonly dedupeWindowSeconds: number;
}

/** Where the dedupe window of a finished entry starts counting: its completion. */
const finishedAt = (entry: LedgerEntry): string => entry.completedAt ?? entry.claimedAt;

/** The earliest finish time still inside the dedupe window. */
export const windowStart = (now: Date, dedupeWindowSeconds: number): string =>
  new Date(now.getTime() - dedupeWindowSeconds * 1000).toISOString();

/**
 * The decision table. The window is checked here against `completedAt`, not left to TTL, which
 * deletes expired items up to about 48 hours late. A finished event counts as a duplicate even
 * for the message that finished it (an SQS redelivery after the batch response was lost), so it
 * is never applied twice; `deliveries` is a set of vendor deliveries, so neither that case nor
 * one delivery queued twice inflates the count (past the listed ones, see `deliveryCount`).
 */
export const decideClaim = (
  previous: LedgerEntry | undefined,
  context: ClaimContext,
): ClaimDecision => {
  if (previous === undefined) return { kind: 'claimed' };
  const nowIso = context.now.toISOString();
  if (previous.status !== 'processing') {
    if (finishedAt(previous) > windowStart(context.now, context.dedupeWindowSeconds)) {
      const known =
        previous.deliveries.includes(context.deliveryId) ||
        previous.lastDelivery === context.deliveryId;
      return { kind: 'duplicate', deliveries: deliveryCount(previous) + (known ? 0 : 1) };
    }
    return { kind: 'takeover', previous };
  }
  if (previous.owner === context.messageId) return { kind: 'resumed' };
  if (previous.leaseUntil !== undefined && previous.leaseUntil > nowIso) {
    return { kind: 'held', leaseUntil: previous.leaseUntil };
  }
  return { kind: 'takeover', previous };
};
