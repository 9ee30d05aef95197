import * as v from 'valibot';
import { isJsonObject } from '../json/json-value';
import type { WebhookSecrets } from '../secrets/webhook-secrets';
import { type AuthResult, type CredentialSource, rejected } from './auth-result';
import { verifyHs256Jwt } from './jwt-hs256';
import { authenticateQueryToken } from './query-token-authenticator';

/** The ids a Spyne signature vouches for; it signs these, not the image list. */
const SpyneClaimsSchema = v.object({ project_id: v.string(), sku_id: v.string() });

/**
 * Spyne's credential lives in the body, so this runs after parsing.
 *
 * - A body with a `signature` key (v2) must carry a valid HS256 JWT signed with any value of
 *   `SPYNE_SIGNING_SECRET`, whose `project_id` and `sku_id` claims equal the body's. A signature
 *   that is present must verify: falling back to the URL token would let anyone holding the
 *   token (it travels in URLs and access logs) strip a bad signature's meaning. A non-string
 *   signature is refused outright.
 *   The result names the signature (`signedBy`, a digest), so the worker can hold it to this body:
 *   the JWT binds only the ids, and Spyne re-signs every delivery, so one signature seen with two
 *   different bodies is a replay.
 * - A body without one (v1 carries none, and `null` counts as none) needs `?token=` equal to `SPYNE_URL_TOKEN`; unsigned
 *   payloads are refused when that is unset or empty.
 */
export const authenticateSpyneDelivery = (
  request: CredentialSource,
  payload: unknown,
  secrets: WebhookSecrets,
  now: Date,
): AuthResult => {
  // `"signature": null` is an absent signature, as absent and null mean the same on this wire.
  if (!isJsonObject(payload) || payload.signature === undefined || payload.signature === null) {
    return authenticateQueryToken(request, secrets.SPYNE_URL_TOKEN);
  }
  const signature = payload.signature;
  if (typeof signature !== 'string') return rejected('signature_not_a_string');
  const verified = verifyHs256Jwt(signature, secrets.SPYNE_SIGNING_SECRET, now);
  if (!verified.ok) return rejected(verified.failure);
  const claims = v.safeParse(SpyneClaimsSchema, verified.claims);
  if (
    !claims.success ||
    claims.output.project_id !== payload.project_id ||
    claims.output.sku_id !== payload.sku_id
  ) {
    return rejected('jwt_claims_mismatch');
  }
  return {
    ok: true,
    signedBy: { digest: verified.tokenDigest, expiresAt: new Date(verified.validUntil * 1000) },
  };
};
