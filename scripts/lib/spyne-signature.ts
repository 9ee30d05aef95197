import { createHmac } from 'node:crypto';
import { secretListOf } from '../../shared/auth/secret-match';

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A year-2099 expiry, so generated dev fixtures never go stale. */
export const FIXTURE_SIGNATURE_EXPIRY = Date.UTC(2099, 11, 31) / 1000;

/**
 * Signs a body the way Spyne does: an HS256 JWT over `{project_id, sku_id, iat, exp}` (the ids
 * only, not the image list). Used by the fixture generator and `npm run replay`; the service
 * itself only verifies.
 */
export const signSpyneSignature = (
  claims: { project_id: string; sku_id: string },
  secret: string,
  times: { iat: number; exp: number },
): string => {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ project_id: claims.project_id, sku_id: claims.sku_id, ...times }),
  );
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
};

/** Spyne's published signatures live 356 days; signatures made now (demo curls, replays) too. */
const SPYNE_SIGNATURE_LIFETIME_SECONDS = 356 * 24 * 60 * 60;

/** A signature issued at `now` with Spyne's own lifetime. */
export const signFreshSpyneSignature = (
  claims: { project_id: string; sku_id: string },
  secret: string,
  now: Date,
): string => {
  const iat = Math.floor(now.getTime() / 1000);
  return signSpyneSignature(claims, secret, { iat, exp: iat + SPYNE_SIGNATURE_LIFETIME_SECONDS });
};

/** The value a demo or replay request uses from a rotation list: its first usable one. */
export const firstSecretOf = (raw: string | undefined): string | undefined => secretListOf(raw)[0];
