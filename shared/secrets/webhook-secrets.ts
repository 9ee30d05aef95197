import { SECRET_NAMES, type SecretName } from '../config/dev-secrets';
import { ServiceError } from '../errors/service-error';

/**
 * The webhook credentials by name, as raw comma-separated rotation lists. `undefined` means the
 * credential is not configured, which disables it: nothing can match an absent secret.
 */
export type WebhookSecrets = Readonly<Record<SecretName, string | undefined>>;

/** Every secret variable, each read by `read`: the one place that lists them is the registry. */
export const webhookSecretsOf = (read: (name: SecretName) => string | undefined): WebhookSecrets =>
  Object.fromEntries(SECRET_NAMES.map((name) => [name, read(name)])) as WebhookSecrets;

/**
 * Where ingest gets its webhook secrets. A port, so the handler code is identical locally
 * (environment) and in AWS (Secrets Manager), and tests can hand in fixed values.
 */
export interface WebhookSecretsProvider {
  /** The current secrets. Implementations cache, so the warm path makes no network call. */
  readonly current: () => Promise<WebhookSecrets>;
}

/**
 * The secrets could not be read at all (no cached copy to fall back on). Ingest answers 503, so
 * the vendor retries instead of getting a 401 it would take as final.
 */
export class SecretsUnavailableError extends ServiceError {
  readonly retryable = true;

  constructor(
    message: string,
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SecretsUnavailableError';
  }
}
