import { createHmac } from 'node:crypto';

/** base64url without padding, as JWTs use it. */
export const base64url = (value: string | Buffer): string =>
  Buffer.from(value).toString('base64url');

/**
 * Builds a compact JWT from any header and claims, MAC'd with HMAC over any hash, or with a
 * given signature segment. The auth suite uses it to forge what a legitimate signer never
 * would: other algorithms, bad keys, altered segments, impossible claims.
 */
export const buildJwt = (input: {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly key?: string;
  readonly hash?: 'sha256' | 'sha384' | 'sha512';
  /** A literal signature segment instead of a MAC. */
  readonly signature?: string;
}): string => {
  const signingInput = `${base64url(JSON.stringify(input.header))}.${base64url(JSON.stringify(input.claims))}`;
  const signature =
    input.signature ??
    createHmac(input.hash ?? 'sha256', input.key ?? '')
      .update(signingInput)
      .digest('base64url');
  return `${signingInput}.${signature}`;
};

/** Spyne's claims for a SKU, valid for an hour from `now` unless times are given. */
export const spyneClaims = (
  ids: { readonly project_id: string; readonly sku_id: string },
  times: { readonly iat?: number; readonly exp?: number; readonly nbf?: number } = {},
): Record<string, unknown> => {
  const now = Math.floor(Date.now() / 1000);
  return {
    ...ids,
    iat: times.iat ?? now,
    exp: times.exp ?? now + 3600,
    ...(times.nbf ? { nbf: times.nbf } : {}),
  };
};
