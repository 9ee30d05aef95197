import { eventClock } from '../../../shared/record/record-state';
import type { ImageChange } from '../../../shared/record/image-change';
import { mergeAll } from '../../support/merge-all';
import {
  collectionSortKey,
  encodeState,
  fromRecordItem,
  recordKey,
  type StoredRecord,
  toRecordItem,
} from '../../../shared/store/record-item';

const UPDATED_AT = '2026-11-23T12:00:00.000Z';

const change = (at: string, eventId: string, patch: ImageChange['patch']): ImageChange => ({
  vendor: 'sharinpix',
  imageId: 'f37e01b7-942c-4179-bfd0-0cccf4700328',
  clock: eventClock(new Date(at), eventId),
  patch,
});

const storedOf = (changes: readonly ImageChange[], rev = 1): StoredRecord => {
  const state = mergeAll(changes);
  if (!state) throw new Error('no changes');
  return { state, rev, updatedAt: UPDATED_AT };
};

const SAMPLE = storedOf([
  change('2026-01-01T00:00:00Z', 'sharinpix:new_image:f37e:1', {
    core: {
      collection: { kind: 'album', id: '0WOB0000000YsjGOAS' },
      name: 'NorthBuilding',
      width: 3786,
      status: 'done',
    },
    urls: { input: 'https://cdn.sharinpix.com/albums/0WOB/images/f37e/original.jpg' },
    vendorMeta: { metadatas: { 'odd key.with "quotes"': [1, { deep: null }] }, page: 1 },
  }),
  change('2026-01-02T00:00:00Z', 'sharinpix:new_tag_image:3f5d:2', {
    // fromEntries makes `__proto__` an own key, as a vendor tag id could be.
    tags: Object.fromEntries([
      ['9c3ba3d4', { name: 'main', label: '{"en":"main"}' }],
      ['__proto__', null],
    ]),
  }),
  change('2026-01-03T00:00:00Z', 'sharinpix:delete_image:f37e:3', { deleted: true }),
]);

describe('record item serialization', () => {
  it('round-trips a state through the item unchanged', () => {
    // Act
    const parsed = fromRecordItem(toRecordItem(SAMPLE));

    // Assess
    expect(parsed).toEqual({ ok: true, value: SAMPLE });
  });

  it('stores each clock once and the fields by clock index, as a JSON string', () => {
    // Act
    const encoded = JSON.parse(encodeState(SAMPLE.state));

    // Assess
    expect(encoded.c).toHaveLength(3);
    expect(new Set(encoded.c).size).toBe(3);
    expect(encoded.f['core:name']).toEqual(['NorthBuilding', 0]);
    expect(encoded.c[encoded.f['flag:deleted'][1]]).toBe(
      '2026-01-03T00:00:00.000Z|sharinpix:delete_image:f37e:3',
    );
    expect(encoded.f['tag:__proto__']).toEqual([null, expect.any(Number)]);
  });

  it('encodes equal states to equal strings, whatever the field insertion order', () => {
    // Prepare
    const reversed = {
      ...SAMPLE.state,
      fields: Object.fromEntries(Object.entries(SAMPLE.state.fields).reverse()),
    };

    // Act
    const forward = encodeState(SAMPLE.state);
    const backward = encodeState(reversed);

    // Assess
    expect(backward).toBe(forward);
  });

  it('writes the key, the version and the collection index keys from the merged state', () => {
    // Act
    const item = toRecordItem(SAMPLE);

    // Assess
    expect(item.pk).toEqual({ S: 'sharinpix#f37e01b7-942c-4179-bfd0-0cccf4700328' });
    expect(item.rev).toEqual({ N: '1' });
    expect(item.collectionKey).toEqual({ S: 'sharinpix#0WOB0000000YsjGOAS' });
    expect(item.collectionSort).toEqual({
      S: collectionSortKey(undefined, 'f37e01b7-942c-4179-bfd0-0cccf4700328'),
    });
    expect(item.updatedAt).toEqual({ S: UPDATED_AT });
  });

  it('leaves an image without a collection out of the sparse index', () => {
    // Prepare
    const loose = storedOf([change('2026-01-01T00:00:00Z', 'e1', { core: { name: 'x' } })]);

    // Act
    const item = toRecordItem(loose);

    // Assess
    expect(item).not.toHaveProperty('collectionKey');
    expect(item).not.toHaveProperty('collectionSort');
  });

  it('sorts by the merged sequence', () => {
    // Prepare
    const sequenced = storedOf([
      change('2026-01-01T00:00:00Z', 'e1', {
        core: { collection: { kind: 'sku', id: 'sku-1' }, sequence: 3 },
      }),
    ]);

    // Act
    const item = toRecordItem(sequenced);

    // Assess
    expect(item.collectionSort).toEqual({
      S: collectionSortKey(3, 'f37e01b7-942c-4179-bfd0-0cccf4700328'),
    });
  });

  it('gives every vendor its own key space', () => {
    // Act
    const spyne = recordKey('spyne', 'img-1');
    const sharinpix = recordKey('sharinpix', 'img-1');

    // Assess
    expect(spyne).toBe('spyne#img-1');
    expect(sharinpix).not.toBe(spyne);
  });
});

describe('reading items this code did not write', () => {
  const valid = toRecordItem(SAMPLE);

  it.each([
    ['a key that does not match vendor and imageId', { pk: { S: 'spyne#other' } }, 'pk'],
    ['a state that is not JSON', { state: { S: '{"c":' } }, 'state'],
    [
      'a field pointing at a missing clock',
      { state: { S: '{"c":[],"f":{"core:name":["x",0]}}' } },
      'state.f.core:name',
    ],
    [
      'a clock in a non-canonical form',
      { state: { S: '{"c":["2026-01-01T00:00:00Z|e1"],"f":{"core:name":["x",0]}}' } },
      'state.c.0',
    ],
    [
      'a clock without an eventId',
      { state: { S: '{"c":["2026-01-01T00:00:00.000Z|"],"f":{}}' } },
      'state.c.0',
    ],
    ['an unknown vendor', { vendor: { S: 'acme' } }, 'vendor.S'],
    ['a version that is not a number', { rev: { N: 'one' } }, 'rev.N'],
    ['a missing updatedAt', { updatedAt: undefined }, 'updatedAt'],
  ])('refuses %s', (_case, override, path) => {
    // Prepare
    const item = Object.fromEntries(
      Object.entries({ ...valid, ...override }).filter(([, value]) => value !== undefined),
    );

    // Act
    const parsed = fromRecordItem(item);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toContain(path);
  });
});
