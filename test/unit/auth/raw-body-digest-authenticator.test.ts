import { createHmac } from 'node:crypto';
import {
  authenticateRawBodyDigest,
  DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
  DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS,
  type RawBodyDigestScheme,
  type RawBodySource,
  signRawBody,
} from '../../../shared/auth/authenticators';

const SCHEME: RawBodyDigestScheme = {
  signatureHeader: 'x-cld-signature',
  timestampHeader: 'x-cld-timestamp',
  algorithms: ['sha1', 'sha256'],
  mode: 'suffix',
  maxAgeSeconds: DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
  maxFutureSeconds: DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS,
};

const requestWith = (body: string | Buffer, headers: Record<string, string>): RawBodySource => ({
  body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  header: (name) => headers[name.toLowerCase()],
  queryValues: () => [],
});

/** The notification-signature page's worked example: a literal text body, not JSON. */
const DOC_BODY = "{public_id: 'sample'}";
const DOC_TIMESTAMP = '1315060510';
const DOC_NOW = new Date(1315060510 * 1000 + 60_000);

describe('signRawBody (published vectors)', () => {
  it.each([
    [
      'the documentation example (SHA-1)',
      'sha1' as const,
      DOC_BODY,
      DOC_TIMESTAMP,
      'abcd',
      '25f7e91709c858b97d688ce8da799dedb290d9ef',
    ],
    [
      'the Node SDK SHA-1 test vector',
      'sha1' as const,
      '{"public_id":"117e5550-7bfa-11e4-80d7-f962166bd3be","version":1417727468}',
      '1417727468',
      'shhh',
      'bac927006d3ce039ef7632e2c03189348d02924a',
    ],
    [
      'the Node SDK SHA-256 test vector',
      'sha256' as const,
      '{"public_id":"b8sjhoslj8cq8ovoa0ma","version":"1555337587","width":1000,"height":800}',
      '7952342400000',
      'hardcoded',
      '6c5a29fd8815772fbac2f10ae741e093d0859313947ef8fadeb29126ded6649c',
    ],
  ])('reproduces %s', (_label, algorithm, body, timestamp, secret, expected) => {
    // Act
    const signature = signRawBody('suffix', algorithm, body, timestamp, secret);

    // Assess
    expect(signature).toBe(expected);
  });

  it('keys a real HMAC in hmac mode', () => {
    // Prepare
    const expected = createHmac('sha256', 'key').update('body').update('1700000000').digest('hex');

    // Act
    const signature = signRawBody('hmac', 'sha256', 'body', '1700000000', 'key');

    // Assess
    expect(signature).toBe(expected);
  });
});

