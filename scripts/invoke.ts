import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { runCommand } from '../local/cli/run-command';
import { parseCommandArgs, UsageError } from '../local/cli/usage-error';
import { type InvocationOutcome, invokeHandler } from '../local/lambda/invoke-handler';
import { isFunctionName, loadHandler } from '../local/lambda/load-handler';
import {
  startResourcesFor,
  type TemporaryResources,
  wiringOfStack,
} from '../local/stack/function-resources';
import { applyEnvironment, lambdaEnvironment } from '../local/stack/lambda-environment';
import { FUNCTION_NAMES } from '../shared/http/routes';
import { readJsonFile } from './lib/json-file';
import { dataDirOf, findRunningStack } from './lib/running-stack';
import { divertStdout } from './lib/stdout-for-results';
import { sizingOf } from '../infra/function-sizing';

const USAGE = `Usage: npm run invoke -- <function> <event.json> [--data-dir DIR]

Runs one handler on one event, like "sam local invoke", and prints its result as JSON.
<function> is a folder under functions/: ${FUNCTION_NAMES.join(', ')}.
With a local stack running (npm start) it uses that stack's queues and tables; otherwise it
starts what the function needs, in memory, for this call only.`;

/** What Lambda reports for a failed invocation. */
const errorResult = (outcome: Exclude<InvocationOutcome, { kind: 'returned' }>) =>
  outcome.kind === 'timed-out'
    ? { errorType: 'TimeoutError', errorMessage: `Task timed out after ${outcome.timeoutMs} ms` }
    : {
        errorType: outcome.error instanceof Error ? outcome.error.name : 'Error',
        errorMessage:
          outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
        trace: outcome.error instanceof Error ? (outcome.error.stack ?? '').split('\n') : [],
      };

/** Shows what an ingest call put on the temporary queues, which vanish with this command. */
const reportQueued = async (sqs: SQSClient, resources: TemporaryResources): Promise<void> => {
  const queues = resources.wiring.queues;
  if (!queues) return;
  for (const role of ['main', 'quarantine'] as const) {
    const output = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues[role].url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of output.Messages ?? []) {
      console.error(
        `queued on ${queues[role].name} (discarded when this command ends): ${message.Body}`,
      );
    }
  }
};

runCommand(async () => {
  const { values, positionals } = parseCommandArgs(
    {
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [name, eventPath, ...extra] = positionals;
  if (name === undefined || eventPath === undefined || extra.length > 0)
    throw new UsageError(USAGE);
  if (!isFunctionName(name)) {
    throw new UsageError(
      `unknown function "${name}"; expected one of ${FUNCTION_NAMES.join(', ')}`,
    );
  }
  const event = readJsonFile(eventPath);
  const dataDir = dataDirOf(values['data-dir']);

  const stack = await findRunningStack(dataDir);
  const resources = stack
    ? undefined
    : await startResourcesFor(name, { visibilityTimeoutSeconds: 30 });
  console.error(
    stack
      ? `using the local stack at ${stack.gatewayUrl} (pid ${stack.pid})`
      : 'no local stack running: started what this function needs, in memory, for this call',
  );
  const output = divertStdout();
  try {
    const wiring = stack ? wiringOfStack(stack) : resources?.wiring;
    if (!wiring) throw new UsageError('no local servers to run against');
    applyEnvironment(lambdaEnvironment(process.env, wiring));
    const handler = await loadHandler(name);
    const outcome = await invokeHandler(handler, event, {
      functionName: name,
      // The deployed timeout, enforced locally too.
      timeoutMs: sizingOf(name).timeout.toMilliseconds(),
    });
    if (resources?.sqs) await reportQueued(resources.sqs, resources);
    const result = outcome.kind === 'returned' ? (outcome.value ?? null) : errorResult(outcome);
    output.writeResult(`${JSON.stringify(result, null, 2)}\n`);
    return outcome.kind === 'returned' ? 0 : 1;
  } finally {
    output.restore();
    await resources?.stop();
  }
});
