import fc from 'fast-check';
import * as v from 'valibot';
import { applyChange, eventClock, toImageRecord } from '../../../shared/record/record-state';
import type { ImageChange, ImagePatch } from '../../../shared/record/image-change';
import {
  ImageRecordSchema,
  MAX_META_ENTRIES,
  MAX_TAG_ENTRIES,
} from '../../../shared/record/image-record';
import { mergeAll } from '../../support/merge-all';

const UPDATED_AT = '2026-11-23T12:00:00.000Z';

const change = (at: string, eventId: string, patch: ImagePatch): ImageChange => ({
  vendor: 'sharinpix',
  imageId: 'img-1',
  clock: eventClock(new Date(at), eventId),
  patch,
});

const recordOf = (changes: readonly ImageChange[]) => {
  const state = mergeAll(changes);
  if (!state) throw new Error('no changes');
  return toImageRecord(state, UPDATED_AT);
};

describe('applyChange: the order rules', () => {
  it('keeps, per field, the value of the latest event', () => {
    // Prepare
    const older = change('2026-01-01T00:00:00Z', 'a', { core: { name: 'old', width: 100 } });
    const newer = change('2026-01-02T00:00:00Z', 'b', { core: { name: 'new' } });

    // Act
    const record = recordOf([newer, older]);

    // Assess
    expect(record.name).toBe('new');
    expect(record.width).toBe(100);
    expect(record.lastEventAt).toBe('2026-01-02T00:00:00.000Z');
  });

  it('breaks a time tie with the larger eventId', () => {
    // Prepare
    const small = change('2026-01-01T00:00:00Z', 'event-a', { core: { name: 'from a' } });
    const large = change('2026-01-01T00:00:00Z', 'event-b', { core: { name: 'from b' } });

    // Act
    const forward = recordOf([small, large]);
    const backward = recordOf([large, small]);

    // Assess
    expect(forward.name).toBe('from b');
    expect(backward.name).toBe('from b');
  });

  it('clears a field when a later event sends null', () => {
    // Prepare
    const failed = change('2026-01-01T00:00:00Z', 'a', {
      core: { status: 'failed', error: 'boom' },
    });
    const done = change('2026-01-02T00:00:00Z', 'b', { core: { status: 'done', error: null } });

    // Act
    const record = recordOf([done, failed]);

    // Assess
    expect(record.status).toBe('done');
    expect(record).not.toHaveProperty('error');
  });

  it('makes deletion terminal, even against a later event', () => {
    // Prepare
    const deleted = change('2026-01-01T00:00:00Z', 'a', { deleted: true });
    const lateProcessed = change('2026-01-05T00:00:00Z', 'b', {
      core: { status: 'done', name: 'x' },
    });

    // Act
    const record = recordOf([deleted, lateProcessed]);

    // Assess
    expect(record.status).toBe('deleted');
    expect(record.deleted).toBe(true);
    expect(record.name).toBe('x');
  });

  it('converges tags per tag id: the latest add or remove wins', () => {
    // Prepare
    const add = change('2026-01-01T00:00:00Z', 'a', { tags: { t1: { name: 'Villa' } } });
    const remove = change('2026-01-02T00:00:00Z', 'b', { tags: { t1: null } });
    const addAgain = change('2026-01-03T00:00:00Z', 'c', {
      tags: { t1: { name: 'Villa', label: 'l' } },
    });
    const other = change('2026-01-01T00:00:00Z', 'd', { tags: { t0: { name: 'Main' } } });

    // Act
    const removed = recordOf([remove, other, add]);
    const final = recordOf([addAgain, remove, other, add]);

    // Assess
    expect(removed.tags).toEqual([{ id: 't0', name: 'Main' }]);
    expect(final.tags).toEqual([
      { id: 't0', name: 'Main' },
      { id: 't1', name: 'Villa', label: 'l' },
    ]);
  });

  it('shows uploaded only until an event states a status', () => {
    // Prepare
    const uploaded = change('2026-01-03T00:00:00Z', 'u', { uploaded: true });
    const processing = change('2026-01-01T00:00:00Z', 'p', { core: { status: 'processing' } });

    // Act
    const onlyUploaded = recordOf([uploaded]);
    const both = recordOf([uploaded, processing]);

    // Assess
    expect(onlyUploaded.status).toBe('uploaded');
    expect(both.status).toBe('processing');
  });

  it('reports whether a change altered the state', () => {
    // Prepare
    const newer = change('2026-01-02T00:00:00Z', 'b', { core: { name: 'new' } });
    const older = change('2026-01-01T00:00:00Z', 'a', { core: { name: 'old' } });
    const { state } = applyChange(undefined, newer);

    // Act
    const stale = applyChange(state, older);
    const repeat = applyChange(state, newer);

    // Assess
    expect(stale.changed).toBe(false);
    expect(repeat.changed).toBe(false);
    expect(stale.state).toEqual(state);
  });
});

