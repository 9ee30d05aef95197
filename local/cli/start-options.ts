import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { integerOption, PORT_BOUNDS, UsageError } from './usage-error';

/** Everything `npm start` can be told, after defaults. */
export interface StartOptions {
  /** The HTTP gateway (`--port`, env `PORT`). */
  readonly port: number;
  /** DynamoDB Local (`--dynamodb-port`, env `DYNAMODB_PORT`). */
  readonly dynamoDbPort: number;
  /** local-aws-sqs (`--sqs-port`, env `SQS_PORT`). */
  readonly sqsPort: number;
  /** `--in-memory`: nothing is read from or written to the data directory except `stack.json`. */
  readonly inMemory: boolean;
  /** `--data-dir`, absolute: tables in `dynamodb/`, queue snapshots in `sqs/`, `stack.json`. */
  readonly dataDir: string;
  /** The main queue's visibility timeout (`--visibility-timeout`), seconds. */
  readonly visibilityTimeoutSeconds: number;
  /** Concurrent worker pollers (`--pollers`), like the event source mapping's concurrency. */
  readonly pollers: number;
  readonly help: boolean;
}

/** The ports a fresh clone uses: the usual ones for an HTTP API, DynamoDB Local and local SQS. */
export const DEFAULT_PORTS = { gateway: 3000, dynamoDb: 8000, sqs: 9324 } as const;

/** `npm start -- --help`, and the tail of every usage error. */
export const START_USAGE = `Usage: npm start -- [options]

Runs the whole pipeline on this machine: DynamoDB Local, local SQS (main queue, DLQ,
quarantine), the HTTP API on 127.0.0.1 and the worker fed from the queue.

  --port N                 HTTP API port (env PORT, default ${DEFAULT_PORTS.gateway})
  --dynamodb-port N        DynamoDB Local port (env DYNAMODB_PORT, default ${DEFAULT_PORTS.dynamoDb})
  --sqs-port N             local SQS port (env SQS_PORT, default ${DEFAULT_PORTS.sqs})
  --in-memory              keep nothing on disk (tables and queues vanish on stop)
  --data-dir DIR           where data lives (default .data)
  --visibility-timeout S   main queue visibility timeout in seconds (default 30)
  --pollers N              concurrent worker pollers (default 2)
  -h, --help               this text`;

/**
 * Parses `npm start` arguments and the port variables. Pure (argv, env and cwd in, options out)
 * so every flag has a unit test; mistakes surface as `UsageError` before anything starts.
 */
export const parseStartOptions = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): StartOptions => {
  let values: ReturnType<typeof parseFlags>['values'];
  try {
    values = parseFlags(argv).values;
  } catch (error) {
    throw new UsageError(
      `${error instanceof Error ? error.message : String(error)}\n\n${START_USAGE}`,
    );
  }
  const options: StartOptions = {
    port: integerOption(values.port ?? env.PORT, '--port', DEFAULT_PORTS.gateway, PORT_BOUNDS),
    dynamoDbPort: integerOption(
      values['dynamodb-port'] ?? env.DYNAMODB_PORT,
      '--dynamodb-port',
      DEFAULT_PORTS.dynamoDb,
      PORT_BOUNDS,
    ),
    sqsPort: integerOption(
      values['sqs-port'] ?? env.SQS_PORT,
      '--sqs-port',
      DEFAULT_PORTS.sqs,
      PORT_BOUNDS,
    ),
    inMemory: values['in-memory'] ?? false,
    dataDir: resolve(cwd, values['data-dir'] ?? '.data'),
    visibilityTimeoutSeconds: integerOption(
      values['visibility-timeout'],
      '--visibility-timeout',
      30,
      { min: 1, max: 43_200 },
    ),
    pollers: integerOption(values.pollers, '--pollers', 2, { min: 1, max: 10 }),
    help: values.help ?? false,
  };
  const ports = [options.port, options.dynamoDbPort, options.sqsPort];
  if (new Set(ports).size !== ports.length) {
    throw new UsageError(
      `--port, --dynamodb-port and --sqs-port must differ, got ${ports.join(', ')}`,
    );
  }
  return options;
};

const parseFlags = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'sqs-port': { type: 'string' },
      'in-memory': { type: 'boolean' },
      'data-dir': { type: 'string' },
      'visibility-timeout': { type: 'string' },
      pollers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
