import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import { isJsonObject } from '../json/json-value';
import {
  authenticated,
  type AuthFailure,
  type AuthResult,
  type CredentialSource,
  rejected,
} from './auth-result';
import type { AuthScheme, BodyJwtScheme } from './auth-scheme';
import type { SecretValues } from './secret-values';

/**
 * The authentication building blocks a vendor manifest picks: a shared-secret header, a URL
 * token, a digest over the raw body with a timestamp, and an HS256 JWT inside the body (with its
 * URL-token fallback), on top of the constant-time rotation-list comparison they all use, and the
 * check a manifest's scheme makes with them (`authenticationOf`). They sit together because each is
 * a few lines over the same primitives (`secretListOf`, `bytesEqual`, `AuthResult`), a manifest's
 * scheme chooses exactly one of them, and a reader checking how a vendor's requests are
 * authenticated finds every check, what they share, and which one a scheme runs, in one file.
 */

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

/**
 * Checks a shared-secret header (a plain string, no HMAC)
 * against a rotation list, in constant time. A header sent twice arrives comma-joined and so
 * never matches a single rotation element.
 */
export const authenticateHeaderSecret = (
  request: CredentialSource,
  headerName: string,
  rawSecretList: string | undefined,
): AuthResult => {
  const presented = request.header(headerName);
  if (presented === undefined || presented.length === 0) return rejected('credential_missing');
  return matchesAnySecret(presented, rawSecretList)
    ? authenticated
    : rejected('credential_mismatch');
};

/**
 * Checks the `token` query parameter against a rotation list. It reads every occurrence from the
 * raw query string: API Gateway folds repeats into one comma-joined value, and a parser that
 * takes the first or the last one could be steered by an attacker who appends their own. So the
 * parameter must be present, and every occurrence must match.
 */
export const authenticateQueryToken = (
  request: CredentialSource,
  rawSecretList: string | undefined,
): AuthResult => {
  const tokens = request.queryValues('token');
  if (tokens.length === 0) return rejected('credential_missing');
  let allMatch = true;
  for (const token of tokens) {
    allMatch = matchesAnySecret(token, rawSecretList) && allMatch;
  }
  return allMatch ? authenticated : rejected('credential_mismatch');
};

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

/** Clock skew allowed on `exp`, `nbf` and `iat`, between the signer's clock and ours. */
const JWT_CLOCK_SKEW_SECONDS = 60;

/** Longest token accepted; a real one is a few hundred bytes. Bounds the work an attacker buys. */
const MAX_TOKEN_LENGTH = 8192;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The header must say HS256, exactly. Anything else (`none`, `HS512`, `RS256`, a missing or
 * non-string `alg`) is refused before any key is used, which closes the algorithm-confusion
 * attacks. A `crit` header names extensions we do not implement, so it is refused too.
 */
const JwtHeaderSchema = v.object({
  alg: v.literal('HS256'),
  crit: v.optional(v.never()),
});

const NumericDateSchema = v.pipe(v.number(), v.finite());

/** `exp` is required: a token without an expiry would be a permanent credential. */
const TimeClaimsSchema = v.object({
  exp: NumericDateSchema,
  nbf: v.optional(NumericDateSchema),
  iat: v.optional(NumericDateSchema),
});

/** A verified token's claims, or why it was refused. */
export type JwtVerification =
  | {
      readonly ok: true;
      readonly claims: Readonly<Record<string, unknown>>;
      /** `exp` plus the allowed clock skew, in epoch seconds: when the token stops verifying. */
      readonly validUntil: number;
      /**
       * Hex SHA-256 of the signed input and the signature bytes: one per token (non-canonical
       * base64url spellings are refused as malformed), and useless for forging one.
       */
      readonly tokenDigest: string;
    }
  | { readonly ok: false; readonly failure: AuthFailure };

const refuse = (failure: AuthFailure): JwtVerification => ({ ok: false, failure });

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one base64url segment, refusing padding and non-canonical encodings. */
const decodeSegment = (segment: string): Buffer | undefined => {
  if (!BASE64URL.test(segment)) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : undefined;
};

/** A JSON object from a decoded segment, or `undefined`. */
const jsonObjectOf = (bytes: Buffer): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(bytes));
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Verifies a compact HS256 JWT with node:crypto alone, against every value of a rotation list.
 *
 * Order: shape, then header (`alg` must be HS256), then the signature (constant-time, every key
 * tried), and only then the claims of a token we know is genuine: `exp` required and enforced,
 * `nbf` and `iat` may not lie in the future, each with `JWT_CLOCK_SKEW_SECONDS` of slack.
 * Audience-style claims are the caller's business.
 */
