import { createInterface } from 'node:readline/promises';
import { runCommand } from '../local/cli/run-command';
import { integerOption, parseCommandArgs, UsageError } from '../local/cli/usage-error';
import {
  deleteMessage,
  describeMessage,
  formatEntryLine,
  receiveAll,
  release,
} from './lib/queue-inspection';
import { type QueueSource, resolveQueueTarget } from './lib/queue-target';
import { redriveDeadLetters, redriveQuarantine } from './lib/redrive-queue';
import { dataDirOf, findRunningStack } from './lib/running-stack';
import { QueueCommandError } from './lib/sqs-call';

const usage = (
  queue: string,
) => `Usage: npm run ${queue} -- list|show <id>|delete <id>|redrive [options]

  list          one line per message: id, age, receives, vendor, eventId, reason
  show <id>     one message in full (its body is already redacted)
  delete <id>   deletes one message, after asking (--yes: without asking)
  redrive       ${
    queue === 'dlq'
      ? 'moves every message back to the main queue (SQS StartMessageMoveTask)'
      : "validates each delivery again with today's schemas; those that pass go to the main\n                queue as ingest would have queued them, the rest stay"
  }

Local stack (default): the queues of the running npm start.
AWS: --outputs cdk-outputs.json (from cdk deploy --outputs-file), or --url <${queue} queue URL>
--to <main queue URL>; credentials from the usual AWS environment/profile.
  --json        machine-readable output (list, show)
  --limit N     list at most N messages (default 1000)
  --yes         delete without asking
  --dry-run     redrive: show what would move, move nothing
  --region R    AWS region (default: from the queue URL)
  --data-dir    the local stack's data directory (default .data)

Reading a message is an SQS receive: it is hidden for up to 2 minutes while the command runs
and made visible again at the end.`;

const confirm = async (question: string): Promise<boolean> => {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
};

runCommand(
  async () => {
    const [queueName = '', ...rest] = process.argv.slice(2);
    if (queueName !== 'dlq' && queueName !== 'quarantine') {
      throw new UsageError('the first argument must be dlq or quarantine');
    }
    process.argv.splice(2, 1);
    const queue: QueueSource = queueName;
    const USAGE = usage(queue);
    const { values, positionals } = parseCommandArgs(
      {
        allowPositionals: true,
        options: {
          json: { type: 'boolean' },
          limit: { type: 'string' },
          yes: { type: 'boolean', short: 'y' },
          'dry-run': { type: 'boolean' },
          url: { type: 'string' },
          to: { type: 'string' },
          outputs: { type: 'string' },
          region: { type: 'string' },
          'data-dir': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      },
      USAGE,
    );
    if (values.help || rest.length === 0) {
      console.log(USAGE);
      return values.help ? 0 : 1;
    }
    const [action, id, ...extra] = positionals;
    const needsId = action === 'show' || action === 'delete';
    if (
      !['list', 'show', 'delete', 'redrive'].includes(action ?? '') ||
      (needsId && id === undefined) ||
      (!needsId && id !== undefined) ||
      extra.length > 0
    ) {
      throw new UsageError(USAGE);
    }
    const explicit = values.url !== undefined || values.outputs !== undefined;
    const target = resolveQueueTarget({
      source: queue,
      ...(values.url !== undefined ? { url: values.url } : {}),
      ...(values.to !== undefined ? { to: values.to } : {}),
      ...(values.outputs !== undefined ? { outputs: values.outputs } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      localStack: explicit ? undefined : await findRunningStack(dataDirOf(values['data-dir'])),
    });
    const json = values.json ?? false;
    try {
      if (action === 'redrive') {
        const dryRun = values['dry-run'] ?? false;
        const onLine = (line: { messageId: string; outcome: string; detail: string }) =>
          console.log(`${line.outcome.padEnd(10)} ${line.messageId}  ${line.detail}`);
        const summary =
          queue === 'dlq'
            ? await redriveDeadLetters(target, { dryRun, onLine })
            : await redriveQuarantine(target, { dryRun, onLine });
        const how = summary.method ? ` by ${summary.method}` : '';
        console.log(
          `${dryRun ? 'dry run: ' : ''}${summary.moved} moved to the main queue${how}, ${summary.kept} left in the ${queue} (${target.description})`,
        );
        return 0;
      }
      const limit =
        action === 'list'
          ? integerOption(values.limit, '--limit', 1000, { min: 1, max: 100_000 })
          : 100_000;
      const messages = await receiveAll(target, limit);
      const now = new Date();
      try {
        if (action === 'list') {
          const entries = messages.map((message) => describeMessage(queue, message, now));
          if (json) {
            console.log(JSON.stringify(entries.map(({ body: _body, ...entry }) => entry)));
          } else {
            for (const entry of entries) console.log(formatEntryLine(entry));
            console.log(`${entries.length} message(s) in the ${queue} (${target.description})`);
          }
          return 0;
        }
        const message = messages.find((candidate) => candidate.MessageId === id);
        if (message === undefined) {
          console.error(`no message ${id} in the ${queue} (${target.description})`);
          return 1;
        }
        const entry = describeMessage(queue, message, now);
        if (action === 'show') {
          console.log(
            json
              ? JSON.stringify(entry)
              : `${formatEntryLine(entry)}\n${JSON.stringify(entry.body, null, 2)}`,
          );
          return 0;
        }
        if (
          !values.yes &&
          !(await confirm(`Delete ${entry.id} (${entry.reason}) from the ${queue}?`))
        ) {
          console.error('not deleted (give --yes to delete without asking)');
          return 1;
        }
        await deleteMessage(target, message);
        messages.splice(messages.indexOf(message), 1);
        console.log(`deleted ${entry.id} from the ${queue}`);
        return 0;
      } finally {
        await release(target, messages);
      }
    } finally {
      target.client.destroy();
    }
  },
  { expectedErrors: [QueueCommandError] },
);
