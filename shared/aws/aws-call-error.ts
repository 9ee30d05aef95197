import { ServiceError } from '../errors/service-error';

/**
 * Error codes AWS answers for throttling or a transient fault on its side, whatever the HTTP
 * status (the SDK's retry strategy treats the same ones as retryable).
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'InternalServiceError',
  'ServiceUnavailable',
  'TransactionInProgressException',
]);

/** One AWS call that did not succeed: what was asked, what came back, and whether to try again. */
export interface AwsCallFailure {
  /** `sqs`, `secretsmanager`. */
  readonly service: string;
  /** `SendMessage`, `GetSecretValue`. */
  readonly operation: string;
  /**
   * The AWS error code (`ThrottlingException`, `QueueDoesNotExist`), or for a call that got no
   * answer the network's (`ECONNREFUSED`, `TimeoutError`).
   */
  readonly code: string;
  /** The HTTP status of the answer; absent when there was none. */
  readonly statusCode?: number;
  readonly retryable: boolean;
  readonly cause?: unknown;
}

/**
 * An AWS call failed. Why one class with a flag instead of the SDK's class per error code: the
 * ingest path only ever decides "try again (here, or by answering 503)" or "give up", and
 * `ServiceError.retryable` is how the whole project says that. Throttling, 5xx and failures to get
 * an answer at all (refused, reset, timed out) are retryable; any other 4xx is not (a missing
 * queue, a denied action and a malformed request will answer the same again). The message is built
 * from codes only, never from the service's text, so it is safe to log.
 */
export class AwsCallError extends ServiceError {
  readonly retryable: boolean;
  readonly service: string;
  readonly operation: string;
  readonly code: string;
  readonly statusCode: number | undefined;

  constructor(failure: AwsCallFailure) {
    super(
      `${failure.service}.${failure.operation} failed: ${failure.code}${
        failure.statusCode === undefined ? '' : ` (HTTP ${failure.statusCode})`
      }`,
      failure.cause === undefined ? undefined : { cause: failure.cause },
    );
    this.name = 'AwsCallError';
    this.retryable = failure.retryable;
    this.service = failure.service;
    this.operation = failure.operation;
    this.code = failure.code;
    this.statusCode = failure.statusCode;
  }
}

/** Whether an answer's status and code say the same call may succeed if made again. */
export const isRetryableAnswer = (statusCode: number, code: string): boolean =>
  statusCode >= 500 || statusCode === 429 || TRANSIENT_CODES.has(code);

/**
 * The error code of a JSON protocol error answer: every JSON service names the error shape in the
 * body's `__type` (`com.amazonaws.sqs#QueueDoesNotExist`) or in the `x-amzn-errortype` header
 * (`ThrottlingException:http://…`); the namespace and the suffix are dropped, as the SDK does.
 */
export const errorCodeOf = (
  headers: Readonly<Record<string, string | undefined>>,
  body: unknown,
): string => {
  const typeField =
    typeof body === 'object' && body !== null && '__type' in body ? body.__type : undefined;
  const raw =
    (typeof typeField === 'string' ? typeField : undefined) ?? headers['x-amzn-errortype'] ?? '';
  const code = raw.split(':')[0]?.split('#').pop() ?? '';
  return code === '' ? 'UnknownError' : code;
};

/** The code of an error thrown before any answer came (the socket's `code`, else its name). */
export const networkCodeOf = (error: unknown): string => {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error;
    if (typeof code === 'string' && code !== '') return code;
  }
  return error instanceof Error ? error.name : 'NetworkError';
};
