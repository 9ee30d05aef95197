import * as v from 'valibot';
import type { Logger } from '@aws-lambda-powertools/logger';
import { readJsonSecret } from './read-json-secret';
import type { SecretStringSource } from './secret-string-source';
import { SECRET_NAMES } from '../config/dev-secrets';
import {
  SecretsUnavailableError,
  type WebhookSecrets,
  type WebhookSecretsProvider,
  webhookSecretsOf,
} from './webhook-secrets';

/**
 * The JSON document stored in the secret. Every key is optional: a missing key disables that
 * credential, exactly like an unset variable in Lambda. Other keys are ignored.
 */
const SecretDocumentSchema = v.object(
  Object.fromEntries(SECRET_NAMES.map((name) => [name, v.optional(v.string())])),
);

/**
 * After a failed refresh, how long the stale copy is served before the next attempt. Without a
 * pause every request would wait on an unreachable Secrets Manager.
 */
const REFRESH_RETRY_SECONDS = 30;

export interface SecretsManagerSecretsOptions {
  /**
   * Secrets Manager: on the ingest path the lean client (`createSecretsManagerSource`), whose
   * endpoint comes from `AWS_ENDPOINT_URL_SECRETS_MANAGER` where set, so the same code runs against
   * the local stack.
   */
  readonly source: SecretStringSource;
  /** The secret's ARN or name (`WEBHOOK_SECRETS_ARN`). */
  readonly secretId: string;
  /** How long a fetched copy is used before it is refreshed (`SECRETS_CACHE_SECONDS`). */
  readonly cacheSeconds: number;
  /** Milliseconds since the epoch; injectable so cache expiry is tested without waiting. */
  readonly now?: () => number;
  /** Where a failed refresh is reported (the function's logger); silent when absent. */
  readonly log?: Pick<Logger, 'warn'>;
}

/**
 * Webhook secrets from one Secrets Manager JSON secret, read once per container and cached.
 *
 * Why this shape: a webhook must not pay a secrets round trip per request (the warm path makes
 * exactly one network call, the SQS send), yet a rotated secret must reach running containers.
 * So the copy is refreshed after `cacheSeconds`; if that refresh fails the stale copy keeps
 * serving (rotation lists overlap old and new values) and the refresh is retried after
 * `REFRESH_RETRY_SECONDS`. Only a cold container with no copy at all fails, with
 * `SecretsUnavailableError`.
 */
export class SecretsManagerSecretsProvider implements WebhookSecretsProvider {
  readonly #source: SecretStringSource;
  readonly #secretId: string;
  readonly #cacheMillis: number;
  readonly #now: () => number;
  readonly #log: Pick<Logger, 'warn'> | undefined;
  #cached: WebhookSecrets | undefined;
  #refreshAt = 0;
  #inFlight: Promise<WebhookSecrets> | undefined;

  constructor(options: SecretsManagerSecretsOptions) {
    this.#source = options.source;
    this.#secretId = options.secretId;
    this.#cacheMillis = options.cacheSeconds * 1000;
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
  }

  readonly current = (): Promise<WebhookSecrets> => {
    if (this.#cached !== undefined && this.#now() < this.#refreshAt) {
      return Promise.resolve(this.#cached);
    }
    if (this.#inFlight === undefined) {
      this.#inFlight = this.#refresh().finally(() => {
        this.#inFlight = undefined;
      });
    }
    return this.#inFlight;
  };

  async #refresh(): Promise<WebhookSecrets> {
    try {
      const secrets = await this.#fetch();
      this.#cached = secrets;
      this.#refreshAt = this.#now() + this.#cacheMillis;
      return secrets;
    } catch (error) {
      if (this.#cached === undefined) throw error;
      this.#refreshAt = this.#now() + Math.min(this.#cacheMillis, REFRESH_RETRY_SECONDS * 1000);
      this.#log?.warn('webhook secrets refresh failed; serving the cached copy', {
        errorName: error instanceof Error ? error.name : typeof error,
      });
      return this.#cached;
    }
  }

  async #fetch(): Promise<WebhookSecrets> {
    const document = await readJsonSecret({
      source: this.#source,
      secretId: this.#secretId,
      schema: SecretDocumentSchema,
      ErrorClass: SecretsUnavailableError,
      invalid: (issues) =>
        `the secret's JSON is not an object of strings: ${issues.map((issue) => issue.path).join(', ')}`,
    });
    return webhookSecretsOf((name) => document[name]);
  }
}
