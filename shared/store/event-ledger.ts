import type { EventEnvelope } from '../queue/event-queue';
import type { ImageRefusal } from '../record/image-refusal';
import type { Vendor } from '../vendors/vendor';

/**
 * The event ledger: at most one application of each `eventId` within the dedupe window, however
 * many times the vendor retries or SQS redelivers. The worker claims an event before applying it
 * and completes it after; the DynamoDB adapter is the one implementation.
 */
export interface EventLedger {
  /**
   * Claims an event for one SQS message. Throws `LeaseHeldError` while another delivery holds a
   * live lease on it, so that message is retried after its visibility timeout.
   */
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  /** Marks a claimed event done. Throws `LeaseLostError` if another delivery took it over. */
  complete(request: CompleteRequest): Promise<void>;
  /**
   * Binds a one-time signature to the first event it authenticated. `reused` when it is bound to
   * another event already: the same signature with a different body.
   */
  bindSignature(request: SignatureBinding): Promise<'bound' | 'reused'>;
  /**
   * Notes on a claimed, unfinished entry that an attempt failed, and puts it in the index of
   * unfinished events until it completes. Does nothing for an entry that is missing or finished.
   */
  noteFailure(request: FailureNote): Promise<void>;
}

/** A per-delivery signature (as its digest) and the event it came with. */
export interface SignatureBinding {
  readonly digest: string;
  readonly eventId: string;
  /** When the signature stops verifying; the binding is kept until then. */
  readonly expiresAt: string;
}

/** One failed attempt at a claimed event. */
export interface FailureNote {
  readonly eventId: string;
  readonly vendor: Vendor;
  /** The error's class and message: our own error texts, which carry ids and paths, never values. */
  readonly error: string;
}

/** One delivery's claim on an event; the ids and types are kept in the ledger for operators. */
export interface ClaimRequest {
  readonly eventId: string;
  /** The SQS message id: one per message on the queue, stable across SQS redeliveries. */
  readonly messageId: string;
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

/**
 * `claimed`: this message owns the event now (first delivery, or it took over an expired lease).
 * `resumed`: this message already owned it (SQS redelivered it after a crash); applying again is
 * harmless because the record merge is idempotent.
 * `duplicate`: the event was completed within the dedupe window; nothing is applied.
 */
export type ClaimOutcome =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'resumed' }
  | {
      readonly kind: 'duplicate';
      /** Distinct vendor deliveries that carried this event, this one included. */
      readonly deliveries: number;
    };

/** How a claimed event ended, recorded by the message that owns it. */
export interface CompleteRequest {
  readonly eventId: string;
  readonly messageId: string;
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
