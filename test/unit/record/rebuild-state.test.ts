import { eventClock, type RecordState } from '../../../shared/record/record-state';
import type { ImageChange, ImagePatch } from '../../../shared/record/image-change';
import { rebuildState } from '../../../shared/record/rebuild-state';
import { mergeAll } from '../../support/merge-all';

const OLD = eventClock(new Date('2026-11-23T10:00:00.000Z'), 'spyne:old');
const FIRST = eventClock(new Date('2026-11-23T10:05:00.000Z'), 'spyne:first');
const SECOND = eventClock(new Date('2026-11-23T10:10:00.000Z'), 'spyne:second');

const change = (clock: ImageChange['clock'], patch: ImagePatch): ImageChange => ({
  vendor: 'spyne',
  imageId: 'img-1',
  clock,
  patch,
});

const stateOf = (changes: ImageChange[]): RecordState => {
  const state = mergeAll(changes);
  if (state === undefined) throw new Error('no changes');
  return state;
};

const SKU = { kind: 'sku', id: 'sku-1' } as const;
const ARCHIVED = new Set(['spyne:first', 'spyne:second']);
const rederived = (eventId: string) => ARCHIVED.has(eventId);

describe('rebuildState', () => {
  it('keeps the fields of events it does not re-derive and replaces those of archived ones', () => {
    // Prepare: stored under a broken normalizer that put the input URL in `output`.
    const stored = stateOf([
      change(OLD, { core: { collection: SKU, name: 'front' }, urls: { input: 'https://x/in' } }),
      change(FIRST, { core: { status: 'done' }, urls: { output: 'https://x/in' } }),
      change(SECOND, { vendorMeta: { normalizer: 'broken' } }),
    ]);
    const fixed = [
      change(FIRST, { core: { status: 'done' }, urls: { output: 'https://x/out' } }),
      change(SECOND, { tags: { t1: { name: 'rear' } } }),
    ];

    // Act
    const { state, refused } = rebuildState({
      stored,
      rederived,
      changes: fixed,
      collections: 'fixed',
    });

    // Assess: what merging the old event with today's changes gives, nothing of the broken write.
    expect(refused).toBe(0);
    expect(state).toEqual(
      stateOf([
        change(OLD, { core: { collection: SKU, name: 'front' }, urls: { input: 'https://x/in' } }),
        ...fixed,
      ]),
    );
  });

  it('is idempotent: rebuilding its own result gives the same state', () => {
    // Prepare
    const stored = stateOf([
      change(OLD, { core: { name: 'front' } }),
      change(FIRST, { core: { name: 'wrong' } }),
    ]);
    const changes = [change(FIRST, { core: { status: 'processing' } })];
    const once = rebuildState({ stored, rederived, changes, collections: 'fixed' }).state;

    // Act
    const twice = rebuildState({ stored: once, rederived, changes, collections: 'fixed' }).state;

    // Assess: the old event's name was overwritten in store, so nothing is left to bring back.
    expect(twice).toEqual(once);
    expect(once?.fields['core:name']).toBeUndefined();
    expect(once?.fields['core:status']?.value).toBe('processing');
  });

  it('refuses, in event order, a change that would move the image to another collection', () => {
    // Prepare
    const changes = [
      change(SECOND, { core: { collection: { kind: 'sku', id: 'sku-2' }, name: 'moved' } }),
      change(FIRST, { core: { collection: SKU, name: 'first' } }),
    ];

    // Act
    const fixedRule = rebuildState({ stored: undefined, rederived, changes, collections: 'fixed' });
    const movesRule = rebuildState({ stored: undefined, rederived, changes, collections: 'moves' });

    // Assess
    expect(fixedRule.refused).toBe(1);
    expect(fixedRule.state?.fields['core:name']?.value).toBe('first');
    expect(movesRule.refused).toBe(0);
    expect(movesRule.state?.fields['core:collection']?.value).toEqual({ kind: 'sku', id: 'sku-2' });
  });
});
