import { join, resolve } from 'node:path';
import { DEFAULT_PORTS } from '../../local/cli/start-options';
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

/** The gateway a command talks to, and the local stack behind it when there is one. */
export interface Gateway {
  readonly stack: StackFile | undefined;
  /** Without a trailing slash. */
  readonly baseUrl: string;
}

/**
 * `--url` when given (then no local stack is looked for), else the local stack running from the
 * data directory, else where `npm start` listens by default.
 */
export const resolveGateway = async (flags: {
  readonly url: string | undefined;
  readonly dataDir: string | undefined;
}): Promise<Gateway> => {
  const stack = flags.url ? undefined : await findRunningStack(dataDirOf(flags.dataDir));
  const baseUrl =
    flags.url ??
    stack?.gatewayUrl ??
    `http://127.0.0.1:${process.env.PORT ?? String(DEFAULT_PORTS.gateway)}`;
  return { stack, baseUrl: baseUrl.replace(/\/+$/, '') };
};
