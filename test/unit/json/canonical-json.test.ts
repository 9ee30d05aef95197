import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson, contentDigest, contentDigestOf } from '../../../shared/json/json-value';

/**
 * The definition `canonicalJson` was first written as: entries without `undefined`, sorted by key,
 * recursively. The faster implementation must produce exactly these bytes, because `eventId`
 * digests (and so deduplication across deploys) are computed from them.
 */
const referenceCanonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${referenceCanonicalJson(item)}`).join(',')}}`;
};

/** Strings that exercise every escape rule: quotes, backslashes, controls, lone and paired surrogates. */
const trickyString = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '"',
    '\\',
    '\u0000',
    '\u001f',
    '\u007f',
    '\u2028',
    '\ud800',
    '\udfff',
    'a\ud83d\ude00b',
    '',
  ),
);

const jsonLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    trickyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('canonicalJson', () => {
  it('writes exactly the bytes of the reference definition for any JSON-like value', () => {
    // Prepare
    const property = fc.property(jsonLike, (value) => {
      // Act
      const written = canonicalJson(value);

      // Assess
      expect(written).toBe(referenceCanonicalJson(value));
    });

    // Act and Assess
    fc.assert(property, { numRuns: 2000 });
  });

  it('sorts keys by UTF-16 code units, skips undefined properties and keeps array holes empty', () => {
    // Prepare
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const value = { b: 1, a: [undefined, sparse], é: 'x', Z: undefined, '\ud83d': -0 };

    // Act
    const written = canonicalJson(value);

    // Assess
    expect(written).toBe('{"a":[null,[1,,3]],"b":1,"é":"x","\\ud83d":0}');
    expect(written).toBe(referenceCanonicalJson(value));
  });

  it('equals the reference for non-finite numbers and non-JSON values', () => {
    // Prepare
    const values = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      () => 1,
      Symbol('s'),
      new Date(0),
      new Map(),
    ];

    // Act
    const written = values.map(canonicalJson);

    // Assess
    expect(written).toEqual(values.map(referenceCanonicalJson));
    expect(written).toEqual(['null', 'null', 'null', 'null', '{}', '{}']);
  });
});

describe('contentDigestOf', () => {
  it('gives the canonical form the digest was computed over, for the queue message to reuse', () => {
    // Prepare
    const payload = { b: [2, { d: 1, c: 'x' }], a: 'é' };

    // Act
    const { digest, canonical } = contentDigestOf(payload);

    // Assess
    expect(canonical).toBe('{"a":"é","b":[2,{"c":"x","d":1}]}');
    expect(canonical).toBe(canonicalJson(payload));
    expect(digest).toBe(createHash('sha256').update(canonical).digest('hex').slice(0, 16));
    expect(contentDigest(payload)).toBe(digest);
  });
});
