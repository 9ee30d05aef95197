import { type AuthResult, authenticated, type CredentialSource, rejected } from './auth-result';
import { matchesAnySecret } from './secret-match';

/**
 * Checks the `token` query parameter against a rotation list. It reads every occurrence from the
 * raw query string: API Gateway folds repeats into one comma-joined value, and a parser that
 * takes the first or the last one could be steered by an attacker who appends their own. So the
 * parameter must be present, and every occurrence must match.
 */
export const authenticateQueryToken = (
  request: CredentialSource,
  rawSecretList: string | undefined,
): AuthResult => {
  const tokens = request.queryValues('token');
  if (tokens.length === 0) return rejected('credential_missing');
  let allMatch = true;
  for (const token of tokens) {
    allMatch = matchesAnySecret(token, rawSecretList) && allMatch;
  }
  return allMatch ? authenticated : rejected('credential_mismatch');
};
