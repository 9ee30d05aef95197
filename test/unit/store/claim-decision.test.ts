import { decideClaim } from '../../../shared/store/dynamodb-event-ledger';
import type { LedgerEntry } from '../../../shared/store/ledger-item';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const WINDOW_SECONDS = 7 * 24 * 60 * 60;
const CONTEXT = {
  messageId: 'msg-b',
  deliveryId: 'delivery-b',
  now: NOW,
  dedupeWindowSeconds: WINDOW_SECONDS,
};

const minutesFromNow = (minutes: number): string =>
  new Date(NOW.getTime() + minutes * 60_000).toISOString();

const entry = (overrides: Partial<LedgerEntry>): LedgerEntry => ({
  eventId: 'spyne:88db42a7:523a07fa:591c9ec9db49a67d',
  status: 'processing',
  owner: 'msg-a',
  claimedAt: minutesFromNow(-1),
  leaseUntil: minutesFromNow(1),
  deliveries: ['delivery-a'],
  ...overrides,
});

describe('decideClaim', () => {
  it('claims an event the ledger has never seen', () => {
    // Act
    const decision = decideClaim(undefined, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'claimed' });
  });

  it('resumes an unfinished event this same message owns (an SQS redelivery after a crash)', () => {
    // Prepare
    const previous = entry({ owner: 'msg-b', leaseUntil: minutesFromNow(1) });

    // Act
    const decision = decideClaim(previous, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'resumed' });
  });

  it('defers to another delivery that holds a live lease', () => {
    // Prepare
    const previous = entry({ leaseUntil: minutesFromNow(1) });

    // Act
    const decision = decideClaim(previous, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'held', leaseUntil: minutesFromNow(1) });
  });

  it('takes over an event whose lease has expired', () => {
    // Prepare
    const previous = entry({ leaseUntil: minutesFromNow(-1) });

    // Act
    const decision = decideClaim(previous, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'takeover', previous });
  });

  it('counts a completed event within the window as a duplicate, this delivery included', () => {
    // Prepare
    const previous = entry({
      status: 'completed',
      completedAt: minutesFromNow(-60),
      leaseUntil: undefined,
      deliveries: ['delivery-a', 'delivery-c'],
    });

    // Act
    const decision = decideClaim(previous, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'duplicate', deliveries: 3 });
  });

  it('treats a redelivery of the message that completed the event as a duplicate, not counted twice', () => {
    // Prepare
    const previous = entry({
      status: 'completed',
      owner: 'msg-b',
      completedAt: minutesFromNow(-1),
      deliveries: ['delivery-b'],
    });

    // Act
    const decision = decideClaim(previous, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'duplicate', deliveries: 1 });
  });

  it('counts the deliveries past the listed ones, and the last of them once', () => {
    // Prepare
    const previous = entry({
      status: 'completed',
      completedAt: minutesFromNow(-1),
      deliveries: ['delivery-a', 'delivery-c'],
      moreDeliveries: 1000,
      lastDelivery: 'delivery-z',
    });

    // Act
    const fresh = decideClaim(previous, CONTEXT);
    const last = decideClaim(previous, { ...CONTEXT, deliveryId: 'delivery-z' });

    // Assess
    expect(fresh).toEqual({ kind: 'duplicate', deliveries: 1003 });
    expect(last).toEqual({ kind: 'duplicate', deliveries: 1002 });
  });

  it('counts an ignored (unsupported) event as a duplicate too', () => {
    // Prepare
    const previous = entry({ status: 'ignored', completedAt: minutesFromNow(-1) });

    // Act
    const decision = decideClaim(previous, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'duplicate', deliveries: 2 });
  });

  it('takes over a completed event outside the window, which TTL has not deleted yet', () => {
    // Prepare
    const previous = entry({
      status: 'completed',
      completedAt: minutesFromNow(-(WINDOW_SECONDS / 60) - 1),
    });

    // Act
    const decision = decideClaim(previous, CONTEXT);

    // Assess
    expect(decision).toEqual({ kind: 'takeover', previous });
  });
});
