/**
 * Where a secret's text is read from: Secrets Manager's `GetSecretValue`, through the lean client
 * on the ingest path or the SDK's elsewhere. A port, so the secret readers (`readJsonSecret`, the
 * webhook secrets cache) are the same code whichever client a function bundles.
 */
export interface SecretStringSource {
  /** The current `SecretString`, `undefined` for a binary secret; rejects when the call fails. */
  readonly getSecretString: (secretId: string) => Promise<string | undefined>;
}
