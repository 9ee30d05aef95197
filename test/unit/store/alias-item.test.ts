import { eventClock } from '../../../shared/record/record-state';
import {
  aliasKey,
  type HeldChange,
  heldChangesOf,
  isAliasKey,
  MAX_HELD_BYTES,
  MAX_HELD_CHANGES,
  withHeldChange,
} from '../../../shared/store/alias-item';

const held = (minute: number, error = 'rejected'): HeldChange => ({
  clock: eventClock(new Date(Date.UTC(2026, 9, 14, 10, minute)), `cloudinary:moderation:${minute}`),
  patch: { core: { status: 'failed', error } },
});

const fold = (changes: readonly HeldChange[]): HeldChange[] =>
  changes.reduce<HeldChange[]>((list, change) => withHeldChange(list, change), []);

describe('held alias changes', () => {
  it('keep one entry per event, so a retried event is held once', () => {
    // Act
    const list = fold([held(1), held(1), held(2)]);

    // Assess
    expect(list.map((entry) => entry.clock)).toEqual([held(2).clock, held(1).clock]);
  });

  it(`keep at most ${MAX_HELD_CHANGES}, the latest, whatever the arrival order`, () => {
    // Prepare
    const changes = Array.from({ length: 40 }, (_, minute) => held(minute));

    // Act
    const forward = fold(changes);
    const backward = fold([...changes].reverse());

    // Assess
    expect(forward).toHaveLength(MAX_HELD_CHANGES);
    expect(forward[0]?.clock).toBe(held(39).clock);
    expect(backward).toEqual(forward);
  });

  it(`stay within ${MAX_HELD_BYTES} bytes of JSON`, () => {
    // Prepare
    const big = Array.from({ length: 10 }, (_, minute) => held(minute, 'x'.repeat(20_000)));

    // Act
    const list = fold(big);

    // Assess
    expect(Buffer.byteLength(JSON.stringify(list))).toBeLessThanOrEqual(MAX_HELD_BYTES);
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThan(big.length);
  });

  it('read back what was written, and nothing from unreadable text', () => {
    // Prepare
    const list = fold([held(3), held(4)]);

    // Act / Assess
    expect(heldChangesOf(JSON.stringify(list))).toEqual(list);
    expect(heldChangesOf('{not json')).toEqual([]);
    expect(heldChangesOf(undefined)).toEqual([]);
  });

  it('live under keys no image key can take', () => {
    // Act
    const key = aliasKey('cloudinary', 'sku-48213-front');

    // Assess
    expect(key).toBe('alias#cloudinary#sku-48213-front');
    expect(isAliasKey(key)).toBe(true);
    expect(isAliasKey('cloudinary#c66f05238d4ca6294da6ba95908d7d24')).toBe(false);
  });
});
