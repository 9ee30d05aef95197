/**
 * The base of every error this project throws on purpose. Each says whether the same work may
 * succeed if tried again (`retryable`: a dependency failed, a write lost a race)
 * or never will (the input, the stored data, the configuration or the code is wrong), so callers
 * decide a 503 against a 500, or a retry against a report, from the flag rather than from a list
 * of classes. Each subclass still sets its own `name`: bundles are minified, so class names are
 * not kept.
 */
export abstract class ServiceError extends Error {
  abstract readonly retryable: boolean;
}

/** Whether an error is one of ours that a retry may cure. */
export const isRetryable = (error: unknown): boolean =>
  error instanceof ServiceError && error.retryable;
