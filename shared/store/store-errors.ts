import { ServiceError } from '../errors/service-error';

/**
 * The failures of the record store and the event ledger, in domain terms. Adapters translate AWS
 * SDK errors into these, so callers never depend on SDK exception classes, and each carries the
 * context (table, key, attempt) an operator needs from a log line.
 */

/**
 * A DynamoDB call failed (throttling, timeout, network, service error): the SDK error is the
 * `cause`. The worker fails only the message at hand, which SQS retries.
 */
export class StoreOperationError extends ServiceError {
  readonly retryable = true;

  constructor(
    readonly operation: string,
    readonly tableName: string,
    options: { cause: unknown },
  ) {
    super(`DynamoDB ${operation} on ${tableName} failed: ${describeCause(options.cause)}`, options);
    this.name = 'StoreOperationError';
  }
}

/** Optimistic writes to one image kept losing to other writers; retrying the message is safe. */
export class ConcurrentUpdateError extends ServiceError {
  readonly retryable = true;

  constructor(
    readonly recordKey: string,
    readonly attempts: number,
  ) {
    super(`image record ${recordKey} changed under ${attempts} consecutive write attempts`);
    this.name = 'ConcurrentUpdateError';
  }
}

/** The merged record would exceed DynamoDB's 400 KB item limit, so it is refused before the call. */
export class RecordTooLargeError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly recordKey: string,
    readonly itemBytes: number,
    readonly limitBytes: number,
  ) {
    super(`image record ${recordKey} would be ${itemBytes} bytes; the item limit is ${limitBytes}`);
    this.name = 'RecordTooLargeError';
  }
}

/** A stored item does not have the shape this code writes: never guessed at, always reported. */
export class CorruptItemError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly tableName: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`item ${key} in ${tableName} is unreadable: ${reason}`);
    this.name = 'CorruptItemError';
  }
}

const describeCause = (cause: unknown): string =>
  cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
