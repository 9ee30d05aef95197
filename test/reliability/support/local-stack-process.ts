import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../../local/lambda/load-handler';
import { freePort } from '../../../local/servers/free-port';
import { spawnLocalStack } from '../../../local/stack/spawn-local-stack';
import type { StackFile } from '../../../local/stack/stack-file';
import { StackLog } from './stack-log';

export { REPOSITORY_ROOT };

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
 * Starts the real local stack exactly as a developer does (`npm start`, i.e. `local/start.ts`),
 * in memory, on free ports, with a temporary data directory, and resolves once `/health`
 * answers 200. Every line it prints is tallied by a `StackLog`.
 */
export const startLocalStackProcess = async (options: StackOptions): Promise<LocalStackProcess> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'reliability-stack-'));
  const [port, dynamoDbPort, sqsPort] = [await freePort(), await freePort(), await freePort()];
  const log = new StackLog();
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  const stack = await spawnLocalStack({
    dataDir,
    ports: { port, dynamoDbPort, sqsPort },
    // The suites count the worker's records, so they read Powertools' JSON, as CloudWatch would.
    args: [
      '--in-memory',
      '--log-format',
      'json',
      '--visibility-timeout',
      String(options.visibilityTimeoutSeconds),
    ],
    ...(options.env ? { env: options.env } : {}),
    onOutput: (stream, text) => log.consume(stream, text),
    describe: () => log.tail(),
  }).catch((error: unknown) => {
    removeDataDir();
    throw error;
  });
  const { url, info, alive } = stack;
  return {
    url,
    info,
    log,
    alive,
    stop: async () => {
      const code = await stack.stop('SIGTERM', 60_000);
      removeDataDir();
      return code;
    },
  };
};
