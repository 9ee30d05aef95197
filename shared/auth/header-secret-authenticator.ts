import { type AuthResult, authenticated, type CredentialSource, rejected } from './auth-result';
import { matchesAnySecret } from './secret-match';

/**
 * Checks a shared-secret header (a plain string, no HMAC)
 * against a rotation list, in constant time. A header sent twice arrives comma-joined and so
 * never matches a single rotation element.
 */
export const authenticateHeaderSecret = (
  request: CredentialSource,
  headerName: string,
  rawSecretList: string | undefined,
): AuthResult => {
  const presented = request.header(headerName);
  if (presented === undefined || presented.length === 0) return rejected('credential_missing');
  return matchesAnySecret(presented, rawSecretList)
    ? authenticated
    : rejected('credential_mismatch');
};
