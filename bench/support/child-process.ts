import { type ChildProcess, fork, spawn } from 'node:child_process';

/** A child process the benchmark started, and how to stop it. */
export interface RunningChild {
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  readonly stop: () => Promise<void>;
}

const stopper = (child: ChildProcess) => (): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });

/**
 * Starts the SQS stub server bundle in its own `node` process and resolves with its endpoint once
 * it prints `listening <port>`.
 */
export const startStubServer = async (
  file: string,
): Promise<RunningChild & { endpoint: string }> => {
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`stub server exited with ${code}: ${output}`)));
  });
  return { child, endpoint: `http://127.0.0.1:${port}`, stop: stopper(child) };
};

/**
 * Runs a probe bundle in a fresh `node` process with an IPC channel and resolves with the first
 * message it sends (`{ ok: true, … }` or `{ ok: false, error }`). Its stdout, where handlers log,
 * is discarded; its stderr is kept for the error message.
 */
export const runProbe = (
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const child = fork(file, [...args], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    let answered = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once('message', (message: unknown) => {
      answered = true;
      resolve(message);
      void stopper(child)();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`probe ${file} exited with ${code}: ${stderr}`));
    });
  });
