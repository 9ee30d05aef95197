import type { ServiceLog } from '../observability/service-log';
import type { EventLedger } from '../store/event-ledger';
import type { LedgerReadAhead } from '../store/ledger-read-ahead';

/**
 * The ledger entries of a batch's events, read ahead in one call before any event starts, or
 * `undefined` (each check then reads its own, as without read-ahead) when the ledger cannot read
 * ahead or the read fails. A failed read-ahead fails no message by itself: each event's own read
 * then fails or succeeds on its own, and the batch reports exactly the events that failed, as it
 * would have. Warned about, since it costs every event of the batch a round trip.
 */
export const readAheadOfBatch = async (
  ledger: EventLedger,
  eventIds: readonly string[],
  log: Pick<ServiceLog, 'warn'>,
): Promise<LedgerReadAhead | undefined> => {
  if (ledger.readAhead === undefined || eventIds.length === 0) return undefined;
  try {
    return await ledger.readAhead(eventIds);
  } catch (error) {
    log.warn('Ledger read-ahead failed; each event reads its own entry', {
      events: eventIds.length,
      error,
    });
    return undefined;
  }
};
