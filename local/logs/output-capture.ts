import { AsyncLocalStorage } from 'node:async_hooks';

/** One write a handler made to stdout or stderr while its invocation ran. */
export interface CapturedWrite {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

const scope = new AsyncLocalStorage<CapturedWrite[]>();
let installed = false;

type Write = typeof process.stdout.write;

const divert = (stream: NodeJS.WriteStream, name: CapturedWrite['stream']): void => {
  const original = stream.write.bind(stream) as Write;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const writes = scope.getStore();
    if (!writes) return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    writes.push({
      stream: name,
      text: typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
    });
    const callback = rest.find((argument) => typeof argument === 'function');
    if (typeof callback === 'function') queueMicrotask(() => (callback as () => void)());
    return true;
  };
  stream.write = write as Write;
};

/**
 * Routes what code writes to stdout and stderr while it runs inside `captureWrites` to that
 * call, and everything else through untouched. Async context (not timing) decides, so
 * overlapping invocations never get each other's lines: this is what lets the local stack
 * attribute every log record to the one invocation that wrote it, with all handlers in one
 * process. Installed once per process.
 */
export const installOutputCapture = (): void => {
  if (installed) return;
  installed = true;
  divert(process.stdout, 'stdout');
  divert(process.stderr, 'stderr');
};

/** How a captured run ended, and what it wrote. */
export interface CapturedRun<T> {
  readonly outcome: PromiseSettledResult<T>;
  readonly writes: CapturedWrite[];
}

/** Runs `run`, collecting what it writes (see `installOutputCapture`). */
export const captureWrites = <T>(run: () => Promise<T>): Promise<CapturedRun<T>> => {
  const writes: CapturedWrite[] = [];
  return scope.run(writes, async (): Promise<CapturedRun<T>> => {
    try {
      return { outcome: { status: 'fulfilled', value: await run() }, writes };
    } catch (reason) {
      return { outcome: { status: 'rejected', reason }, writes };
    }
  });
};
