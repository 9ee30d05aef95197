import { createServer } from 'node:net';

/** A port the local stack needs cannot be bound; the message names the flag that moves it. */
export class PortInUseError extends Error {
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
export class PortUnavailableError extends Error {
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
