import type { CredentialSource } from '../../../shared/auth/auth-result';

/** What an authenticator sees of a request, from a raw query string and headers. */
export const credentialSource = (
  query: string,
  headers: Readonly<Record<string, string>> = {},
): CredentialSource => {
  const parameters = new URLSearchParams(query);
  return {
    header: (name) => headers[name.toLowerCase()],
    queryValues: (name) => parameters.getAll(name),
  };
};
