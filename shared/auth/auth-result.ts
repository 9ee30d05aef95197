/**
 * Why a request failed authentication, for logs and operators only. The vendor always gets the
 * same bare 401, so a caller cannot tell which check it failed; the code never carries the
 * credential itself.
 */
export type AuthFailure =
  | 'credential_missing'
  | 'credential_mismatch'
  | 'signature_not_a_string'
  | 'jwt_malformed'
  | 'jwt_algorithm'
  | 'jwt_signature'
  | 'jwt_expired'
  | 'jwt_not_yet_valid'
  | 'jwt_claims_mismatch'
  | 'timestamp_malformed'
  | 'timestamp_out_of_window'
  | 'signature_malformed';

/**
 * What a one-time credential (a per-delivery body signature) vouched for, so the worker can hold
 * it to the first body it came with. Never the credential itself: a SHA-256 digest of it, which
 * cannot be turned back into a signature.
 */
export interface SignedBy {
  /** Hex SHA-256 of the signature as sent. */
  readonly digest: string;
  /** When the signature stops verifying (its `exp` plus the allowed skew): the binding's TTL. */
  readonly expiresAt: Date;
}

/** The outcome of one route's authentication. */
export type AuthResult =
  | { readonly ok: true; readonly signedBy?: SignedBy }
  | { readonly ok: false; readonly failure: AuthFailure };

/** Authentication passed. */
export const authenticated: AuthResult = { ok: true };

/** Authentication failed, with the internal reason. */
export const rejected = (failure: AuthFailure): AuthResult => ({ ok: false, failure });

/**
 * The parts of a request an authenticator may read. Defined here, not in ingest, so the checks
 * stay pure functions of their inputs and testable without an HTTP event.
 */
export interface CredentialSource {
  /** A header value by name, case-insensitively; `undefined` when absent. */
  readonly header: (name: string) => string | undefined;
  /** Every value of a query parameter, in order, from the raw query string. */
  readonly queryValues: (name: string) => readonly string[];
}
