import { join } from 'node:path';
import { runCommand } from '../local/cli/run-command';
import { integerOption, parseCommandArgs } from '../local/cli/usage-error';
import { readQueueContents } from '../local/sqs/queue-snapshot';
import { isProcessAlive, readStackFile } from '../local/stack/stack-file';
import { LocalStackError } from '../local/stack/local-stack-error';
import { dataDirOf } from './lib/running-stack';

const USAGE = `Usage: npm run stop -- [--data-dir DIR] [--timeout S]

Stops the local stack that npm start runs from the data directory (default .data) the way
Ctrl+C does: it sends SIGTERM, the stack finishes its requests, drains the queue, saves the
queues to <data dir>/sqs and stops its servers. Waits up to --timeout seconds (default 90) for
that, then says what was saved.`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

runCommand(async () => {
  const { values } = parseCommandArgs(
    {
      options: {
        'data-dir': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const timeoutSeconds = integerOption(values.timeout, '--timeout', 90, { min: 1, max: 3600 });
  const dataDir = dataDirOf(values['data-dir']);
  const stack = readStackFile(dataDir);
  if (!stack || !isProcessAlive(stack.pid)) {
    console.log(`No local stack is running from ${dataDir}; nothing to stop.`);
    return 0;
  }
  console.log(`Stopping the local stack at ${stack.gatewayUrl} (pid ${stack.pid})…`);
  process.kill(stack.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (isProcessAlive(stack.pid)) {
    if (Date.now() > deadline) {
      throw new LocalStackError(
        `the stack (pid ${stack.pid}) did not stop within ${timeoutSeconds} s; run npm run stop again to skip the drain, or kill -KILL ${stack.pid} to end it without saving the queues`,
      );
    }
    await sleep(200);
  }
  if (stack.inMemory) {
    console.log('Stopped (in memory: nothing kept).');
    return 0;
  }
  const sqsDir = join(dataDir, 'sqs');
  const saved = readQueueContents(sqsDir);
  console.log(
    `Stopped; saved ${saved.main.length} main, ${saved.dlq.length} DLQ, ${saved.quarantine.length} quarantine messages to ${sqsDir}.`,
  );
  return 0;
});
