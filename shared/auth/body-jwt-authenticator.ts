import { isJsonObject } from '../json/json-value';
import type { AuthResult, CredentialSource } from './auth-result';
import { rejected } from './auth-result';
import type { BodyJwtScheme } from './auth-scheme';
import { verifyHs256Jwt } from './jwt-hs256';
import { authenticateQueryToken } from './query-token-authenticator';
import type { SecretValues } from './secret-values';

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
