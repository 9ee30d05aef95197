import type { EventEnvelope } from '../queue/event-queue';
import type { ImageRefusal } from '../record/image-refusal';
import type { Vendor } from '../vendors/vendor';
import type { LedgerReadAhead } from './ledger-read-ahead';

/**
 * The event ledger: at most one application of each `eventId` within the dedupe window, however
 * many times the vendor retries or SQS redelivers. The worker checks an event before applying it
 * and completes it after; the DynamoDB adapter is the one implementation.
 *
 * Nothing holds an event while it is applied. Two deliveries of one event may apply it side by
 * side: the record merge is idempotent and commutative, so they converge, and only one of them
 * completes it (`complete`'s condition); the other is counted as a duplicate.
 */
export interface EventLedger {
  /**
   * Reads the entries of a batch's events in one call, before any is checked, so each check
   * takes its entry from there instead of reading it in sequence with the event's writes.
   * Optional: a ledger without it (a test double, a wrapper) is read by each check.
   */
  readAhead?(eventIds: readonly string[]): Promise<LedgerReadAhead>;
  /**
   * Reads the event's entry (or takes it from `ahead`, once per event) and decides: apply it
   * (`new` or `retry`), or count this delivery as a duplicate of an event completed within the
   * dedupe window.
   */
  check(request: CheckRequest, ahead?: LedgerReadAhead): Promise<CheckOutcome>;
  /**
   * Records how the event ended, creating its entry or finishing it. `duplicate` when another
   * delivery completed it meanwhile: this delivery is then counted as a duplicate (its own apply
   * changed nothing more, the merge being idempotent).
   */
  complete(request: CompleteRequest): Promise<CompleteOutcome>;
  /**
   * Binds a one-time signature to the first event it authenticated. `reused` when it is bound to
   * another event already: the same signature with a different body.
   */
  bindSignature(request: SignatureBinding): Promise<'bound' | 'reused'>;
  /**
   * Notes that an attempt failed, creating the entry (as unfinished) when the event has none, and
   * puts it in the index of unfinished events until it completes. Does nothing for a finished
   * entry.
   */
  noteFailure(request: FailureNote): Promise<void>;
}

/** One receive of one SQS message: what an attempt at an event is. */
export interface Attempt {
  /** The SQS message id: one per message on the queue, stable across SQS redeliveries. */
  readonly messageId: string;
  /** SQS's `ApproximateReceiveCount`: 1 on the first receive, more on a redelivery. */
  readonly receiveCount: number;
}

/** The event a ledger call is about, as its envelope names it; kept on the entry for operators. */
export interface LedgerEvent {
  readonly eventId: string;
  /**
   * The vendor delivery this message carries: the gateway request id of the envelope. Duplicates
   * are counted by it, not by message: a SendMessage retried after a timeout can put one delivery
   * on the queue twice, and that is no repeat by the vendor.
   */
  readonly deliveryId: string;
  readonly vendor: Vendor;
  readonly eventType: string;
  readonly receivedAt: string;
}

/** One attempt's look at an event before applying it. */
export interface CheckRequest extends LedgerEvent {
  readonly attempt: Attempt;
}

/**
 * `new`: nothing shows an earlier attempt (no entry, or one finished outside the dedupe window).
 * `retry`: an earlier attempt did not finish; applying again is harmless because the merge is
 * idempotent. `unfinishedAttempt` when that attempt left no failure note (it crashed or timed
 * out), so the caller notes it before applying.
 * `duplicate`: the event was completed within the dedupe window; this delivery is counted and
 * nothing is applied.
 */
export type CheckOutcome =
  | { readonly kind: 'new' }
  | { readonly kind: 'retry'; readonly unfinishedAttempt: boolean }
  | {
      readonly kind: 'duplicate';
      /** Distinct vendor deliveries that carried this event, this one included. */
      readonly deliveries: number;
    };

/** A per-delivery signature (as its digest) and the event it came with. */
export interface SignatureBinding {
  readonly digest: string;
  readonly eventId: string;
  /** When the signature stops verifying; the binding is kept until then. */
  readonly expiresAt: string;
}

/** One failed attempt at an event. */
export interface FailureNote extends LedgerEvent {
  /** The attempt that failed: a retry of the same message knows from it that this was noted. */
  readonly attempt: Attempt;
  /** The error's class and message: our own error texts, which carry ids and paths, never values. */
  readonly error: string;
}

/** How an applied event ended, recorded by the delivery that applied it. */
export interface CompleteRequest extends LedgerEvent {
  /**
   * `ignored` for authentic events that produce no records (unsupported event types);
   * `refused` for events applied to no image because their credential was misused.
   */
  readonly status: 'completed' | 'ignored' | 'refused';
  readonly imagesApplied: number;
  /** Images whose change was refused for good; the event is complete without them. */
  readonly refused?: readonly ImageRefusal[];
  /** Values that did not reach a record (dropped optional fields, cut labels), in words. */
  readonly notes?: readonly string[];
  /** The envelope to keep for replay or inspection; omitted when archiving is off. */
  readonly archive?: EventEnvelope;
}

/**
 * `completed`: this delivery finished the event. `duplicate`: another delivery completed it
 * within the dedupe window while this one applied it; this one is counted as a duplicate.
 */
export type CompleteOutcome =
  { readonly kind: 'completed' } | { readonly kind: 'duplicate'; readonly deliveries: number };
