import { spawn } from 'node:child_process';
import { REPOSITORY_ROOT } from '../../../../local/lambda/load-handler';
import {
  type SpawnedStack,
  type SpawnStackOptions,
  spawnLocalStack,
  stackChildEnvironment,
} from '../../../../local/stack/spawn-local-stack';

export { REPOSITORY_ROOT };

export interface StackPorts {
  readonly port: number;
  readonly dynamoDbPort: number;
  readonly sqsPort: number;
}

/** A local stack running as a child process, as a developer runs it with `npm start`. */
export interface StackProcess extends SpawnedStack {
  /** The last 20 KB of its output, for failure messages. */
  readonly output: () => string;
}

/** `npm start` on the given ports and data directory, resolved once `/health` answers 200. */
export const startStackProcess = async (
  dataDir: string,
  ports: StackPorts,
  extraArgs: readonly string[] = [],
  from: Pick<SpawnStackOptions, 'root' | 'env' | 'healthyWithinMs'> = {},
): Promise<StackProcess> => {
  let output = '';
  const stack = await spawnLocalStack({
    ...from,
    dataDir,
    ports,
    args: extraArgs,
    onOutput: (_stream, text) => {
      output = (output + text).slice(-20_000);
    },
    describe: () => output,
  });
  return { ...stack, output: () => output };
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
      env: stackChildEnvironment(env),
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
