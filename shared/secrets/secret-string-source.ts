/**
 * Where a secret's text is read from: Secrets Manager's `GetSecretValue` through the lean client
 * (`shared/aws/`). A port, so the secret readers (`readJsonSecret`, the webhook secrets cache, the
 * read API's cursor key) are tested on scripted answers.
 */
export interface SecretStringSource {
  /** The current `SecretString`, `undefined` for a binary secret; rejects when the call fails. */
  readonly getSecretString: (secretId: string) => Promise<string | undefined>;
}
