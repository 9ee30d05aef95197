import { createHmac } from 'node:crypto';
import type { AuthScheme, BodyJwtScheme, RawBodyDigestConfig } from './auth-scheme';
import { secretListOf, signRawBody } from './authenticators';
import type { SecretValues } from './secret-values';

/**
 * The sending side of the authentication blocks: what a vendor puts on a request, so the local
 * tools (fixtures, replay, the start banner's curls) deliver exactly as the vendor would. The
 * service itself only verifies; nothing here runs in a function.
 */

/** A request's parts a credential goes into. */
export interface SignableDelivery {
  /** The raw query string, without `?`. */
  readonly query: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes sent (text is sent as UTF-8). */
  readonly body: Buffer | string;
}

/** The value a demo or replay request uses from a rotation list: its first usable one. */
export const firstSecretOf = (raw: string | undefined): string | undefined => secretListOf(raw)[0];

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A compact HS256 JWT over `claims`, as a vendor issues one. */
const signHs256Jwt = (claims: Readonly<Record<string, unknown>>, secret: string): string => {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
};

/** The token a body-JWT vendor puts in `body`: its bound claims, then `iat` and `exp`. */
export const bodyJwtFor = (
  scheme: BodyJwtScheme,
  body: Readonly<Record<string, unknown>>,
  secret: string,
  times: { readonly iat: number; readonly exp: number },
): string =>
  signHs256Jwt(
    {
      ...Object.fromEntries(scheme.boundClaims.map((claim) => [claim, body[claim]])),
      ...times,
    },
    secret,
  );

/** A token issued at `at` with the vendor's own lifetime. */
export const freshBodyJwtFor = (
  scheme: BodyJwtScheme,
  body: Readonly<Record<string, unknown>>,
  secret: string,
  at: Date,
): string => {
  const iat = Math.floor(at.getTime() / 1000);
  return bodyJwtFor(scheme, body, secret, { iat, exp: iat + scheme.lifetimeSeconds });
};

/** The headers a raw-body-digest vendor sends with `body` signed at `at` (first algorithm). */
export const rawBodyDigestHeaders = <TSignature extends string, TTimestamp extends string>(
  scheme: RawBodyDigestConfig & {
    readonly signatureHeader: TSignature;
    readonly timestampHeader: TTimestamp;
  },
  body: Buffer | string,
  at: Date,
  secret: string,
): Record<TSignature | TTimestamp, string> => {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = signRawBody(scheme.mode, scheme.algorithms[0], body, timestamp, secret);
  return Object.fromEntries([
    [scheme.timestampHeader, timestamp],
    [scheme.signatureHeader, signature],
  ]) as Record<TSignature | TTimestamp, string>;
};

/** `query` with `token` set to `token` (left as is when there is none). */
const withQueryToken = (query: string, token: string | undefined): string => {
  if (token === undefined) return query;
  const parameters = new URLSearchParams(query);
  parameters.set('token', token);
  return parameters.toString();
};

const bodyObjectOf = (body: Buffer | string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

/** Whether every bound claim of the body is a string, as a token over them needs. */
const claimsPresent = (scheme: BodyJwtScheme, body: Readonly<Record<string, unknown>>): boolean =>
  scheme.boundClaims.every((claim) => typeof body[claim] === 'string');

/**
 * When each signature is made: asked only when one is (a tool that spaces one-time signatures out
 * keeps count of the ones it made), with the body it covers (`{}` for a digest over raw bytes).
 */
export interface SigningTime {
  readonly at: (body: Readonly<Record<string, unknown>>) => Date;
  /** A body JWT's `exp` in epoch seconds; by default its `iat` plus the vendor's token lifetime. */
  readonly expiresAt?: number;
}

/**
 * Puts the credential on a delivery the way the vendor would, with the first value of each
 * configured secret: a body JWT signed into the body (or the URL token, for a body the vendor
 * does not sign), the header secret, the URL token, or the raw-body digest headers. A credential
 * whose secret is unset is left out.
 */
export const deliverAsVendor = (
  scheme: AuthScheme,
  delivery: SignableDelivery,
  secrets: SecretValues,
  time: SigningTime,
): SignableDelivery => {
  switch (scheme.kind) {
    case 'header-secret': {
      const secret = firstSecretOf(secrets[scheme.secret]);
      return secret === undefined
        ? delivery
        : { ...delivery, headers: { ...delivery.headers, [scheme.header]: secret } };
    }
    case 'query-token':
      return {
        ...delivery,
        query: withQueryToken(delivery.query, firstSecretOf(secrets[scheme.secret])),
      };
    case 'raw-body-digest': {
      const secret = firstSecretOf(secrets[scheme.secret]);
      return secret === undefined
        ? delivery
        : {
            ...delivery,
            headers: {
              ...delivery.headers,
              ...rawBodyDigestHeaders(scheme, delivery.body, time.at({}), secret),
            },
          };
    }
    case 'body-jwt': {
      const body = bodyObjectOf(delivery.body);
      const signs = body !== undefined && (scheme.signsBody?.(body) ?? true);
      if (!signs) {
        return scheme.unsigned === undefined
          ? delivery
          : deliverAsVendor(scheme.unsigned, delivery, secrets, time);
      }
      const secret = firstSecretOf(secrets[scheme.secret]);
      if (secret === undefined) return delivery;
      const iat = Math.floor(time.at(body).getTime() / 1000);
      const exp = time.expiresAt ?? iat + scheme.lifetimeSeconds;
      const token = bodyJwtFor(scheme, body, secret, { iat, exp });
      return { ...delivery, body: JSON.stringify({ ...body, [scheme.field]: token }) };
    }
  }
};

/**
 * Renews the credential a delivery already carries (a fixture carries the dev defaults) with the
 * configured secrets: a URL token is replaced where there is one, a body JWT re-signed where the
 * body carries one or the vendor signs such a body, headers set afresh. A credential whose secret
 * is unset is left as it was.
 */
export const renewCredentials = (
  scheme: AuthScheme,
  delivery: SignableDelivery,
  secrets: SecretValues,
  time: SigningTime,
): SignableDelivery => {
  if (scheme.kind !== 'body-jwt') return deliverAsVendor(scheme, delivery, secrets, time);
  const hasToken = new URLSearchParams(delivery.query).has('token');
  const query =
    hasToken && scheme.unsigned !== undefined
      ? withQueryToken(delivery.query, firstSecretOf(secrets[scheme.unsigned.secret]))
      : delivery.query;
  const secret = firstSecretOf(secrets[scheme.secret]);
  const body = bodyObjectOf(delivery.body);
  if (secret === undefined || body === undefined) return { ...delivery, query };
  const signed = typeof body[scheme.field] === 'string' || (scheme.signsBody?.(body) ?? true);
  if (!signed || !claimsPresent(scheme, body)) return { ...delivery, query };
  const token = freshBodyJwtFor(scheme, body, secret, time.at(body));
  return { ...delivery, query, body: JSON.stringify({ ...body, [scheme.field]: token }) };
};
