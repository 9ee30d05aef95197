import { runCommand } from '../local/cli/run-command';
import { parseCommandArgs, UsageError } from '../local/cli/usage-error';
import { RedriveError, redriveDeadLetters, redriveQuarantine } from './lib/redrive-queue';
import { type RedriveSource, resolveRedriveTarget } from './lib/redrive-target';
import { dataDirOf, findRunningStack } from './lib/running-stack';

const USAGE = `Usage: npm run redrive -- dlq|quarantine [options]

Moves messages back to the main queue after a fix.
  dlq          events the worker gave up on: moved back unchanged
  quarantine   deliveries that failed validation: validated again with today's schemas; those
               that pass are queued as the event ingest would have queued, the rest stay

Local stack (default): the queues of the running npm start.
AWS: --outputs cdk-outputs.json (from cdk deploy --outputs-file), or --url <DLQ or quarantine
queue URL> --to <main queue URL>; credentials from the usual AWS environment/profile.
  --region R   AWS region (default: from the queue URL)
  --dry-run    show what would move, move nothing
  --data-dir   the local stack's data directory (default .data)`;

runCommand(
  async () => {
    const { values, positionals } = parseCommandArgs(
      {
        allowPositionals: true,
        options: {
          url: { type: 'string' },
          to: { type: 'string' },
          outputs: { type: 'string' },
          region: { type: 'string' },
          'dry-run': { type: 'boolean' },
          'data-dir': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      },
      USAGE,
    );
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [source, ...extra] = positionals;
    if ((source !== 'dlq' && source !== 'quarantine') || extra.length > 0)
      throw new UsageError(USAGE);
    const redriveSource: RedriveSource = source;
    const explicit = values.url !== undefined || values.outputs !== undefined;
    const target = resolveRedriveTarget({
      source: redriveSource,
      ...(values.url !== undefined ? { url: values.url } : {}),
      ...(values.to !== undefined ? { to: values.to } : {}),
      ...(values.outputs !== undefined ? { outputs: values.outputs } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      localStack: explicit ? undefined : await findRunningStack(dataDirOf(values['data-dir'])),
    });
    const dryRun = values['dry-run'] ?? false;
    const onLine = (line: { messageId: string; outcome: string; detail: string }) =>
      console.log(`${line.outcome.padEnd(10)} ${line.messageId}  ${line.detail}`);
    try {
      const summary =
        redriveSource === 'dlq'
          ? await redriveDeadLetters(target, { dryRun, onLine })
          : await redriveQuarantine(target, { dryRun, onLine });
      console.log(
        `${dryRun ? 'dry run: ' : ''}${summary.moved} moved to the main queue, ${summary.kept} left in the ${redriveSource} (${target.description})`,
      );
      return 0;
    } finally {
      target.client.destroy();
    }
  },
  { expectedErrors: [RedriveError] },
);
