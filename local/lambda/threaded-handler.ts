import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as v from 'valibot';
import type { FunctionName } from '../../shared/http/routes';
import { LocalStackError } from '../stack/local-stack-error';
import type { HandlerBundles } from './handler-bundles';
import type { LambdaHandler } from './invoke-handler';
import {
  HandlerThreadError,
  type InvocationReply,
  InvocationReplySchema,
  type InvocationRequest,
} from './threaded-handler-protocol';

/** A function running in a thread of its own, and the way to end that thread. */
export interface ThreadedHandler {
  readonly handler: LambdaHandler;
  readonly close: () => Promise<void>;
}

const ReadySchema = v.object({ ready: v.literal(true) });

/**
 * The thread's bootstrap: TypeScript through tsx's CommonJS hook (works on every supported Node,
 * where `--import` in a thread's execArgv does not), then the handler thread module.
 */
const bootstrap = (): string =>
  `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();` +
  `require(${JSON.stringify(join(__dirname, 'handler-thread.ts'))});`;

/**
 * Starts `functions/<name>/handler.ts` (or, given `bundles`, its bundle under the bundled harness:
 * see `handler-bundles.ts`) in a worker thread with its own `process.env`, so each function has its own environment and credentials as
 * it does in Lambda, although all of them run in one process. Module-scope SDK clients read that environment, so every AWS call a function
 * makes is signed with its own access key id, which is how the local IAM proxy knows who calls.
 * Resolves once the handler module has loaded (its configuration checked, as at a cold start).
 */
export const startThreadedHandler = async (
  name: FunctionName,
  env: Readonly<Record<string, string>>,
  bundles?: Pick<HandlerBundles, 'files' | 'harness'>,
): Promise<ThreadedHandler> => {
  const worker =
    bundles === undefined
      ? new Worker(bootstrap(), { eval: true, env: { ...env }, workerData: { name } })
      : new Worker(bundles.harness, {
          // Plain JavaScript: the parent's `--import tsx` would load TypeScript hooks for nothing.
          execArgv: [],
          env: { ...env },
          workerData: { name, bundle: bundles.files[name] },
        });
  const pending = new Map<number, (reply: InvocationReply) => void>();
  let nextId = 0;
  let exited: Error | undefined;

  const failAll = (error: Error) => {
    exited = error;
    for (const [id, resolve] of pending) {
      resolve({ id, ok: false, error: { name: error.name, message: error.message }, writes: [] });
    }
    pending.clear();
  };

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new LocalStackError(`functions/${name}/handler.ts failed to load: ${error.message}`));
    worker.once('error', onError);
    worker.once('message', (message: unknown) => {
      worker.off('error', onError);
      if (v.is(ReadySchema, message)) resolve();
      else reject(new LocalStackError(`the ${name} thread sent an unexpected first message`));
    });
  });
  worker.on('message', (message: unknown) => {
    const reply = v.parse(InvocationReplySchema, message);
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new LocalStackError(`the ${name} thread exited (${code})`)));

  const handler: LambdaHandler = async (event, context) => {
    if (exited) throw exited;
    const id = (nextId += 1);
    const request: InvocationRequest = {
      id,
      event,
      requestId: context.awsRequestId,
      remainingMs: context.getRemainingTimeInMillis(),
    };
    const reply = await new Promise<InvocationReply>((resolve) => {
      pending.set(id, resolve);
      worker.postMessage(request);
    });
    for (const write of reply.writes) process[write.stream].write(write.text);
    if (reply.ok) return reply.value;
    throw new HandlerThreadError(reply.error);
  };
  return {
    handler,
    close: async () => {
      await worker.terminate();
    },
  };
};
