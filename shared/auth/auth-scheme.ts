import type { DigestAlgorithm, DigestMode } from './authenticators';

/**
 * The authentication building blocks a vendor manifest picks from, each configured with the
 * names of the secret variables it reads. They are data, not code: the ingest route turns one
 * into its check (`authenticationOf`), and the local tools into a signer that puts the same
 * credential on a request (`signDelivery`), so a vendor never writes either by hand.
 */

/** A shared secret sent as is in a request header, compared in constant time. */
export interface HeaderSecretScheme<TSecret extends string = string> {
  readonly kind: 'header-secret';
  /** Lower-case header name. */
  readonly header: string;
  readonly secret: TSecret;
}

/** A token in the URL's `token` query parameter, every occurrence of which must match. */
export interface QueryTokenScheme<TSecret extends string = string> {
  readonly kind: 'query-token';
  readonly secret: TSecret;
}

/**
 * A digest over the exact body bytes, then a timestamp header, then the secret (`suffix`), or a
 * keyed HMAC of the body and timestamp (`hmac`): the same block, configured. The freshness
 * window is the deployment's (`SIGNATURE_MAX_AGE_SECONDS`).
 */
export interface RawBodyDigestConfig<TSecret extends string = string> {
  readonly kind: 'raw-body-digest';
  /** Lower-case header names. */
  readonly signatureHeader: string;
  readonly timestampHeader: string;
  /** Accepted digests; the first is the one tools sign with. */
  readonly algorithms: readonly [DigestAlgorithm, ...DigestAlgorithm[]];
  readonly mode: DigestMode;
  readonly secret: TSecret;
}

/**
 * An HS256 JWT in a body field whose claims must equal body fields. The credential is inside the
 * body, so the check runs after parsing. A body without the field falls back to `unsigned`, when
 * the vendor has such a variant, and is refused otherwise.
 */
export interface BodyJwtScheme<TSecret extends string = string> {
  readonly kind: 'body-jwt';
  /** The body field that carries the token. */
  readonly field: string;
  /** Claims that must be strings equal to the body field of the same name. */
  readonly boundClaims: readonly string[];
  readonly secret: TSecret;
  /** How long a token the vendor issues lives, for tokens the local tools sign now. */
  readonly lifetimeSeconds: number;
  /** The check for bodies that carry no token; absent: such bodies are refused. */
  readonly unsigned?: QueryTokenScheme<TSecret>;
  /**
   * Whether the vendor signs a body of this shape (a format version without signatures goes
   * unsigned); absent: every body is signed. Only the local tools ask, to deliver as the vendor.
   */
  readonly signsBody?: (body: Readonly<Record<string, unknown>>) => boolean;
}

/** One vendor's authentication. */
export type AuthScheme<TSecret extends string = string> =
  | HeaderSecretScheme<TSecret>
  | QueryTokenScheme<TSecret>
  | RawBodyDigestConfig<TSecret>
  | BodyJwtScheme<TSecret>;

/** The secret variable names a scheme reads, in the order it reads them. */
export const secretNamesOf = <TSecret extends string>(
  scheme: AuthScheme<TSecret>,
): readonly TSecret[] =>
  scheme.kind === 'body-jwt'
    ? [scheme.secret, ...(scheme.unsigned === undefined ? [] : [scheme.unsigned.secret])]
    : [scheme.secret];

/** Headers that carry a scheme's credential, so quarantine never stores them. */
export const credentialHeadersOf = (scheme: AuthScheme): readonly string[] => {
  switch (scheme.kind) {
    case 'header-secret':
      return [scheme.header];
    case 'raw-body-digest':
      return [scheme.signatureHeader];
    case 'query-token':
    case 'body-jwt':
      return [];
  }
};
