import type { ValidationIssue } from '../validation/validation-issue';
import { ServiceError } from '../errors/service-error';

/**
 * Failures of one queued message that no retry can cure. They fail only that message; SQS
 * redelivers it until `maxReceiveCount`, then moves it to the DLQ, where it waits for a fix and a
 * redrive. They carry issue paths only, never values: a payload must not reach the logs.
 */

/** The paths of validation issues, as these errors carry them: the root named, never blank. */
export const issuePathsOf = (issues: readonly ValidationIssue[]): string[] =>
  issues.map((issue) => issue.path || '(root)');

/** The message body is not an envelope this worker understands (not JSON, or the wrong shape). */
export class InvalidEnvelopeError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly messageId: string,
    readonly issuePaths: readonly string[],
  ) {
    super(
      `message ${messageId} is not a valid event envelope (${issuePaths.join(', ') || 'body'})`,
    );
    this.name = 'InvalidEnvelopeError';
  }
}

/** No vendor definition is registered for the envelope's vendor. */
export class UnsupportedVendorError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly eventId: string,
    readonly vendor: string,
  ) {
    super(`event ${eventId}: no vendor definition for "${vendor}"`);
    this.name = 'UnsupportedVendorError';
  }
}

/** An event names images by alias, and the worker was built without an alias store. */
export class MissingAliasStoreError extends ServiceError {
  readonly retryable = false;

  constructor(readonly vendor: string) {
    super(`${vendor} events name images by alias, but the worker has no alias store`);
    this.name = 'MissingAliasStoreError';
  }
}

/** The queued payload no longer passes its vendor's schema (ingest validated it once already). */
export class InvalidPayloadError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly eventId: string,
    readonly issuePaths: readonly string[],
  ) {
    super(`event ${eventId}: queued payload fails its vendor schema at ${issuePaths.join(', ')}`);
    this.name = 'InvalidPayloadError';
  }
}