export const verifyHs256Jwt = (
  token: string,
  rawSecretList: string | undefined,
  now: Date,
): JwtVerification => {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return refuse('jwt_malformed');
  const parts = token.split('.');
  if (parts.length !== 3) return refuse('jwt_malformed');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const headerBytes = decodeSegment(headerPart);
  const payloadBytes = decodeSegment(payloadPart);
  const signature = decodeSegment(signaturePart);
  if (!headerBytes || !payloadBytes || !signature) return refuse('jwt_malformed');

  const header = jsonObjectOf(headerBytes);
  if (!header) return refuse('jwt_malformed');
  if (!v.is(JwtHeaderSchema, header)) return refuse('jwt_algorithm');

  const signingInput = `${headerPart}.${payloadPart}`;
  let signatureValid = false;
  for (const secret of secretListOf(rawSecretList)) {
    const expected = createHmac('sha256', secret).update(signingInput).digest();
    signatureValid = bytesEqual(expected, signature) || signatureValid;
  }
  if (!signatureValid) return refuse('jwt_signature');

  const claims = jsonObjectOf(payloadBytes);
  if (!claims) return refuse('jwt_malformed');
  const times = v.safeParse(TimeClaimsSchema, claims);
  if (!times.success) return refuse('jwt_malformed');
  const nowSeconds = now.getTime() / 1000;
  if (nowSeconds >= times.output.exp + JWT_CLOCK_SKEW_SECONDS) return refuse('jwt_expired');
  const { nbf, iat } = times.output;
  if (nbf !== undefined && nbf > nowSeconds + JWT_CLOCK_SKEW_SECONDS) {
    return refuse('jwt_not_yet_valid');
  }
  if (iat !== undefined && iat > nowSeconds + JWT_CLOCK_SKEW_SECONDS) {
    return refuse('jwt_not_yet_valid');
  }
  return {
    ok: true,
    claims,
    validUntil: times.output.exp + JWT_CLOCK_SKEW_SECONDS,
    tokenDigest: createHash('sha256').update(signingInput).update(signature).digest('hex'),
  };
};

/** Whether every bound claim is a string equal to the body field of the same name. */
const claimsBound = (
  boundClaims: readonly string[],
  claims: Readonly<Record<string, unknown>>,
  body: Readonly<Record<string, unknown>>,
): boolean =>
  boundClaims.every((name) => typeof claims[name] === 'string' && claims[name] === body[name]);

/**
 * A credential inside the body, so this runs after parsing.
 *
 * - A body whose token field is present must carry a valid HS256 JWT signed with any value of the
 *   scheme's secret, whose bound claims equal the body's fields. A token that is present must
 *   verify: falling back to the unsigned check would let anyone holding the URL token (it travels
 *   in URLs and access logs) strip a bad signature's meaning. A non-string token is refused.
 *   The result names the token (`signedBy`, a digest), so the worker can hold it to this body:
 *   the JWT binds only some fields, and the vendor signs every delivery afresh, so one token seen
 *   with two different bodies is a replay.
 * - A body without one (absent and `null` mean the same on this wire) needs the unsigned check
 *   (`?token=`), and is refused when the scheme has none or its secret is unset or empty.
 */
export const authenticateBodyJwt = (
  scheme: BodyJwtScheme,
  request: CredentialSource,
  payload: unknown,
  secrets: SecretValues,
  now: Date,
): AuthResult => {
  const token = isJsonObject(payload) ? payload[scheme.field] : undefined;
  if (!isJsonObject(payload) || token === undefined || token === null) {
    return scheme.unsigned === undefined
      ? rejected('credential_missing')
      : authenticateQueryToken(request, secrets[scheme.unsigned.secret]);
  }
  if (typeof token !== 'string') return rejected('signature_not_a_string');
  const verified = verifyHs256Jwt(token, secrets[scheme.secret], now);
  if (!verified.ok) return rejected(verified.failure);
  if (!claimsBound(scheme.boundClaims, verified.claims, payload)) {
    return rejected('jwt_claims_mismatch');
  }
  return {
    ok: true,
    signedBy: { digest: verified.tokenDigest, expiresAt: new Date(verified.validUntil * 1000) },
  };
};

/** The time and the freshness window a timestamped signature is checked against. */
export interface AuthClock {
  readonly now: Date;
  /** `SIGNATURE_MAX_AGE_SECONDS`: the oldest signed timestamp accepted. */
  readonly signatureMaxAgeSeconds: number;
}

/**
 * When a route authenticates. Most routes check a credential outside the body and do so before
 * parsing, so an unauthenticated caller learns nothing about our schemas. A credential inside the
 * body can only be checked after parsing (and still before validating).
 */
export type RouteAuthentication =
  | {
      readonly stage: 'before-parse';
      readonly authenticate: (
        request: RawBodySource,
        secrets: SecretValues,
        clock: AuthClock,
      ) => AuthResult;
    }
  | {
      readonly stage: 'after-parse';
      readonly authenticate: (
        request: CredentialSource,
        payload: unknown,
        secrets: SecretValues,
        now: Date,
      ) => AuthResult;
    };

/** The check a configured scheme makes, and at which stage. */
export const authenticationOf = (scheme: AuthScheme): RouteAuthentication => {
  switch (scheme.kind) {
    case 'header-secret':
      return {
        stage: 'before-parse',
        authenticate: (request, secrets) =>
          authenticateHeaderSecret(request, scheme.header, secrets[scheme.secret]),
      };
    case 'query-token':
      return {
        stage: 'before-parse',
        authenticate: (request, secrets) => authenticateQueryToken(request, secrets[scheme.secret]),
      };
    case 'raw-body-digest':
      return {
        stage: 'before-parse',
        authenticate: (request, secrets, { now, signatureMaxAgeSeconds }) =>
          authenticateRawBodyDigest(
            {
              signatureHeader: scheme.signatureHeader,
              timestampHeader: scheme.timestampHeader,
              algorithms: scheme.algorithms,
              mode: scheme.mode,
              maxAgeSeconds: signatureMaxAgeSeconds,
              maxFutureSeconds: DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS,
            },
            request,
            secrets[scheme.secret],
            now,
          ),
      };
    case 'body-jwt':
      return {
        stage: 'after-parse',
        authenticate: (request, payload, secrets, now) =>
          authenticateBodyJwt(scheme, request, payload, secrets, now),
      };
  }
};
