import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../local/servers/free-port';
import { readStackFile, type StackFile } from '../../../local/stack/stack-file';
import { SECRET_NAMES } from '../../../shared/config/dev-secrets';
import { StackLog } from './stack-log';

/** The repository root: `npm start` runs from here. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

/** How a suite wants its stack. */
export interface StackOptions {
  /** The main queue's visibility timeout (`--visibility-timeout`). */
  readonly visibilityTimeoutSeconds: number;
  /** Secrets and behaviour settings for the handlers; unset secrets take the dev defaults. */
  readonly env?: Readonly<Record<string, string>>;
}

/** `npm start` running as a child process, with its output tallied. */
export interface LocalStackProcess {
  readonly url: string;
  readonly info: StackFile;
  readonly log: StackLog;
  /** Whether the process is still running (a crash would end it). */
  readonly alive: () => boolean;
  /** SIGTERM (a clean stop), then the exit code; the data directory is removed. */
  readonly stop: () => Promise<number | null>;
}

/**
 * Variables a developer's shell may hold that would change the stack under test: secrets,
 * ports, behaviour settings. The suites set what they need explicitly.
 */
const INHERITED_SETTINGS = [
  ...SECRET_NAMES,
  'PORT',
  'DYNAMODB_PORT',
  'SQS_PORT',
  'LEASE_SECONDS',
  'MAX_BODY_BYTES',
  'DEDUPE_WINDOW_SECONDS',
  'POWERTOOLS_LOG_LEVEL',
  'LOG_LEVEL',
];

/** The child's environment: this one minus inherited settings, plus the suite's own. */
export const stackEnvironment = (
  overrides: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const name of INHERITED_SETTINGS) delete env[name];
  return { ...env, ...overrides };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for a child's exit and returns its code, killing it after `graceMs`. */
const exitOf = (child: ChildProcess, exited: Promise<number | null>, graceMs: number) => {
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  return exited.finally(() => clearTimeout(killer));
};

/**
 * Starts the real local stack exactly as a developer does (`npm start`, i.e. `local/start.ts`),
 * in memory, on free ports, with a temporary data directory, and resolves once `/health`
 * answers 200. Every line it prints is tallied by a `StackLog`.
 */
export const startLocalStackProcess = async (options: StackOptions): Promise<LocalStackProcess> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'reliability-stack-'));
  const [port, dynamoDbPort, sqsPort] = [await freePort(), await freePort(), await freePort()];
  const log = new StackLog();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'local/start.ts',
      '--in-memory',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--dynamodb-port',
      String(dynamoDbPort),
      '--sqs-port',
      String(sqsPort),
      '--visibility-timeout',
      String(options.visibilityTimeoutSeconds),
    ],
    {
      cwd: REPOSITORY_ROOT,
      env: stackEnvironment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => log.consume('stdout', chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => log.consume('stderr', chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  const cleanUp = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exitOf(child, exited, 5000);
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (;;) {
    if (child.exitCode !== null) {
      await cleanUp();
      throw new Error(`the stack exited with ${child.exitCode}:\n${log.tail()}`);
    }
    if (Date.now() > deadline) {
      await cleanUp();
      throw new Error(`the stack did not become healthy:\n${log.tail()}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  const info = readStackFile(dataDir);
  if (!info) {
    await cleanUp();
    throw new Error(`the stack is healthy but wrote no stack.json:\n${log.tail()}`);
  }
  return {
    url,
    info,
    log,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exitOf(child, exited, 60_000);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
};
