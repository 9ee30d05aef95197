import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Splits a secret variable into its rotation list. Elements are trimmed, and empty or
 * whitespace-only elements are dropped, so a stray comma (`"old,"`) can never make the empty
 * string a valid credential.
 */
export const secretListOf = (raw: string | undefined): readonly string[] =>
  (raw ?? '')
    .split(',')
    .map((element) => element.trim())
    .filter((element) => element.length > 0);

const sha256 = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/**
 * Whether a presented credential equals any value of a rotation list, in constant time. Both
 * sides are hashed with SHA-256 first so `timingSafeEqual` always compares 32 bytes (the secret's
 * length does not leak), and every element is compared, so the position of the match does not
 * leak either. An empty candidate never matches.
 */
export const matchesAnySecret = (
  candidate: string | undefined,
  rawList: string | undefined,
): boolean => {
  if (candidate === undefined || candidate.length === 0) return false;
  const candidateDigest = sha256(candidate);
  let matched = false;
  for (const secret of secretListOf(rawList)) {
    matched = timingSafeEqual(candidateDigest, sha256(secret)) || matched;
  }
  return matched;
};

/**
 * Whether two byte strings are equal, in constant time for equal lengths. Used for MACs, whose
 * length is public.
 */
export const bytesEqual = (a: Buffer, b: Buffer): boolean =>
  a.length === b.length && timingSafeEqual(a, b);
