import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A ledger item as DynamoDB returns it, not yet parsed. */
export type RawLedgerItem = Readonly<Record<string, AttributeValue>>;

/**
 * The ledger entries of one SQS batch's events, read together before any of them is checked
 * (`EventLedger.readAhead`), so a batch of ten makes one read instead of ten reads in sequence
 * with their writes. Each entry serves ONE check (`take`): a second delivery of the same event in
 * the batch runs after the first one completed it (deliveries of one event run in turn), so it
 * must read the entry again to find it completed, not reuse what was read before.
 *
 * Items are kept raw and parsed by the check that takes them, so a corrupt entry fails its own
 * event only. An event missing here (its key left unprocessed, or taken already) is read by its
 * check as before.
 */
export class LedgerReadAhead {
  readonly #items: Map<string, RawLedgerItem | undefined>;

  /** `items`: each event read, with its item, or `undefined` when it has no entry. */
  constructor(items: ReadonlyMap<string, RawLedgerItem | undefined>) {
    this.#items = new Map(items);
  }

  /** Events read ahead and not taken yet. */
  get size(): number {
    return this.#items.size;
  }

  /**
   * The event's entry as read ahead, once: `{ item }` (`item` undefined when the event has no
   * entry), or `undefined` when it was not read ahead or was taken already.
   */
  take(eventId: string): { readonly item: RawLedgerItem | undefined } | undefined {
    if (!this.#items.has(eventId)) return undefined;
    const item = this.#items.get(eventId);
    this.#items.delete(eventId);
    return { item };
  }
}
