import fc from 'fast-check';
import {
  collectionKey,
  collectionSortKey,
  sequenceSortKey,
} from '../../../shared/store/record-item';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

describe('sequenceSortKey', () => {
  it('orders keys as strings exactly as the sequences order as numbers', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (a, b) => {
          // Act
          const byKey = compare(sequenceSortKey(a), sequenceSortKey(b));

          // Assess
          expect(byKey).toBe(Math.sign(a - b) || 0);
        },
      ),
      { numRuns: 2000, seed: 20261123 },
    );
  });

  it('sorts the familiar cases: negatives, fractions, large integers', () => {
    // Prepare
    const sequences = [1e12, 10, 2, 1.5, 1, 0, -1, -2.5, -1e12];

    // Act
    const sorted = [...sequences].sort((a, b) => compare(sequenceSortKey(a), sequenceSortKey(b)));

    // Assess
    expect(sorted).toEqual([-1e12, -2.5, -1, 0, 1, 1.5, 2, 10, 1e12]);
  });

  it('treats -0 as 0 and puts images without a sequence after every sequenced one', () => {
    // Act
    const negativeZero = sequenceSortKey(-0);
    const none = sequenceSortKey(undefined);
    const infinite = sequenceSortKey(Number.POSITIVE_INFINITY);

    // Assess
    expect(negativeZero).toBe(sequenceSortKey(0));
    expect(compare(none, sequenceSortKey(Number.MAX_VALUE))).toBe(1);
    expect(infinite).toBe(none);
  });
});

describe('collectionSortKey and collectionKey', () => {
  it('breaks sequence ties by imageId and keeps unsequenced images last, by imageId', () => {
    // Prepare
    const keys = [
      collectionSortKey(undefined, 'img-a'),
      collectionSortKey(2, 'img-a'),
      collectionSortKey(1, 'img-b'),
      collectionSortKey(1, 'img-a'),
      collectionSortKey(undefined, 'img-0'),
    ];

    // Act
    const sorted = [...keys].sort(compare);

    // Assess
    expect(sorted.map((key) => key.slice(key.indexOf('#') + 1))).toEqual([
      'img-a',
      'img-b',
      'img-a',
      'img-0',
      'img-a',
    ]);
    expect(sorted[0]).toBe(collectionSortKey(1, 'img-a'));
    expect(sorted[2]).toBe(collectionSortKey(2, 'img-a'));
  });

  it('scopes a collection to its vendor', () => {
    // Act
    const key = collectionKey('sharinpix', '0WOB0000000YsjGOAS');

    // Assess
    expect(key).toBe('sharinpix#0WOB0000000YsjGOAS');
    expect(key).not.toBe(collectionKey('spyne', '0WOB0000000YsjGOAS'));
  });
});
