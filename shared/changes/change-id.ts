import { createHash } from 'node:crypto';

/**
 * A change's stable id: a digest of what identifies the change, never of when or how often it
 * was published, so every re-emission carries the same id and consumers can dedupe on it.
 */
const digestOf = (...parts: readonly string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

/** One committed write of one record: its key and the revision the write produced. */
export const recordChangeId = (vendor: string, imageId: string, revision: number): string =>
  digestOf('image', vendor, imageId, String(revision));

/** One applied completing event: the event id is unique per vendor. */
export const completionChangeId = (vendor: string, eventId: string): string =>
  digestOf('completion', vendor, eventId);
