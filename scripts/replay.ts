import { relative } from 'node:path';
import { runCommand } from '../local/cli/run-command';
import { parseCommandArgs, UsageError } from '../local/cli/usage-error';
import { SECRET_NAMES } from '../shared/config/dev-secrets';
import { readEnvironmentSecrets } from '../shared/secrets/environment-secrets-provider';
import { deliveryLine, deliveryResultOf } from './lib/delivery-result';
import { readJsonFile } from './lib/json-file';
import { jsonFilesUnder } from './lib/json-files';
import { ReplaySummary } from './lib/replay-summary';
import { resolveGateway } from './lib/running-stack';
import { SigningClock } from './lib/signing-clock';
import { replaySourceOf, withCredentials } from './lib/webhook-delivery';

const USAGE = `Usage: npm run replay -- <file|dir>... [--url URL] [--form] [--verbose] [--data-dir DIR]

Posts vendor webhooks to a running stack, local (default: the one npm start runs, else
http://127.0.0.1:3000) or deployed (--url https://…execute-api…amazonaws.com), with the
credentials from ${SECRET_NAMES.join(', ')}
(dev defaults where unset; signatures are made afresh). Takes plain bodies
(events/bodies/<vendor>/) and generated API Gateway events (events/<vendor>/). Bodies of a vendor
that also accepts forms go as JSON, or as the form variant (p=<json>) with --form. Prints one line per delivery and a summary: accepted,
duplicates (an eventId already answered in this run), ignored, and rejected by reason. Files that
are not webhooks (worker and read events) are skipped quietly; --verbose names each one.`;

runCommand(async () => {
  const { values, positionals } = parseCommandArgs(
    {
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        form: { type: 'boolean' },
        verbose: { type: 'boolean' },
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
  if (positionals.length === 0) throw new UsageError(USAGE);
  const { baseUrl } = await resolveGateway({ url: values.url, dataDir: values['data-dir'] });
  const secrets = readEnvironmentSecrets(process.env);
  const files = positionals.flatMap(jsonFilesUnder);
  const verbose = values.verbose ?? false;
  const summary = new ReplaySummary();
  const clock = new SigningClock();
  for (const file of files) {
    const label = relative(process.cwd(), file) || file;
    const source = replaySourceOf(file, readJsonFile(file), { form: values.form ?? false, clock });
    if (source.kind === 'skip') {
      summary.skip();
      if (verbose) console.log(`${label}  skipped: ${source.reason}`);
      continue;
    }
    const delivery = withCredentials(source.delivery, secrets, clock);
    const target = `${baseUrl}${delivery.path}${delivery.query ? `?${delivery.query}` : ''}`;
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(35_000),
      });
      const result = deliveryResultOf(response.status, await response.text());
      summary.add(result);
      console.log(deliveryLine(label, result));
    } catch (error) {
      summary.add('no_answer');
      const reason =
        error instanceof Error && error.cause instanceof Error
          ? error.cause.message
          : String(error);
      console.log(`${label}  error: ${reason} (is the stack running at ${baseUrl}?)`);
    }
  }
  console.log(summary.line(baseUrl, { verbose }));
  return summary.allTaken ? 0 : 1;
});
