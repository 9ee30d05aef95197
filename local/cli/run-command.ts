import { ConfigurationError } from '../../shared/config/env';
import { DynamoDbLocalError } from '../servers/dynamodb-local';
import { PortInUseError, PortsUnavailableError, PortUnavailableError } from '../servers/port-check';
import { LocalStackError } from '../stack/local-stack-error';
import { UsageError } from './usage-error';

/** Errors whose message is the whole story: printed as one line, without a stack trace. */
const EXPECTED_ERRORS = [
  UsageError,
  PortInUseError,
  PortUnavailableError,
  PortsUnavailableError,
  DynamoDbLocalError,
  LocalStackError,
  ConfigurationError,
];

/**
 * Runs a command's main function and exits with its code. Expected failures (bad flags, a busy
 * port, no Java, a misconfigured handler) print one readable line and exit 1; anything else is a
 * bug and keeps its stack trace.
 */
export const runCommand = (
  main: () => Promise<number>,
  options: { expectedErrors?: ReadonlyArray<abstract new (...args: never[]) => Error> } = {},
): void => {
  // Node 20 is supported here; the SDK's "upgrade Node" notice would only bury the real output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // `npm run records | head` closes the pipe early; that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  main()
    .then((code) => {
      process.exitCode = code;
      // Lingering sockets or timers (SDK keep-alive, servers) must not keep a finished command alive.
      setTimeout(() => process.exit(code), 100).unref();
    })
    .catch((error: unknown) => {
      const expected = [...EXPECTED_ERRORS, ...(options.expectedErrors ?? [])];
      if (expected.some((type) => error instanceof type) && error instanceof Error) {
        console.error(`error: ${error.message}`);
      } else {
        console.error(error);
      }
      process.exit(1);
    });
};
