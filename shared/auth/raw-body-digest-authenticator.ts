import { createHash, createHmac } from 'node:crypto';
import { type AuthResult, authenticated, type CredentialSource, rejected } from './auth-result';
import { bytesEqual, secretListOf } from './secret-match';

/** The digests a sender may use; each is told apart by its hex length. */
export type DigestAlgorithm = 'sha1' | 'sha256';

const HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha1: 40, sha256: 64 };

/**
 * How the secret enters the digest. `suffix`: `hash(body + timestamp + secret)`, a plain hash, as
 * some vendors call an "HMAC" without keying one. `hmac`: `HMAC(secret, body +
 * timestamp)`, for a sender that keys a real MAC; the rest of the check is the same.
 */
export type DigestMode = 'suffix' | 'hmac';

/** Two hours, the window the common vendor SDKs accept (`valid_for` 7,200 s). */
export const DEFAULT_SIGNATURE_MAX_AGE_SECONDS = 7200;
/** A sender's clock may run this far ahead of ours; beyond it a timestamp is refused. */
export const DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS = 300;

/** A raw-body digest scheme: which headers, which digests, how the secret is mixed in. */
export interface RawBodyDigestScheme {
  /** Lower-case header names. */
  readonly signatureHeader: string;
  readonly timestampHeader: string;
  /** Accepted digests. The signature's hex length picks one; other lengths are refused. */
  readonly algorithms: readonly DigestAlgorithm[];
  readonly mode: DigestMode;
  /** Oldest timestamp accepted, in seconds before now. */
  readonly maxAgeSeconds: number;
  /** Newest timestamp accepted, in seconds after now. */
  readonly maxFutureSeconds: number;
}

/** A request with its raw body: the digest covers the exact bytes received, never re-serialized. */
export interface RawBodySource extends CredentialSource {
  readonly body: Buffer;
}

const UNIX_SECONDS = /^\d{1,12}$/;
const LOWER_HEX = /^[0-9a-f]+$/;

/** The digest of body bytes, then the timestamp as sent, then (in `suffix` mode) the secret. */
const digestOf = (
  mode: DigestMode,
  algorithm: DigestAlgorithm,
  body: Buffer,
  timestamp: string,
  secret: string,
): Buffer => {
  const hash = mode === 'hmac' ? createHmac(algorithm, secret) : createHash(algorithm);
  hash.update(body).update(timestamp);
  if (mode === 'suffix') hash.update(secret);
  return hash.digest();
};

/**
 * The hex signature a sender computes for `body` at `timestamp` with `secret`. For replay tools
 * and tests, which must sign the bytes they send.
 */
export const signRawBody = (
  mode: DigestMode,
  algorithm: DigestAlgorithm,
  body: Buffer | string,
  timestamp: string,
  secret: string,
): string =>
  digestOf(
    mode,
    algorithm,
    Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    timestamp,
    secret,
  ).toString('hex');

/**
 * Checks a signature over the raw body and a timestamp header, against a rotation list:
 *
 * - both headers present; the timestamp whole unix seconds, no older than `maxAgeSeconds` and no
 *   further ahead than `maxFutureSeconds` (the vendor SDKs check only the age; a future bound
 *   keeps a leaked signature from being valid for longer than the window);
 * - the signature lower-case hex of an accepted algorithm's length (the request does not name the
 *   algorithm; the length does), compared as bytes in constant time with the digest under every
 *   secret of the list, without stopping at a match, so timing shows neither which secret matched
 *   nor where the signatures differ.
 *
 * Headers sent twice arrive comma-joined and so fail the format checks.
 */
export const authenticateRawBodyDigest = (
  scheme: RawBodyDigestScheme,
  request: RawBodySource,
  rawSecretList: string | undefined,
  now: Date,
): AuthResult => {
  const signature = request.header(scheme.signatureHeader)?.trim().toLowerCase();
  const timestamp = request.header(scheme.timestampHeader)?.trim();
  if (!signature || !timestamp) return rejected('credential_missing');
  if (!UNIX_SECONDS.test(timestamp)) return rejected('timestamp_malformed');
  const ageSeconds = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (ageSeconds > scheme.maxAgeSeconds || -ageSeconds > scheme.maxFutureSeconds) {
    return rejected('timestamp_out_of_window');
  }
  const algorithm = scheme.algorithms.find((name) => HEX_LENGTH[name] === signature.length);
  if (algorithm === undefined || !LOWER_HEX.test(signature)) {
    return rejected('signature_malformed');
  }
  const presented = Buffer.from(signature, 'hex');
  let matched = false;
  for (const secret of secretListOf(rawSecretList)) {
    const expected = digestOf(scheme.mode, algorithm, request.body, timestamp, secret);
    matched = bytesEqual(presented, expected) || matched;
  }
  return matched ? authenticated : rejected('credential_mismatch');
};
