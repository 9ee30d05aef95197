import type { ChangeEvent } from './change-event';

/**
 * Where change events go: EventBridge's `PutEvents` in AWS and on the local stack alike (locally
 * against a server that speaks the same API). One call takes a batch the caller already sized.
 */
export interface ChangeEventBus {
  /** Puts the events; resolves with the positions of those the bus refused (retryable). */
  put(events: readonly ChangeEvent[]): Promise<{ readonly failed: readonly number[] }>;
}

/** `PutEvents` takes at most 10 entries per call. */
export const MAX_EVENTS_PER_PUT = 10;

/** EventBridge's limit on one entry, and on all entries of one call together. */
export const MAX_PUT_BYTES = 256 * 1024;

/** `Time` counts as 14 bytes in EventBridge's entry size. */
const TIME_BYTES = 14;

/**
 * An entry's size as EventBridge computes it: the UTF-8 bytes of `Source`, `DetailType` and
 * `Detail` (as sent), plus 14 for the time. No `Resources` are sent.
 */
export const entryBytes = (source: string, detailType: string, detailJson: string): number =>
  TIME_BYTES +
  Buffer.byteLength(source) +
  Buffer.byteLength(detailType) +
  Buffer.byteLength(detailJson);
