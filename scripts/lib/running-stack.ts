import { join, resolve } from 'node:path';
import { isProcessAlive, readStackFile, type StackFile } from '../../local/stack/stack-file';

/** Where `npm start` keeps its data unless told otherwise. */
export const DEFAULT_DATA_DIR = join(process.cwd(), '.data');

/** The data directory a command's `--data-dir` names, or the default. */
export const dataDirOf = (flag: string | undefined): string =>
  flag ? resolve(flag) : DEFAULT_DATA_DIR;

/**
 * The local stack started from `dataDir`, if one is running: its `stack.json` exists, its
 * process is alive and `/health` answers (200, or 503 "degraded" while a server is down, which is
 * still a running stack). A stack that is starting or stopping does not count.
 */
export const findRunningStack = async (dataDir: string): Promise<StackFile | undefined> => {
  const stack = readStackFile(dataDir);
  if (!stack || !isProcessAlive(stack.pid)) return undefined;
  try {
    const response = await fetch(`${stack.gatewayUrl}/health`, {
      signal: AbortSignal.timeout(3000),
    });
    const body: unknown = await response.json();
    const status = typeof body === 'object' && body !== null && 'status' in body ? body.status : '';
    return status === 'ok' || status === 'degraded' ? stack : undefined;
  } catch {
    return undefined;
  }
};
