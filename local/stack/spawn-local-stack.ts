import { type ChildProcess, spawn } from 'node:child_process';
import { SECRET_NAMES } from '../../shared/config/dev-secrets';
import { REPOSITORY_ROOT } from '../lambda/load-handler';
import { readStackFile, type StackFile } from './stack-file';

/**
 * Settings a developer's shell may hold that would change a stack started for a test or a
 * benchmark: secrets, ports and behaviour settings. They are removed, so a run sees the dev
 * defaults unless it sets a value itself.
 */
const INHERITED_SETTINGS = [
  ...SECRET_NAMES,
  'PORT',
  'DYNAMODB_PORT',
  'SQS_PORT',
  'MAX_BODY_BYTES',
  'DEDUPE_WINDOW_SECONDS',
  'POWERTOOLS_LOG_LEVEL',
  'LOG_LEVEL',
];

/** The environment for a child command: this one minus inherited settings, plus `overrides`. */
export const stackChildEnvironment = (
  overrides: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const name of INHERITED_SETTINGS) delete env[name];
  return { ...env, ...overrides };
};

/** How to start the stack: where, on which ports, with which extra flags and environment. */
export interface SpawnStackOptions {
  readonly dataDir: string;
  readonly ports: {
    readonly port: number;
    readonly dynamoDbPort: number;
    readonly sqsPort: number;
  };
  /** Flags after the ports and data directory, such as `--in-memory`. */
  readonly args?: readonly string[];
  /** Settings for the handlers, on top of `stackChildEnvironment`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Every chunk the stack prints. */
  readonly onOutput: (stream: 'stdout' | 'stderr', text: string) => void;
  /** What to show when the stack fails to start: usually the tail of its output. */
  readonly describe: () => string;
  /** How long it may take to answer 200 on `/health`; 90 s by default. */
  readonly healthyWithinMs?: number;
  /** The checkout to start it from (a scratch copy with an edit); this repository by default. */
  readonly root?: string;
}

/** `npm start` running as a child process. */
export interface SpawnedStack {
  readonly child: ChildProcess;
  readonly info: StackFile;
  readonly url: string;
  /** From spawn to the first 200 from `/health`. */
  readonly timeToHealthyMs: number;
  /** Whether the process is still running. */
  readonly alive: () => boolean;
  /** Sends `signal` (SIGTERM: a clean stop) and resolves with the exit code, killing after `graceMs`. */
  readonly stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<number | null>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the real local stack as a developer does (`local/start.ts` in its own Node process, tsx
 * as a loader, so signals reach the stack directly) and resolves once `/health` answers 200. A
 * stack that exits, stays unhealthy past the deadline or writes no `stack.json` is killed and
 * the start rejects with `describe()`.
 */
export const spawnLocalStack = async (options: SpawnStackOptions): Promise<SpawnedStack> => {
  const { dataDir, ports } = options;
  const startedAt = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'local/start.ts',
      '--port',
      String(ports.port),
      '--dynamodb-port',
      String(ports.dynamoDbPort),
      '--sqs-port',
      String(ports.sqsPort),
      '--data-dir',
      dataDir,
      ...(options.args ?? []),
    ],
    {
      cwd: options.root ?? REPOSITORY_ROOT,
      env: stackChildEnvironment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => options.onOutput('stdout', chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => options.onOutput('stderr', chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 60_000) => {
    if (alive()) child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(killer);
    }
  };
  const fail = async (what: string): Promise<never> => {
    await stop('SIGKILL', 5000);
    throw new Error(`${what}:\n${options.describe()}`);
  };

  const url = `http://127.0.0.1:${ports.port}`;
  const deadline = Date.now() + (options.healthyWithinMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) return fail(`the stack exited with ${child.exitCode}`);
    if (Date.now() > deadline) return fail('the stack did not become healthy');
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  const timeToHealthyMs = Date.now() - startedAt;
  const info = readStackFile(dataDir);
  if (!info) return fail('the stack is healthy but wrote no stack.json');
  return { child, info, url, timeToHealthyMs, alive, stop };
};
