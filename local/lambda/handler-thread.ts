import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import * as v from 'valibot';
import { captureWrites, installOutputCapture } from '../logs/output-capture';
import { lambdaContext } from './lambda-context';
import { handlerPath, isFunctionName } from './load-handler';
import {
  type InvocationReply,
  InvocationRequestSchema,
  serializeError,
} from './threaded-handler-protocol';

/**
 * The body of one function's thread (see `startThreadedHandler`): loads `functions/<name>/handler.ts`
 * with this thread's own `process.env`, as Lambda loads it in its own sandbox, then runs one
 * invocation per message and answers with its result or its error.
 */
const HandlerModuleSchema = v.object({ handler: v.function() });
const WorkerDataSchema = v.object({ name: v.string(), bundle: v.optional(v.string()) });

const port = parentPort;
const { name, bundle } = v.parse(WorkerDataSchema, workerData);
if (port === null || !isFunctionName(name)) {
  throw new Error(`handler thread started without a parent or with an unknown function "${name}"`);
}

/**
 * The handler module: the function's bundle when given (ESM, as Lambda loads it), else the
 * TypeScript source, loaded with require so its imports resolve as CommonJS transpilation does,
 * whatever the Node version's support for hooks in threads.
 */
const loadHandlerModule = async (): Promise<unknown> =>
  bundle === undefined
    ? createRequire(__filename)(handlerPath(name))
    : import(pathToFileURL(bundle).href);

const serve = (handler: (event: unknown, context: unknown) => unknown): void => {
  // What an invocation writes is sent back with its reply (output outside invocations flows to
  // the parent's stdout as usual).
  installOutputCapture();
  port.on('message', (message: unknown) => {
    const request = v.parse(InvocationRequestSchema, message);
    const context = lambdaContext(name, request.remainingMs, request.requestId);
    void captureWrites(async () => handler(request.event, context)).then(
      ({ outcome, writes }): void => {
        const reply: InvocationReply =
          outcome.status === 'fulfilled'
            ? { id: request.id, ok: true, value: outcome.value, writes }
            : { id: request.id, ok: false, error: serializeError(outcome.reason), writes };
        port.postMessage(reply);
      },
    );
  });
  port.postMessage({ ready: true });
};

void loadHandlerModule().then((module) => serve(v.parse(HandlerModuleSchema, module).handler));
