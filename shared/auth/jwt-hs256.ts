import { createHash, createHmac } from 'node:crypto';
import * as v from 'valibot';
import type { AuthFailure } from './auth-result';
import { isJsonObject } from '../json/json-value';
import { bytesEqual, secretListOf } from './secret-match';

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
