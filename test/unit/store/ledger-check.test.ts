import { attemptKey, decideCheck, duplicateOf } from '../../../shared/store/dynamodb-event-ledger';
import type { LedgerEntry } from '../../../shared/store/ledger-item';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const WINDOW_SECONDS = 7 * 24 * 60 * 60;
const CONTEXT = {
  deliveryId: 'delivery-b',
  now: NOW,
  dedupeWindowSeconds: WINDOW_SECONDS,
  listedCap: 50,
  attempt: { messageId: 'msg-b', receiveCount: 1 },
};

const minutesFromNow = (minutes: number): string =>
  new Date(NOW.getTime() + minutes * 60_000).toISOString();

const entry = (overrides: Partial<LedgerEntry>): LedgerEntry => ({
  eventId: 'spyne:88db42a7:523a07fa:591c9ec9db49a67d',
  status: 'completed',
  firstSeenAt: minutesFromNow(-61),
  completedAt: minutesFromNow(-60),
  deliveries: ['delivery-a'],
  ...overrides,
});

/** A `processing` entry: an attempt failed and noted it; none completed. */
const unfinished = (overrides: Partial<LedgerEntry> = {}): LedgerEntry =>
  entry({
    status: 'processing',
    completedAt: undefined,
    deliveries: [],
    failures: 1,
    lastError: 'StoreOperationError: PutItem',
    lastFailedAttempt: attemptKey({ messageId: 'msg-a', receiveCount: 1 }),
    ...overrides,
  });

describe('decideCheck', () => {
  it('applies an event the ledger has never seen', () => {
    // Act
    const decision = decideCheck(undefined, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'new' });
  });

  it('counts a completed event within the window as a duplicate, this delivery included', () => {
    // Prepare
    const previous = entry({ deliveries: ['delivery-a', 'delivery-c'] });

    // Act
    const decision = decideCheck(previous, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'duplicate', deliveries: 3, counting: 'listed' });
  });

  it('treats a redelivery of the message that completed the event as a duplicate, counted once', () => {
    // Prepare: the batch response was lost, so SQS delivers the completing message again.
    const previous = entry({ completedAt: minutesFromNow(-1), deliveries: ['delivery-b'] });

    // Act
    const decision = decideCheck(previous, {
      ...CONTEXT,
      attempt: { messageId: 'msg-b', receiveCount: 2 },
    });

    // Assess
    expect(decision).toEqual({ kind: 'duplicate', deliveries: 1, counting: 'known' });
  });

  it('counts the deliveries past the listed ones, and the last of them once', () => {
    // Prepare
    const listed = Array.from({ length: 50 }, (_, index) => `delivery-${index}`);
    const previous = entry({
      deliveries: listed,
      moreDeliveries: 1000,
      lastDelivery: 'delivery-z',
    });

    // Act
    const fresh = decideCheck(previous, CONTEXT);
    const last = decideCheck(previous, { ...CONTEXT, deliveryId: 'delivery-z' });

    // Assess
    expect(fresh).toEqual({ kind: 'duplicate', deliveries: 1051, counting: 'unlisted' });
    expect(last).toEqual({ kind: 'duplicate', deliveries: 1050, counting: 'known' });
  });

  it.each(['ignored', 'refused'] as const)(
    'counts a finished (%s) event as a duplicate too',
    (status) => {
      // Prepare
      const previous = entry({ status, completedAt: minutesFromNow(-1) });

      // Act
      const decision = decideCheck(previous, CONTEXT);

      // Assess
      expect(decision).toEqual({ kind: 'duplicate', deliveries: 2, counting: 'listed' });
    },
  );

  it('measures the window from the completion, not from when the event was first seen', () => {
    // Prepare: first seen 8 days ago (a long retry history), completed 6 days ago.
    const previous = entry({
      firstSeenAt: minutesFromNow(-8 * 24 * 60),
      completedAt: minutesFromNow(-6 * 24 * 60),
    });

    // Act
    const decision = decideCheck(previous, CONTEXT);

    // Assess
    expect(decision.kind).toBe('duplicate');
  });

  it('applies again a completed event outside the window, which TTL has not deleted yet', () => {
    // Prepare
    const previous = entry({ completedAt: minutesFromNow(-(WINDOW_SECONDS / 60) - 1) });

    // Act
    const decision = decideCheck(previous, CONTEXT);
    const atTheEdge = decideCheck(
      entry({ completedAt: minutesFromNow(-(WINDOW_SECONDS / 60)) }),
      CONTEXT,
    );

    // Assess
    expect(decision).toEqual({ kind: 'new' });
    expect(atTheEdge).toEqual({ kind: 'new' });
  });

  it('retries an unfinished event another delivery failed on, whose failure is noted already', () => {
    // Act
    const decision = decideCheck(unfinished(), CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'retry', unfinishedAttempt: false });
  });

  it('asks to note a previous receive that left no entry: it crashed or timed out', () => {
    // Act
    const decision = decideCheck(undefined, {
      ...CONTEXT,
      attempt: { messageId: 'msg-b', receiveCount: 2 },
    });

    // Assess
    expect(decision).toEqual({ kind: 'retry', unfinishedAttempt: true });
  });

  it('asks to note a previous receive that crashed after an earlier receive noted its failure', () => {
    // Prepare: receive 1 of msg-b failed and noted it; receive 2 crashed; this is receive 3.
    const previous = unfinished({
      lastFailedAttempt: attemptKey({ messageId: 'msg-b', receiveCount: 1 }),
    });

    // Act
    const decision = decideCheck(previous, {
      ...CONTEXT,
      attempt: { messageId: 'msg-b', receiveCount: 3 },
    });

    // Assess
    expect(decision).toEqual({ kind: 'retry', unfinishedAttempt: true });
  });

  it('notes nothing more when the previous receive noted its own failure', () => {
    // Prepare
    const previous = unfinished({
      lastFailedAttempt: attemptKey({ messageId: 'msg-b', receiveCount: 2 }),
    });

    // Act
    const decision = decideCheck(previous, {
      ...CONTEXT,
      attempt: { messageId: 'msg-b', receiveCount: 3 },
    });

    // Assess
    expect(decision).toEqual({ kind: 'retry', unfinishedAttempt: false });
  });

  it('notes nothing for a redelivery that finds an entry finished outside the window', () => {
    // Prepare
    const previous = entry({ completedAt: minutesFromNow(-(WINDOW_SECONDS / 60) - 1) });

    // Act
    const decision = decideCheck(previous, {
      ...CONTEXT,
      attempt: { messageId: 'msg-b', receiveCount: 2 },
    });

    // Assess
    expect(decision).toEqual({ kind: 'retry', unfinishedAttempt: false });
  });
});

describe('duplicateOf', () => {
  it('finds no duplicate in a missing or unfinished entry', () => {
    // Act
    const missing = duplicateOf(undefined, CONTEXT);
    const processing = duplicateOf(unfinished(), CONTEXT);

    // Assess
    expect([missing, processing]).toEqual([undefined, undefined]);
  });

  it('reads a completion another delivery made while this one applied the event', () => {
    // Prepare: the entry as the other delivery's completion left it, a moment ago.
    const completed = entry({ completedAt: NOW.toISOString(), deliveries: ['delivery-a'] });

    // Act
    const duplicate = duplicateOf(completed, CONTEXT);

    // Assess
    expect(duplicate).toEqual({ kind: 'duplicate', deliveries: 2, counting: 'listed' });
  });
});
