import { deflateRawSync } from 'node:zlib';
import { eventClock } from '../../../shared/record/record-state';
import type { ImageChange } from '../../../shared/record/image-change';
import { mergeAll } from '../../support/merge-all';
import { itemBytes } from '../../../shared/store/dynamodb-item';
import {
  encodeState,
  fromRecordItem,
  type StoredRecord,
  stateAttribute,
  toRecordItem,
} from '../../../shared/store/record-item';

const UPDATED_AT = '2026-11-23T12:00:00.000Z';
const IMAGE_ID = '26e19efc-5bdf-4534-890e-df44e26975f8';
const ALBUM = 'https://cdn.sharinpix.com/albums/0WOB0000000YsjGOAS/images';

const storedOf = (patches: readonly ImageChange['patch'][]): StoredRecord => {
  const state = mergeAll(
    patches.map((patch, index) => ({
      vendor: 'sharinpix',
      imageId: IMAGE_ID,
      clock: eventClock(new Date(Date.UTC(2026, 10, 1 + index)), `sharinpix:e:${index}`),
      patch,
    })),
  );
  if (!state) throw new Error('no changes');
  return { state, rev: 3, updatedAt: UPDATED_AT };
};

/** A record the size SharinPix images really have: four long URLs under one prefix, metadata. */
const TYPICAL = storedOf([
  {
    core: {
      collection: { kind: 'album', id: '0WOB0000000YsjGOAS' },
      name: '4C1D0F5B-4F40-40FB-9C23-0B56B3DAB8D7',
      width: 3024,
      height: 4032,
      status: 'done',
      createdAt: '2021-11-12T12:23:15.327Z',
    },
    urls: { input: `${ALBUM}/${IMAGE_ID}/original.jpg` },
    thumbnails: {
      full: `${ALBUM}/${IMAGE_ID}/full.jpg`,
      large: `${ALBUM}/${IMAGE_ID}/large.jpg`,
      mini: `${ALBUM}/${IMAGE_ID}/mini.jpg`,
    },
    vendorMeta: { exifs: { DateTimeOriginal: '2021-11-12T16:21:55.000Z' }, page: 1 },
  },
]);

const TINY = storedOf([{ core: { name: 'x' } }]);

describe('the stored form of a record state', () => {
  it('deflates a typical record below one write unit, and reads it back unchanged', () => {
    // Prepare
    const plainItem = { ...toRecordItem(TYPICAL), state: { S: encodeState(TYPICAL.state) } };

    // Act
    const item = toRecordItem(TYPICAL);
    const parsed = fromRecordItem(item);

    // Assess
    expect(item.state?.B).toBeInstanceOf(Uint8Array);
    expect(itemBytes(plainItem)).toBeGreaterThan(1024);
    expect(itemBytes(item)).toBeLessThanOrEqual(1024);
    expect(parsed).toEqual({ ok: true, value: TYPICAL });
  });

  it.each([
    ['a typical record', TYPICAL],
    ['a one-field record', TINY],
  ])('stores %s in whichever form is smaller, and reads it back', (_case, stored) => {
    // Prepare
    const textBytes = Buffer.byteLength(encodeState(stored.state));
    const deflatedBytes = deflateRawSync(encodeState(stored.state), {
      windowBits: 12,
      memLevel: 5,
    }).byteLength;

    // Act
    const attribute = stateAttribute(stored.state);

    // Assess
    const storedBytes = attribute.B?.byteLength ?? Buffer.byteLength(attribute.S ?? '');
    expect(storedBytes).toBe(Math.min(textBytes, deflatedBytes));
    expect(fromRecordItem(toRecordItem(stored))).toEqual({ ok: true, value: stored });
  });

  it('still reads items written with the state as text', () => {
    // Prepare
    const item = { ...toRecordItem(TYPICAL), state: { S: encodeState(TYPICAL.state) } };

    // Act
    const parsed = fromRecordItem(item);

    // Assess
    expect(parsed).toEqual({ ok: true, value: TYPICAL });
  });

  it.each([
    ['bytes that are not deflate data', { B: Uint8Array.from([1, 2, 3, 4]) }, 'state'],
    ['deflated text that is not JSON', { B: deflateRawSync('{"c":') }, 'state'],
    [
      'deflated JSON with a dangling clock index',
      { B: deflateRawSync('{"c":[],"f":{"core:name":["x",0]}}') },
      'state.f.core:name',
    ],
    ['neither text nor bytes', { N: '1' }, 'state'],
  ])('refuses %s', (_case, state, path) => {
    // Prepare
    const item = { ...toRecordItem(TYPICAL), state };

    // Act
    const parsed = fromRecordItem(item);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toContain(path);
  });
});
