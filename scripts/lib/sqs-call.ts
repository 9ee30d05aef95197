import { ServiceError } from '../../shared/errors/service-error';

/** An SQS call of an operator command failed; the message names the call and the queue. */
export class QueueCommandError extends ServiceError {
  readonly retryable = true;

  constructor(
    message: string,
    readonly queueUrl: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QueueCommandError';
  }
}

/** Runs one SQS call, translating an SDK failure into a `QueueCommandError` with its context. */
export const sqsCall = async <T>(
  what: string,
  queueUrl: string,
  call: () => Promise<T>,
): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new QueueCommandError(`${what} on ${queueUrl} failed (${reason})`, queueUrl, {
      cause: error,
    });
  }
};