/** Arbitrary changes to one image, over a small space of times, ids and values so they collide. */
const timeArb = fc.integer({ min: 0, max: 5 }).map((day) => `2026-01-0${day + 1}T00:00:00Z`);
const eventIdArb = fc.constantFrom('e1', 'e2', 'e3', 'e4');
const textArb = fc.constantFrom('a', 'b', 'c');
const patchArb: fc.Arbitrary<ImagePatch> = fc.record(
  {
    core: fc.record(
      {
        name: fc.option(textArb, { nil: null }),
        status: fc.constantFrom('processing', 'done', 'failed') as fc.Arbitrary<
          'processing' | 'done' | 'failed'
        >,
        width: fc.integer({ min: 1, max: 3 }),
        collection: fc.constant({ kind: 'album' as const, id: 'album-1' }),
      },
      { requiredKeys: [] },
    ),
    urls: fc.record({ input: fc.constantFrom('https://x/1', 'https://x/2') }, { requiredKeys: [] }),
    tags: fc.dictionary(
      fc.constantFrom('t1', 't2'),
      fc.option(fc.record({ name: textArb }), { nil: null }),
    ),
    detections: fc.record(
      {
        einstein: fc.array(
          fc.record({
            label: textArb,
            confidence: fc.constantFrom(0.1, 0.9),
            source: fc.constant('einstein' as const),
          }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
    vendorMeta: fc.dictionary(
      fc.constantFrom('page', 'group_id'),
      fc.option(textArb, { nil: null }),
    ),
    deleted: fc.constant(true as const),
    uploaded: fc.constant(true as const),
  },
  { requiredKeys: [] },
);
const changeArb = fc
  .tuple(timeArb, eventIdArb, patchArb)
  .map(([at, eventId, patch]) => change(at, eventId, patch));
/** A set of distinct events: one patch per eventId, as a real event has one content. */
const eventsArb = fc
  .uniqueArray(changeArb, { minLength: 1, maxLength: 8, selector: (item) => item.clock })
  .filter(
    (changes) => new Set(changes.map((item) => item.clock.split('|')[1])).size === changes.length,
  );

/** A set of events and one permutation of it. */
const eventsWithPermutationArb = eventsArb.chain((changes) =>
  fc.tuple(fc.constant(changes), fc.shuffledSubarray(changes, { minLength: changes.length })),
);

describe('applyChange: properties', () => {
  it('yields the identical record for any permutation of a set of events', () => {
    fc.assert(
      fc.property(eventsWithPermutationArb, ([changes, shuffled]) => {
        // Act
        const inOrder = recordOf(changes);
        const permuted = recordOf(shuffled);

        // Assess
        expect(permuted).toEqual(inOrder);
      }),
      { numRuns: 1000 },
    );
  });

  it('treats an event applied twice as applied once', () => {
    fc.assert(
      fc.property(eventsArb, fc.nat(), (changes, pick) => {
        // Prepare
        const repeated = changes[pick % changes.length];
        if (!repeated) throw new Error('empty');

        // Act
        const once = recordOf(changes);
        const twice = recordOf([...changes, repeated]);

        // Assess
        expect(twice).toEqual(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('always assembles a record that satisfies the output contract', () => {
    fc.assert(
      fc.property(eventsArb, (changes) => {
        // Act
        const record = recordOf(changes);

        // Assess
        expect(v.safeParse(ImageRecordSchema, record).issues).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * Histories long enough to hit the record caps: many tag ids and metadata keys, added, changed and
 * removed by many events, so that eviction runs in every order.
 */
const cappedTimeArb = fc
  .integer({ min: 0, max: 40 })
  .map((minute) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString());
const cappedPatchArb: fc.Arbitrary<ImagePatch> = fc.record(
  {
    tags: fc.dictionary(
      fc.integer({ min: 0, max: 149 }).map((id) => `t${id}`),
      fc.option(fc.record({ name: textArb }), { nil: null }),
      { minKeys: 3, maxKeys: 12 },
    ),
    vendorMeta: fc.dictionary(
      fc.integer({ min: 0, max: 59 }).map((key) => `context.k${key}`),
      fc.option(textArb, { nil: null }),
      { minKeys: 1, maxKeys: 6 },
    ),
    core: fc.record({ name: textArb }, { requiredKeys: [] }),
  },
  { requiredKeys: ['tags'] },
);
const cappedEventsArb = fc
  .array(fc.tuple(cappedTimeArb, cappedPatchArb), { minLength: 10, maxLength: 40 })
  .map((items) => items.map(([at, patch], index) => change(at, `e${index}`, patch)));
const cappedWithPermutationArb = cappedEventsArb.chain((changes) =>
  fc.tuple(fc.constant(changes), fc.shuffledSubarray(changes, { minLength: changes.length })),
);

const groupSize = (changes: readonly ImageChange[], prefix: string): number =>
  Object.keys(mergeAll(changes)?.fields ?? {}).filter((key) => key.startsWith(prefix)).length;

describe('applyChange: properties under the record caps', () => {
  it('yields the identical record for any permutation, with the caps evicting', () => {
    fc.assert(
      fc.property(cappedWithPermutationArb, ([changes, shuffled]) => {
        // Act
        const inOrder = mergeAll(changes);
        const permuted = mergeAll(shuffled);

        // Assess
        expect(permuted).toEqual(inOrder);
      }),
      { numRuns: 300 },
    );
  });

  it('treats an event applied twice as applied once, with the caps evicting', () => {
    fc.assert(
      fc.property(cappedEventsArb, fc.nat(), (changes, pick) => {
        // Prepare
        const repeated = changes[pick % changes.length];
        if (!repeated) throw new Error('empty');

        // Act
        const once = mergeAll(changes);
        const twice = mergeAll([...changes, repeated]);

        // Assess
        expect(twice).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('never holds more tag ids or metadata keys than the caps', () => {
    fc.assert(
      fc.property(cappedEventsArb, (changes) => {
        // Assess
        expect(groupSize(changes, 'tag:')).toBeLessThanOrEqual(MAX_TAG_ENTRIES);
        expect(groupSize(changes, 'meta:')).toBeLessThanOrEqual(MAX_META_ENTRIES);
      }),
      { numRuns: 300 },
    );
  });

  it('reports no change exactly when the state is left as it was', () => {
    fc.assert(
      fc.property(cappedEventsArb, (changes) => {
        // Act / Assess: one by one, as the store applies them.
        let state = mergeAll(changes.slice(0, 1));
        for (const next of changes.slice(1)) {
          const result = applyChange(state, next);
          if (!result.changed) expect(result.state).toEqual(state);
          else expect(result.state).not.toEqual(state);
          state = result.state;
        }
      }),
      { numRuns: 300 },
    );
  });
});
