import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { readStackFile, type StackFile } from '../../../../local/stack/stack-file';
import { SECRET_NAMES } from '../../../../shared/config/dev-secrets';

/** The repository root: commands run from here, as `npm start` does. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..', '..', '..');

/** The environment for child commands: the dev defaults, nothing from a developer's shell. */
export const childEnvironment = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const name of [...SECRET_NAMES, 'PORT', 'DYNAMODB_PORT', 'SQS_PORT', 'LEASE_SECONDS']) {
    delete env[name];
  }
  return env;
};

export interface StackPorts {
  readonly port: number;
  readonly dynamoDbPort: number;
  readonly sqsPort: number;
}

/** A local stack running as a child process, as a developer runs it with `npm start`. */
export interface StackProcess {
  readonly child: ChildProcess;
  readonly info: StackFile;
  readonly url: string;
  /** From spawn to the first 200 from `/health`. */
  readonly timeToHealthyMs: number;
  /** The last 20 KB of its output, for failure messages. */
  readonly output: () => string;
  /** Sends a signal and resolves with the exit code. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `local/start.ts` in its own Node process (tsx as a loader, so signals reach the stack
 * directly) and resolves once `/health` answers 200.
 */
export const startStackProcess = async (
  dataDir: string,
  ports: StackPorts,
  extraArgs: readonly string[] = [],
): Promise<StackProcess> => {
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
      ...extraArgs,
    ],
    { cwd: REPOSITORY_ROOT, env: childEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${ports.port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the stack exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the stack did not become healthy:\n${output}`);
    }
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
  if (!info) throw new Error(`the stack is healthy but wrote no stack.json:\n${output}`);
  return {
    child,
    info,
    url,
    timeToHealthyMs,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
};

/** The result of running one of the project's commands (`scripts/*.ts`) to completion. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `scripts/<name>.ts` with arguments, as `npm run <name> -- …` would. */
export const runScript = (
  name: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CommandResult> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
      cwd: REPOSITORY_ROOT,
      env: { ...childEnvironment(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
