import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FUNCTION_NAMES } from '../../shared/http/routes';
import type { Revocation } from '../iam/local-iam';
import { isFunctionName } from '../lambda/load-handler';
import {
  isLogLevel,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogSettings,
} from '../logs/log-settings';
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
  /** Local IAM: on unless `--no-iam`; `--iam-revoke` drills; `--iam-calls-log` records calls. */
  readonly iam: IamOptions;
  /** `--log-format` and `--log-level` (env `POWERTOOLS_LOG_LEVEL`). */
  readonly logs: LogSettings;
  /** `--forward-changes URL`: every change event is also POSTed there as JSON. */
  readonly forwardChangesUrl: string | undefined;
  readonly help: boolean;
}

/** How the local stack treats each function's AWS calls. */
export interface IamOptions {
  /** Every call is decided against the function's synthesized role (`--no-iam` turns it off). */
  readonly enforce: boolean;
  /** Actions taken out of a role for this run (`--iam-revoke worker=dynamodb:GetItem`). */
  readonly revoke: readonly Revocation[];
  /** Where to append each distinct (function, action, resource) called (`--iam-calls-log`, env `IAM_CALLS_LOG`). */
  readonly callsLogFile: string | undefined;
}

/** The ports a fresh clone uses: the usual ones for an HTTP API, DynamoDB Local and local SQS. */
export const DEFAULT_PORTS = { gateway: 3000, dynamoDb: 8000, sqs: 9324 } as const;

/** `npm start -- --help`, and the tail of every usage error. */
export const START_USAGE = `Usage: npm start -- [options]

Runs the whole pipeline on this machine: DynamoDB Local, local SQS (main queue, DLQ,
quarantine), the HTTP API on 127.0.0.1, the worker fed from the queue, and the change
publisher fed from the records table's stream (events in <data dir>/changes.jsonl).

  --port N                 HTTP API port (env PORT, default ${DEFAULT_PORTS.gateway})
  --dynamodb-port N        DynamoDB Local port (env DYNAMODB_PORT, default ${DEFAULT_PORTS.dynamoDb})
  --sqs-port N             local SQS port (env SQS_PORT, default ${DEFAULT_PORTS.sqs})
  --in-memory              keep nothing on disk (tables and queues vanish on stop)
  --data-dir DIR           where data lives (default .data)
  --visibility-timeout S   main queue visibility timeout in seconds (default 30)
  --pollers N              concurrent worker pollers (default 2)
  --no-iam                 do not enforce the functions' IAM roles (on by default)
  --iam-revoke FN=ACTION   take ACTION out of FN's role for this run (repeatable),
                           e.g. worker=dynamodb:GetItem
  --iam-calls-log FILE     append every distinct (function, action, resource) called
                           (env IAM_CALLS_LOG)
  --log-format F           pretty: one line per delivery, read and worker batch (default);
                           json: the handlers' Powertools JSON records, as in CloudWatch
  --log-level L            ${LOG_LEVELS.join(', ')} (env POWERTOOLS_LOG_LEVEL, default INFO)
  --forward-changes URL    also POST every change event as JSON to URL (http or https),
                           retried with backoff until it answers 2xx
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
    iam: {
      enforce: !(values['no-iam'] ?? false),
      revoke: (values['iam-revoke'] ?? []).map(parseRevocation),
      callsLogFile:
        values['iam-calls-log'] !== undefined || env.IAM_CALLS_LOG
          ? resolve(cwd, values['iam-calls-log'] ?? env.IAM_CALLS_LOG ?? '')
          : undefined,
    },
    logs: logSettingsOf(values['log-format'], values['log-level'] ?? env.POWERTOOLS_LOG_LEVEL),
    forwardChangesUrl: forwardUrlOf(values['forward-changes']),
    help: values.help ?? false,
  };
  if (!options.iam.enforce && options.iam.revoke.length > 0) {
    throw new UsageError('--iam-revoke needs IAM enforced; drop --no-iam');
  }
  const ports = [options.port, options.dynamoDbPort, options.sqsPort];
  if (new Set(ports).size !== ports.length) {
    throw new UsageError(
      `--port, --dynamodb-port and --sqs-port must differ, got ${ports.join(', ')}`,
    );
  }
  return options;
};

/** An absolute http(s) URL, or a usage error that says what was wrong with it. */
const forwardUrlOf = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--forward-changes: "${value}" is not a URL; give e.g. http://127.0.0.1:4000/changes`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--forward-changes: the URL must be http or https, got ${url.protocol}`);
  }
  return url.toString();
};

const logSettingsOf = (format: string | undefined, level: string | undefined): LogSettings => {
  const chosenFormat = format ?? 'pretty';
  if (!(LOG_FORMATS as readonly string[]).includes(chosenFormat)) {
    throw new UsageError(
      `--log-format must be one of ${LOG_FORMATS.join(', ')}, got "${chosenFormat}"`,
    );
  }
  const chosenLevel = (level ?? 'INFO').toUpperCase();
  if (!isLogLevel(chosenLevel)) {
    throw new UsageError(
      `--log-level (or POWERTOOLS_LOG_LEVEL) must be one of ${LOG_LEVELS.join(', ')}, got "${level ?? ''}"`,
    );
  }
  return { format: chosenFormat as LogFormat, level: chosenLevel };
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
      'no-iam': { type: 'boolean' },
      'iam-revoke': { type: 'string', multiple: true },
      'iam-calls-log': { type: 'string' },
      'log-format': { type: 'string' },
      'log-level': { type: 'string' },
      'forward-changes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });

/** `worker=dynamodb:GetItem` → the function and the action to take out of its role. */
export const parseRevocation = (value: string): Revocation => {
  const match = /^([a-z-]+)=([a-z0-9-]+:[A-Za-z]+)$/.exec(value);
  const functionName = match?.[1];
  const action = match?.[2];
  if (functionName === undefined || action === undefined || !isFunctionName(functionName)) {
    throw new UsageError(
      `--iam-revoke: expected FUNCTION=service:Action with FUNCTION one of ${FUNCTION_NAMES.join(', ')}, got "${value}"`,
    );
  }
  return { functionName, action };
};
