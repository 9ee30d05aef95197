import { createHmac } from 'node:crypto';
import { verifyHs256Jwt } from '../../../shared/auth/authenticators';
import { signJwt } from '../ingest/support/spyne-jwt';

const SECRET = 'spyne-signing-2026-a1f4c9';
const NOW = new Date('2026-11-23T10:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const CLAIMS = {
  project_id: '88db42a7',
  sku_id: '523a07fa',
  iat: NOW_SECONDS - 3600,
  exp: NOW_SECONDS + 3600,
};

const failureOf = (token: string, secrets = SECRET, now = NOW): string | undefined => {
  const result = verifyHs256Jwt(token, secrets, now);
  return result.ok ? undefined : result.failure;
};

describe('verifyHs256Jwt', () => {
  it('accepts a token signed with the secret and returns its claims', () => {
    // Prepare
    const token = signJwt(CLAIMS, SECRET);

    // Act
    const result = verifyHs256Jwt(token, SECRET, NOW);

    // Assess
    expect(result).toEqual({
      ok: true,
      claims: CLAIMS,
      validUntil: CLAIMS.exp + 60,
      tokenDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('gives every token its own digest, and refuses another spelling of the same token', () => {
    // Prepare
    const token = signJwt(CLAIMS, SECRET);
    const other = signJwt({ ...CLAIMS, iat: CLAIMS.iat - 1 }, SECRET);
    const [head = '', body = '', signature = ''] = token.split('.');
    // 32 bytes leave 4 unused bits in the last base64url character; flipping them keeps the bytes.
    const last = signature.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = alphabet[alphabet.indexOf(last) ^ 1] ?? last;
    const variant = `${head}.${body}.${signature.slice(0, -1)}${respelled}`;

    // Act
    const digests = [token, other, variant].map((jwt) => {
      const result = verifyHs256Jwt(jwt, SECRET, NOW);
      return result.ok ? result.tokenDigest : result.failure;
    });

    // Assess
    expect(variant).not.toBe(token);
    expect(digests[1]).not.toBe(digests[0]);
    expect(digests[2]).toBe('jwt_malformed');
  });

  it('accepts a token signed with any value of the rotation list', () => {
    // Prepare
    const token = signJwt(CLAIMS, 'spyne-signing-2027-7be02d');

    // Act
    const failure = failureOf(token, `${SECRET},spyne-signing-2027-7be02d`);

    // Assess
    expect(failure).toBeUndefined();
  });

  it('refuses a token signed with another secret', () => {
    // Prepare
    const token = signJwt(CLAIMS, 'not-the-secret');

    // Act
    const failure = failureOf(token);

    // Assess
    expect(failure).toBe('jwt_signature');
  });

  it('refuses every token when the signing secret is unset, empty or only empty elements', () => {
    // Prepare
    const token = signJwt(CLAIMS, '');

    // Act
    const failures = [undefined, '', ' , '].map((secrets) => verifyHs256Jwt(token, secrets, NOW));

    // Assess
    expect(failures.map((result) => result.ok)).toEqual([false, false, false]);
  });

  it.each([
    ['alg none', { alg: 'none', typ: 'JWT' }],
    ['alg None', { alg: 'None' }],
    ['alg HS512', { alg: 'HS512', typ: 'JWT' }],
    ['alg RS256', { alg: 'RS256', typ: 'JWT' }],
    ['alg hs256 (wrong case)', { alg: 'hs256' }],
    ['a missing alg', { typ: 'JWT' }],
    ['a non-string alg', { alg: ['HS256'] }],
    ['a crit extension', { alg: 'HS256', crit: ['b64'], b64: false }],
  ])('refuses a header with %s, even when the HMAC is right', (_label, header) => {
    // Prepare
    const token = signJwt(CLAIMS, SECRET, header);

    // Act
    const failure = failureOf(token);

    // Assess
    expect(failure).toBe('jwt_algorithm');
  });

  it('refuses an unsigned alg-none token with an empty signature', () => {
    // Prepare
    const [header, payload] = signJwt(CLAIMS, SECRET, { alg: 'none' }).split('.');
    const token = `${header}.${payload}.`;

    // Act
    const failure = failureOf(token);

    // Assess
    expect(failure).toBe('jwt_malformed');
  });

  it.each([
    ['an empty string', ''],
    ['two segments', 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9'],
    ['four segments', 'a.b.c.d'],
    ['padding in a segment', `${signJwt(CLAIMS, SECRET)}=`],
    ['characters outside base64url', 'eyJhbGciOiJIUzI1NiJ9.eyJ+ZXhwIjoxfQ.c2ln'],
    ['a header that is not JSON', `${Buffer.from('not json').toString('base64url')}.e30.c2ln`],
    ['a header that is a JSON array', `${Buffer.from('["HS256"]').toString('base64url')}.e30.c2ln`],
    ['garbage', 'this is not a token'],
    ['an oversized token', `${'a'.repeat(9000)}.b.c`],
  ])('refuses %s as malformed', (_label, token) => {
    // Prepare
    const secrets = SECRET;

    // Act
    const failure = failureOf(token, secrets);

    // Assess
    expect(failure).toBe('jwt_malformed');
  });

  it('refuses a token whose signature was altered or truncated', () => {
    // Prepare
    const token = signJwt(CLAIMS, SECRET);
    const middle = token.length - 10;
    const swapped = token[middle] === 'A' ? 'B' : 'A';
    const altered = `${token.slice(0, middle)}${swapped}${token.slice(middle + 1)}`;
    const truncated = token.slice(0, -4);

    // Act
    const results = [failureOf(altered), failureOf(truncated)];

    // Assess
    expect(results[0]).toBe('jwt_signature');
    expect(results[1]).toEqual(expect.stringMatching(/^jwt_(signature|malformed)$/));
  });

  it('refuses a non-canonical signature encoding (unused trailing bits set)', () => {
    // Prepare
    const token = signJwt(CLAIMS, SECRET);
    const last = token.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    const sameBytesOtherText = `${token.slice(0, -1)}${sibling}`;

    // Act
    const failure = failureOf(sameBytesOtherText);

    // Assess
    expect(failure).toBe('jwt_malformed');
  });

  it('refuses a token whose claims were changed after signing', () => {
    // Prepare
    const [header, , signature] = signJwt(CLAIMS, SECRET).split('.');
    const forged = Buffer.from(JSON.stringify({ ...CLAIMS, sku_id: 'other-sku' })).toString(
      'base64url',
    );

    // Act
    const failure = failureOf(`${header}.${forged}.${signature}`);

    // Assess
    expect(failure).toBe('jwt_signature');
  });

  it('refuses an expired token, allowing 60 s of clock skew', () => {
    // Prepare
    const expiredLongAgo = signJwt({ ...CLAIMS, exp: NOW_SECONDS - 61 }, SECRET);
    const expiredWithinSkew = signJwt({ ...CLAIMS, exp: NOW_SECONDS - 59 }, SECRET);

    // Act
    const failures = [failureOf(expiredLongAgo), failureOf(expiredWithinSkew)];

    // Assess
    expect(failures).toEqual(['jwt_expired', undefined]);
  });

  it('requires exp, as a number', () => {
    // Prepare
    const { exp: _exp, ...withoutExp } = CLAIMS;
    const tokens = [
      signJwt(withoutExp, SECRET),
      signJwt({ ...CLAIMS, exp: String(CLAIMS.exp) }, SECRET),
    ];

    // Act
    const failures = tokens.map((token) => failureOf(token));

    // Assess
    expect(failures).toEqual(['jwt_malformed', 'jwt_malformed']);
  });

  it('refuses a token not yet valid (nbf or iat beyond 60 s in the future)', () => {
    // Prepare
    const notBefore = signJwt({ ...CLAIMS, nbf: NOW_SECONDS + 120 }, SECRET);
    const issuedInFuture = signJwt({ ...CLAIMS, iat: NOW_SECONDS + 120 }, SECRET);
    const withinSkew = signJwt({ ...CLAIMS, nbf: NOW_SECONDS + 30, iat: NOW_SECONDS + 30 }, SECRET);

    // Act
    const failures = [failureOf(notBefore), failureOf(issuedInFuture), failureOf(withinSkew)];

    // Assess
    expect(failures).toEqual(['jwt_not_yet_valid', 'jwt_not_yet_valid', undefined]);
  });

  it('refuses a claims segment that is not a JSON object, even with a valid signature', () => {
    // Prepare
    const header = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
    const payload = Buffer.from('[1,2,3]').toString('base64url');
    const signature = createHmac('sha256', SECRET)
      .update(`${header}.${payload}`)
      .digest('base64url');

    // Act
    const failure = failureOf(`${header}.${payload}.${signature}`);

    // Assess
    expect(failure).toBe('jwt_malformed');
  });
});
