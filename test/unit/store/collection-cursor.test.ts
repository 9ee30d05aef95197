import { createHmac } from 'node:crypto';
import {
  decodeCursor,
  encodeCursor,
  MAX_CURSOR_LENGTH,
} from '../../../shared/store/collection-cursor';
import { collectionSortKey } from '../../../shared/store/record-item';

const KEY = 'unit-test-cursor-key-0123456789abcdef';
const SCOPE = { vendor: 'spyne', collectionId: '523a07fa' } as const;
const POSITION = {
  recordKey: 'spyne#img-7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  sortKey: collectionSortKey(2, 'img-7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'),
};

/** Replaces one character of a string with a different base64url character. */
const flipCharacter = (text: string, index: number): string => {
  const current = text[index];
  const replacement = current === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
};

describe('collection cursor', () => {
  it('round-trips a position for the collection it was minted for', () => {
    // Prepare
    const token = encodeCursor(POSITION, SCOPE, KEY);

    // Act
    const decoded = decodeCursor(token, SCOPE, KEY);

    // Assess
    expect(decoded).toEqual({ ok: true, position: POSITION });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a token whose payload was altered', () => {
    // Prepare
    const token = encodeCursor(POSITION, SCOPE, KEY);
    const [payload = '', tag = ''] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        vendor: 'spyne',
        collection: '523a07fa',
        recordKey: 'spyne#z',
        sortKey: 'z',
      }),
    ).toString('base64url');

    // Act
    const flipped = decodeCursor(`${flipCharacter(payload, 5)}.${tag}`, SCOPE, KEY);
    const replaced = decodeCursor(`${forged}.${tag}`, SCOPE, KEY);

    // Assess
    expect(flipped).toEqual({ ok: false, reason: 'tampered' });
    expect(replaced).toEqual({ ok: false, reason: 'tampered' });
  });

  it('refuses a token whose tag was altered or made with another key', () => {
    // Prepare
    const token = encodeCursor(POSITION, SCOPE, KEY);
    const [payload = '', tag = ''] = token.split('.');

    // Act
    const flipped = decodeCursor(`${payload}.${flipCharacter(tag, 0)}`, SCOPE, KEY);
    const otherKey = decodeCursor(encodeCursor(POSITION, SCOPE, `${KEY}-other`), SCOPE, KEY);

    // Assess
    expect(flipped).toEqual({ ok: false, reason: 'tampered' });
    expect(otherKey).toEqual({ ok: false, reason: 'tampered' });
  });

  it('refuses a genuine token presented for another collection or vendor', () => {
    // Prepare
    const token = encodeCursor(POSITION, SCOPE, KEY);

    // Act
    const otherCollection = decodeCursor(token, { ...SCOPE, collectionId: 'sku-7f3e21aa' }, KEY);
    const otherVendor = decodeCursor(token, { ...SCOPE, vendor: 'sharinpix' }, KEY);

    // Assess
    expect(otherCollection).toEqual({ ok: false, reason: 'other_collection' });
    expect(otherVendor).toEqual({ ok: false, reason: 'other_collection' });
  });

  it.each([
    ['empty', ''],
    ['without a tag', 'eyJhIjoxfQ'],
    ['with a short tag', 'eyJhIjoxfQ.abc'],
    [
      'with characters outside base64url',
      'eyJhIjoxfQ==.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    ['too long', `${'A'.repeat(MAX_CURSOR_LENGTH)}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`],
  ])('refuses a token that is %s', (_case, token) => {
    // Act
    const decoded = decodeCursor(token, SCOPE, KEY);

    // Assess
    expect(decoded).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a correctly signed payload that is not a position', () => {
    // Prepare: sign a payload of the wrong shape with the real key, as a leaked key would allow.
    const payload = Buffer.from(
      JSON.stringify({ vendor: 'spyne', collection: '523a07fa' }),
    ).toString('base64url');
    const tag = createHmac('sha256', KEY)
      .update('collection-cursor.v1.')
      .update(payload)
      .digest('base64url');

    // Act
    const decoded = decodeCursor(`${payload}.${tag}`, SCOPE, KEY);

    // Assess
    expect(decoded).toEqual({ ok: false, reason: 'malformed' });
  });
});
