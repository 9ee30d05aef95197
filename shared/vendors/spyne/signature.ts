import { bodyJwtFor, freshBodyJwtFor } from '../../auth/scheme-signer';
import { spyneAuth } from './manifest';

/** The ids a Spyne signature covers: these, not the image list. */
interface SpyneClaims {
  readonly project_id: string;
  readonly sku_id: string;
}

/**
 * Signs a body the way Spyne does: an HS256 JWT over `{project_id, sku_id, iat, exp}`. For the
 * tools and tests that deliver as Spyne; the service itself only verifies.
 */
export const signSpyneSignature = (
  claims: SpyneClaims,
  secret: string,
  times: { readonly iat: number; readonly exp: number },
): string => bodyJwtFor(spyneAuth, { ...claims }, secret, times);

/** A signature issued at `now` with Spyne's own lifetime. */
export const signFreshSpyneSignature = (claims: SpyneClaims, secret: string, now: Date): string =>
  freshBodyJwtFor(spyneAuth, { ...claims }, secret, now);
