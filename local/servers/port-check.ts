import { createServer } from 'node:net';
import { ServiceError } from '../../shared/errors/service-error';

/** A port the local stack needs cannot be bound; the message names the flag that moves it. */
export class PortInUseError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly port: number,
    readonly purpose: string,
    readonly flag: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Port ${port} (${purpose}) is already in use. Stop whatever holds it, or pick another port with ${flag} N.`,
      options,
    );
    this.name = 'PortInUseError';
  }
}

/** The OS refused the port for another reason (e.g. a privileged port without root). */
export class PortUnavailableError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly port: number,
    readonly purpose: string,
    readonly flag: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Port ${port} (${purpose}) cannot be used (${code}). Pick another with ${flag} N.`,
      options,
    );
    this.name = 'PortUnavailableError';
  }
}

/** Several ports cannot be bound: every one is named at once, so one retry fixes them all. */
export class PortsUnavailableError extends ServiceError {
  readonly retryable = false;

  constructor(readonly errors: readonly Error[]) {
    super(
      `${errors.length} ports the local stack needs cannot be used:\n${errors.map((error) => `  - ${error.message}`).join('\n')}`,
    );
    this.name = 'PortsUnavailableError';
  }
}

/**
 * Translates a listen error into one of the port errors above, so every server of the stack
 * fails the same readable way.
 */
export const toPortError = (error: unknown, port: number, purpose: string, flag: string): Error => {
  // Duck-typed: errors from another realm (a test runner's sandbox) fail `instanceof Error`.
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : 'unknown error';
  if (code === 'EADDRINUSE') return new PortInUseError(port, purpose, flag, { cause: error });
  return new PortUnavailableError(port, purpose, flag, code, { cause: error });
};

/**
 * Fails with a port error when the port cannot be bound on `host`. Checked before anything
 * starts, because DynamoDB Local (Java) would otherwise die with a stack trace, or worse, the
 * readiness probe would find a stranger's server on that port and call it healthy.
 */
export const assertPortFree = (
  port: number,
  host: string,
  purpose: string,
  flag: string,
): Promise<void> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(toPortError(error, port, purpose, flag)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });

/** One port the stack needs: where it is bound, what for, and the flag that moves it. */
export interface PortNeed {
  readonly port: number;
  readonly host: string;
  readonly purpose: string;
  readonly flag: string;
}

/**
 * Probes every port before anything starts and fails once, naming every port that cannot be
 * bound (a port probed on two hosts is named once), instead of one port per attempt. Probes run
 * one after another: two probes of one port at once would collide with each other.
 */
export const assertPortsFree = async (needs: readonly PortNeed[]): Promise<void> => {
  const byPort = new Map<number, Error>();
  for (const need of needs) {
    if (byPort.has(need.port)) continue;
    try {
      await assertPortFree(need.port, need.host, need.purpose, need.flag);
    } catch (error) {
      byPort.set(need.port, error instanceof Error ? error : new Error(String(error)));
    }
  }
  const errors = [...byPort.values()];
  const [only] = errors;
  if (errors.length === 1 && only) throw only;
  if (errors.length > 1) throw new PortsUnavailableError(errors);
};
