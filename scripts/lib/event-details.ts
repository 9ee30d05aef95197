import type { ImageRefusal } from '../../shared/record/image-refusal';
import { readArchivedEnvelope } from '../../shared/store/archived-envelope';
import { deliveryCount, type LedgerEntry, type LedgerStatus } from '../../shared/store/ledger-item';
import { VENDOR_DEFINITIONS } from '../../shared/vendors/registry';
import { eventChangesOf } from '../../shared/worker/process-event';

/**
 * An event as an operator sees it. `failing`: not complete, and failed at least once (it is
 * in the ledger's `unfinished` index).
 */
export interface EventDetails {
  readonly eventId: string;
  readonly status: LedgerStatus | 'failing';
  readonly vendor?: string;
  readonly eventType?: string;
  readonly firstSeen: string;
  readonly completedAt?: string;
  /** Distinct vendor deliveries that carried the event (1 + the duplicates). */
  readonly deliveries: number;
  readonly imagesApplied?: number;
  /** The images the event touches, read from its archive with today's normalizers. */
  readonly images?: readonly string[];
  readonly refused: readonly ImageRefusal[];
  /** Values that did not reach a record (dropped optional fields, cut labels), and how many. */
  readonly notes: readonly string[];
  readonly noteCount: number;
  readonly failures: number;
  readonly lastError?: string;
  /** The archived payload, as ingest queued it (already redacted). */
  readonly payload?: unknown;
  /** Why there is no payload, when there is none. */
  readonly archiveNote?: string;
}

const statusOf = (entry: LedgerEntry): EventDetails['status'] =>
  entry.status === 'processing' && entry.unfinishedSince !== undefined ? 'failing' : entry.status;

/** What the archive says: the payload and the images it touches, or why it says nothing. */
const fromArchive = (
  entry: LedgerEntry,
): Pick<EventDetails, 'images' | 'payload' | 'archiveNote'> => {
  if (entry.archive === undefined) {
    return {
      archiveNote:
        entry.archiveSkipped === 'too_large'
          ? 'not archived: the compressed envelope was too large'
          : entry.status === 'processing'
            ? 'not archived yet: the event has not completed'
            : 'not archived (archiving is off, or the archive has expired)',
    };
  }
  const envelope = readArchivedEnvelope(entry.archive);
  if (envelope === undefined) return { archiveNote: 'the archive is not a readable envelope' };
  try {
    const { changes } = envelope.supported
      ? eventChangesOf(envelope, VENDOR_DEFINITIONS)
      : { changes: [] };
    return { payload: envelope.payload, images: [...new Set(changes.map((c) => c.imageId))] };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { payload: envelope.payload, archiveNote: `today's normalizer refuses it: ${reason}` };
  }
};

/** The details of one ledger entry; `withArchive` decodes and re-reads its archive. */
export const eventDetailsOf = (entry: LedgerEntry, withArchive: boolean): EventDetails => ({
  eventId: entry.eventId,
  status: statusOf(entry),
  ...(entry.vendor !== undefined ? { vendor: entry.vendor } : {}),
  ...(entry.eventType !== undefined ? { eventType: entry.eventType } : {}),
  firstSeen: entry.receivedAt ?? entry.firstSeenAt ?? '-',
  ...(entry.completedAt !== undefined ? { completedAt: entry.completedAt } : {}),
  deliveries: deliveryCount(entry),
  ...(entry.imagesApplied !== undefined ? { imagesApplied: entry.imagesApplied } : {}),
  refused: entry.refusedImages ?? [],
  notes: entry.notes ?? [],
  noteCount: entry.noteCount ?? 0,
  failures: entry.failures ?? 0,
  ...(entry.lastError !== undefined ? { lastError: entry.lastError } : {}),
  ...(withArchive ? fromArchive(entry) : {}),
});

/** One line per event: first seen, status, vendor, type, deliveries, images, eventId, error. */
export const formatEventLine = (details: EventDetails): string =>
  [
    details.firstSeen,
    details.status.padEnd(10),
    (details.vendor ?? '-').padEnd(18),
    (details.eventType ?? '-').padEnd(22),
    `${details.deliveries}×`.padStart(4),
    `${details.imagesApplied ?? '-'} img`.padStart(8),
    details.eventId,
    ...(details.lastError ? [`(${details.failures} failed: ${details.lastError})`] : []),
  ].join('  ');

/** The multi-line `show` output. */
export const formatEventDetails = (details: EventDetails): string => {
  const lines = [
    `event       ${details.eventId}`,
    `status      ${details.status}`,
    `vendor      ${details.vendor ?? '-'}  (${details.eventType ?? '-'})`,
    `first seen  ${details.firstSeen}`,
    `completed   ${details.completedAt ?? '-'}`,
    `deliveries  ${details.deliveries}`,
    `images      ${details.images ? details.images.join(', ') || '(none)' : `${details.imagesApplied ?? '-'}`}`,
    `refused     ${details.refused.length === 0 ? '(none)' : details.refused.map((r) => `${r.imageId} (${r.reason})`).join(', ')}`,
    `failures    ${details.failures}${details.lastError ? `, last: ${details.lastError}` : ''}`,
  ];
  if (details.noteCount > 0) {
    const more = details.noteCount - details.notes.length;
    lines.push(`notes       ${details.notes.join('\n            ')}`);
    if (more > 0) lines.push(`            … and ${more} more`);
  }
  if (details.archiveNote) lines.push(`archive     ${details.archiveNote}`);
  if (details.payload !== undefined) {
    lines.push('payload', JSON.stringify(details.payload, null, 2));
  }
  return lines.join('\n');
};