describe('authenticateRawBodyDigest', () => {
  const signed = (
    body: string | Buffer,
    timestamp: string,
    secret: string,
    algorithm: 'sha1' | 'sha256' = 'sha1',
  ): RawBodySource =>
    requestWith(body, {
      'x-cld-signature': signRawBody('suffix', algorithm, body, timestamp, secret),
      'x-cld-timestamp': timestamp,
    });

  it('accepts the documentation example at its own time', () => {
    // Prepare
    const request = signed(DOC_BODY, DOC_TIMESTAMP, 'abcd');

    // Act
    const result = authenticateRawBodyDigest(SCHEME, request, 'abcd', DOC_NOW);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it.each(['sha1', 'sha256'] as const)('accepts a %s signature by its length', (algorithm) => {
    // Prepare
    const request = signed('{"a":1}', DOC_TIMESTAMP, 'abcd', algorithm);

    // Act
    const result = authenticateRawBodyDigest(SCHEME, request, 'abcd', DOC_NOW);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('accepts any secret of the rotation list, and an upper-case signature', () => {
    // Prepare
    const body = '{"a":1}';
    const request = requestWith(body, {
      'x-cld-signature': signRawBody('suffix', 'sha1', body, DOC_TIMESTAMP, 'new').toUpperCase(),
      'x-cld-timestamp': DOC_TIMESTAMP,
    });

    // Act
    const result = authenticateRawBodyDigest(SCHEME, request, 'old, new', DOC_NOW);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('refuses an algorithm the scheme does not allow', () => {
    // Prepare
    const request = signed('{"a":1}', DOC_TIMESTAMP, 'abcd', 'sha1');

    // Act
    const result = authenticateRawBodyDigest(
      { ...SCHEME, algorithms: ['sha256'] },
      request,
      'abcd',
      DOC_NOW,
    );

    // Assess
    expect(result).toEqual({ ok: false, failure: 'signature_malformed' });
  });

  it('covers the exact bytes: re-serialized JSON fails', () => {
    // Prepare
    const sent = '{ "public_id": "sample", "display_name": "Trail runner \u2013 front" }';
    const signature = signRawBody('suffix', 'sha1', sent, DOC_TIMESTAMP, 'abcd');
    const request = requestWith(JSON.stringify(JSON.parse(sent)), {
      'x-cld-signature': signature,
      'x-cld-timestamp': DOC_TIMESTAMP,
    });

    // Act
    const result = authenticateRawBodyDigest(SCHEME, request, 'abcd', DOC_NOW);

    // Assess
    expect(result).toEqual({ ok: false, failure: 'credential_mismatch' });
  });

  it.each([
    ['no signature', { 'x-cld-timestamp': DOC_TIMESTAMP }, 'credential_missing'],
    ['no timestamp', { 'x-cld-signature': 'a'.repeat(40) }, 'credential_missing'],
    [
      'a timestamp in milliseconds',
      { 'x-cld-signature': 'a'.repeat(40), 'x-cld-timestamp': '1315060510000' },
      'timestamp_malformed',
    ],
    [
      'a non-numeric timestamp',
      { 'x-cld-signature': 'a'.repeat(40), 'x-cld-timestamp': '1315060510.5' },
      'timestamp_malformed',
    ],
    [
      'a timestamp sent twice',
      { 'x-cld-signature': 'a'.repeat(40), 'x-cld-timestamp': `${DOC_TIMESTAMP},${DOC_TIMESTAMP}` },
      'timestamp_malformed',
    ],
    [
      'a signature of another length',
      { 'x-cld-signature': 'a'.repeat(41), 'x-cld-timestamp': DOC_TIMESTAMP },
      'signature_malformed',
    ],
    [
      'a signature that is not hex',
      { 'x-cld-signature': 'z'.repeat(40), 'x-cld-timestamp': DOC_TIMESTAMP },
      'signature_malformed',
    ],
  ])('refuses %s', (_label, headers, failure) => {
    // Prepare
    const request = requestWith(DOC_BODY, headers);

    // Act
    const result = authenticateRawBodyDigest(SCHEME, request, 'abcd', DOC_NOW);

    // Assess
    expect(result).toEqual({ ok: false, failure });
  });

  it.each([
    ['at the age limit', -DEFAULT_SIGNATURE_MAX_AGE_SECONDS, true],
    ['one second past the age limit', -DEFAULT_SIGNATURE_MAX_AGE_SECONDS - 1, false],
    ['at the future limit', DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS, true],
    ['one second past the future limit', DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS + 1, false],
  ])('with a timestamp %s (%p s) answers ok=%p', (_label, offsetSeconds, expected) => {
    // Prepare
    const nowSeconds = 1_790_000_000;
    const timestamp = String(nowSeconds + offsetSeconds);
    const request = signed('{"a":1}', timestamp, 'abcd');

    // Act
    const result = authenticateRawBodyDigest(
      SCHEME,
      request,
      'abcd',
      new Date(nowSeconds * 1000 + 999),
    );

    // Assess
    expect(result.ok).toBe(expected);
  });

  it('honours a configured window', () => {
    // Prepare
    const request = signed('{"a":1}', '1790000000', 'abcd');

    // Act
    const result = authenticateRawBodyDigest(
      { ...SCHEME, maxAgeSeconds: 60 },
      request,
      'abcd',
      new Date((1_790_000_000 + 61) * 1000),
    );

    // Assess
    expect(result).toEqual({ ok: false, failure: 'timestamp_out_of_window' });
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['only commas', ', ,'],
  ])('refuses everything when the secret list is %s', (_label, secrets) => {
    // Prepare
    const request = signed(DOC_BODY, DOC_TIMESTAMP, '');

    // Act
    const result = authenticateRawBodyDigest(SCHEME, request, secrets, DOC_NOW);

    // Assess
    expect(result).toEqual({ ok: false, failure: 'credential_mismatch' });
  });

  it('refuses a signature made with the right secret over another timestamp', () => {
    // Prepare
    const body = '{"a":1}';
    const request = requestWith(body, {
      'x-cld-signature': signRawBody('suffix', 'sha1', body, '1315060511', 'abcd'),
      'x-cld-timestamp': DOC_TIMESTAMP,
    });

    // Act
    const result = authenticateRawBodyDigest(SCHEME, request, 'abcd', DOC_NOW);

    // Assess
    expect(result).toEqual({ ok: false, failure: 'credential_mismatch' });
  });
});
