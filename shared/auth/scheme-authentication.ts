import type { AuthResult, CredentialSource } from './auth-result';
import type { AuthScheme } from './auth-scheme';
import {
  authenticateBodyJwt,
  authenticateHeaderSecret,
  authenticateQueryToken,
  authenticateRawBodyDigest,
  DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS,
  type RawBodySource,
} from './authenticators';
import type { SecretValues } from './secret-values';

/** The time and the freshness window a timestamped signature is checked against. */
export interface AuthClock {
  readonly now: Date;
  /** `SIGNATURE_MAX_AGE_SECONDS`: the oldest signed timestamp accepted. */
  readonly signatureMaxAgeSeconds: number;
}

/**
 * When a route authenticates. Most routes check a credential outside the body and do so before
 * parsing, so an unauthenticated caller learns nothing about our schemas. A credential inside the
 * body can only be checked after parsing (and still before validating).
 */
export type RouteAuthentication =
  | {
      readonly stage: 'before-parse';
      readonly authenticate: (
        request: RawBodySource,
        secrets: SecretValues,
        clock: AuthClock,
      ) => AuthResult;
    }
  | {
      readonly stage: 'after-parse';
      readonly authenticate: (
        request: CredentialSource,
        payload: unknown,
        secrets: SecretValues,
        now: Date,
      ) => AuthResult;
    };

/** The check a configured scheme makes, and at which stage. */
export const authenticationOf = (scheme: AuthScheme): RouteAuthentication => {
  switch (scheme.kind) {
    case 'header-secret':
      return {
        stage: 'before-parse',
        authenticate: (request, secrets) =>
          authenticateHeaderSecret(request, scheme.header, secrets[scheme.secret]),
      };
    case 'query-token':
      return {
        stage: 'before-parse',
        authenticate: (request, secrets) => authenticateQueryToken(request, secrets[scheme.secret]),
      };
    case 'raw-body-digest':
      return {
        stage: 'before-parse',
        authenticate: (request, secrets, { now, signatureMaxAgeSeconds }) =>
          authenticateRawBodyDigest(
            {
              signatureHeader: scheme.signatureHeader,
              timestampHeader: scheme.timestampHeader,
              algorithms: scheme.algorithms,
              mode: scheme.mode,
              maxAgeSeconds: signatureMaxAgeSeconds,
              maxFutureSeconds: DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS,
            },
            request,
            secrets[scheme.secret],
            now,
          ),
      };
    case 'body-jwt':
      return {
        stage: 'after-parse',
        authenticate: (request, payload, secrets, now) =>
          authenticateBodyJwt(scheme, request, payload, secrets, now),
      };
  }
};
