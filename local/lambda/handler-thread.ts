import { createRequire } from 'node:module';
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
const WorkerDataSchema = v.object({ name: v.string() });

const port = parentPort;
const { name } = v.parse(WorkerDataSchema, workerData);
if (port === null || !isFunctionName(name)) {
  throw new Error(`handler thread started without a parent or with an unknown function "${name}"`);
}
// Loaded with require so the handler's own imports resolve as they do in the bundle (CommonJS
// transpilation), whatever the Node version's support for hooks in threads.
const loadModule = createRequire(__filename);
const { handler } = v.parse(HandlerModuleSchema, loadModule(handlerPath(name)));

// What an invocation writes is sent back with its reply (output outside invocations flows to the
// parent's stdout as usual).
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
