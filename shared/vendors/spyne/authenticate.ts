import type { AuthResult, CredentialSource } from '../../auth/auth-result';
import { authenticateBodyJwt } from '../../auth/authenticators';
import type { SecretValues } from '../../auth/secret-values';
import { spyneAuth } from './manifest';

/** Spyne's check as ingest makes it (after parsing: the credential is in the body). */
export const authenticateSpyneDelivery = (
  request: CredentialSource,
  payload: unknown,
  secrets: SecretValues,
  now: Date,
): AuthResult => authenticateBodyJwt(spyneAuth, request, payload, secrets, now);
