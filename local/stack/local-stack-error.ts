import { ServiceError } from '../../shared/errors/service-error';

/**
 * The local stack (or a command that needs its servers) could not do its job. The message says
 * what to do about it; `cause` keeps the underlying SDK or system error for debugging.
 */
export class LocalStackError extends ServiceError {
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalStackError';
  }
}
