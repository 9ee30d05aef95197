import { matchesAnySecret, secretListOf } from '../../../shared/auth/authenticators';

describe('secretListOf', () => {
  it('splits a rotation list, trimming elements and dropping empty or blank ones', () => {
    // Prepare
    const raw = ' current-7f3a ,, ,next-91c2, ';

    // Act
    const list = secretListOf(raw);

    // Assess
    expect(list).toEqual(['current-7f3a', 'next-91c2']);
  });

  it('gives an empty list for an unset or empty variable', () => {
    // Prepare
    const unset = undefined;

    // Act
    const lists = [secretListOf(unset), secretListOf(''), secretListOf(' , ')];

    // Assess
    expect(lists).toEqual([[], [], []]);
  });
});

describe('matchesAnySecret', () => {
  it.each([
    ['the first rotation value', 'current-7f3a', true],
    ['the second rotation value', 'next-91c2', true],
    ['a prefix of a value', 'current-7f3', false],
    ['a value with extra characters', 'current-7f3ab', false],
    ['a different case', 'CURRENT-7F3A', false],
    ['the whole comma-joined list', 'current-7f3a,next-91c2', false],
    ['an empty candidate', '', false],
    ['a whitespace candidate', ' ', false],
  ])('with %s answers %p', (_label, candidate, expected) => {
    // Prepare
    const list = 'current-7f3a,next-91c2';

    // Act
    const matched = matchesAnySecret(candidate, list);

    // Assess
    expect(matched).toBe(expected);
  });

  it('never matches an empty rotation element, even against an empty or blank candidate', () => {
    // Prepare
    const listWithHoles = 'current-7f3a,, ,';

    // Act
    const results = ['', ' ', undefined].map((candidate) =>
      matchesAnySecret(candidate, listWithHoles),
    );

    // Assess
    expect(results).toEqual([false, false, false]);
  });

  it('never matches when the secret is unset or empty', () => {
    // Prepare
    const candidate = 'anything';

    // Act
    const results = [matchesAnySecret(candidate, undefined), matchesAnySecret(candidate, '')];

    // Assess
    expect(results).toEqual([false, false]);
  });

  it('compares values of any length without throwing (both sides are hashed first)', () => {
    // Prepare
    const longCandidate = 'x'.repeat(10_000);

    // Act
    const matched = matchesAnySecret(longCandidate, 'short');

    // Assess
    expect(matched).toBe(false);
  });
});
