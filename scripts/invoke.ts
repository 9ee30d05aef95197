import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { runCommand } from '../local/cli/run-command';
import { parseRevocation } from '../local/cli/start-options';
import { parseCommandArgs, UsageError } from '../local/cli/usage-error';
import { startHandlerUnderIam } from '../local/iam/handler-under-iam';
import {
  type InvocationOutcome,
  invokeHandler,
  type LambdaHandler,
} from '../local/lambda/invoke-handler';
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
                         [--no-iam] [--iam-revoke FN=ACTION]...

Runs one handler on one event, like "sam local invoke", and prints its result as JSON.
<function> is a folder under functions/: ${FUNCTION_NAMES.join(', ')}.
With a local stack running (npm start) it uses that stack's queues and tables; otherwise it
starts what the function needs, in memory, for this call only.
As npm start does, it enforces the function's IAM role from the CDK app on every AWS call:
--no-iam turns that off (with a warning), --iam-revoke takes an action out of the role.`;

/** Printed when --no-iam turns enforcement off, as npm start's banner warns. */
const NO_IAM_WARNING =
  "WARNING: --no-iam: the function's IAM role is NOT enforced. A call its role does not allow succeeds here and fails in AWS.";

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
      options: {
        'data-dir': { type: 'string' },
        'no-iam': { type: 'boolean' },
        'iam-revoke': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
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
  const enforceIam = values['no-iam'] !== true;
  const revoke = (values['iam-revoke'] ?? []).map(parseRevocation);
  if (!enforceIam && revoke.length > 0) {
    throw new UsageError('--iam-revoke needs IAM enforced; drop --no-iam');
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
  let closeHandler = async (): Promise<void> => {};
  try {
    const wiring = stack ? wiringOfStack(stack) : resources?.wiring;
    if (!wiring) throw new UsageError('no local servers to run against');
    applyEnvironment(lambdaEnvironment(process.env, wiring));
    let handler: LambdaHandler;
    if (enforceIam) {
      const underIam = await startHandlerUnderIam(name, {
        wiring,
        revoke,
        callsLogFile: process.env.IAM_CALLS_LOG || undefined,
        log: (line) => console.error(line),
      });
      closeHandler = underIam.close;
      handler = underIam.handler;
      console.error(
        `IAM: ${name}'s role from the CDK app (${underIam.roles.fromCache ? 'cached' : 'synthesized'} in ${underIam.roles.ms} ms) is enforced on every AWS call`,
      );
      for (const revocation of revoke) {
        console.error(
          `IAM drill: ${revocation.action} taken out of ${revocation.functionName}'s role (--iam-revoke)`,
        );
      }
    } else {
      console.error(NO_IAM_WARNING);
      handler = await loadHandler(name);
    }
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
    await closeHandler();
    output.restore();
    await resources?.stop();
  }
});
