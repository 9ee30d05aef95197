import { createHmac } from 'node:crypto';

const segment = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs a compact JWT the way Spyne does (HS256), or with any header a test wants to forge. The
 * signature is always HMAC-SHA256, so a forged `alg` is the only difference.
 */
export const signJwt = (
  claims: Readonly<Record<string, unknown>>,
  secret: string,
  header: Readonly<Record<string, unknown>> = { alg: 'HS256', typ: 'JWT' },
): string => {
  const signingInput = `${segment(header)}.${segment(claims)}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
};

/** Spyne's claims for a SKU at a given time: issued an hour ago, expiring in 356 days. */
export const spyneClaims = (
  projectId: string,
  skuId: string,
  now: Date,
): { project_id: string; sku_id: string; iat: number; exp: number } => {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return {
    project_id: projectId,
    sku_id: skuId,
    iat: nowSeconds - 3600,
    exp: nowSeconds + 356 * 86_400,
  };
};
