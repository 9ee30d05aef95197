import { runCommand } from '../local/cli/run-command';
import { integerOption, parseCommandArgs, UsageError } from '../local/cli/usage-error';
import { DynamoDbLedgerReader } from '../shared/store/ledger-reader';
import { LEDGER_STATUSES, type LedgerEntry } from '../shared/store/ledger-item';
import { StoreOperationError } from '../shared/store/store-errors';
import { isVendor, VENDORS } from '../shared/vendors/vendor';
import { eventDetailsOf, formatEventDetails, formatEventLine } from './lib/event-details';
import { dataDirOf, findRunningStack } from './lib/running-stack';
import { sinceOption } from './lib/since-option';
import { resolveTablesTarget } from './lib/tables-target';

const STATUSES = [...LEDGER_STATUSES, 'failing'] as const;

const USAGE = `Usage: npm run events -- show <eventId> | list [options]

  show <eventId>   status, vendor and type, first seen and completed times, deliveries, the
                   images it touched and refused, failures, and the archived (redacted) payload
  list             events, newest first
    --vendor V     ${VENDORS.join(', ')}
    --status S     ${STATUSES.join(', ')} (failing: not completed, failed at least once)
    --since T      a duration back from now (2h, 30m, 7d) or an ISO date-time
    --limit N      at most N events (default 50)

Local stack (default): the running npm start's ledger. AWS: --outputs cdk-outputs.json, or
--ledger-table and --records-table (with --region), using your usual AWS credentials.
  --json         machine-readable output

Cost in AWS: list --status failing reads the ledger's sparse "unfinished" index, which holds only
events that failed and did not complete since (no index write on the happy path). Any other
list scans the ledger table, read units by its whole size; use Logs Insights for history at scale.`;

runCommand(
  async () => {
    const { values, positionals } = parseCommandArgs(
      {
        allowPositionals: true,
        options: {
          vendor: { type: 'string' },
          status: { type: 'string' },
          since: { type: 'string' },
          limit: { type: 'string' },
          json: { type: 'boolean' },
          outputs: { type: 'string' },
          'ledger-table': { type: 'string' },
          'records-table': { type: 'string' },
          region: { type: 'string' },
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
    const [action, eventId, ...extra] = positionals;
    if (
      (action === 'show' && (eventId === undefined || extra.length > 0)) ||
      (action === 'list' && eventId !== undefined) ||
      (action !== 'show' && action !== 'list')
    ) {
      throw new UsageError(USAGE);
    }
    const vendor = values.vendor;
    if (vendor !== undefined && !isVendor(vendor)) {
      throw new UsageError(`--vendor must be one of ${VENDORS.join(', ')}`);
    }
    const status = values.status;
    const knownStatus = STATUSES.find((candidate) => candidate === status);
    if (status !== undefined && knownStatus === undefined) {
      throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    }
    const explicit =
      values.outputs !== undefined ||
      values['ledger-table'] !== undefined ||
      values['records-table'] !== undefined;
    const target = resolveTablesTarget({
      ...(values.outputs !== undefined ? { outputs: values.outputs } : {}),
      ...(values['ledger-table'] !== undefined ? { ledgerTable: values['ledger-table'] } : {}),
      ...(values['records-table'] !== undefined ? { recordsTable: values['records-table'] } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      localStack: explicit ? undefined : await findRunningStack(dataDirOf(values['data-dir'])),
    });
    const reader = new DynamoDbLedgerReader({
      client: target.client,
      tableName: target.ledgerTable,
    });
    const json = values.json ?? false;
    try {
      if (action === 'show') {
        const entry = await reader.find(eventId ?? '');
        if (entry === undefined) {
          console.error(`no event ${eventId} in the ledger (${target.description})`);
          return 1;
        }
        const details = eventDetailsOf(entry, true);
        console.log(json ? JSON.stringify(details) : formatEventDetails(details));
        return 0;
      }
      const limit = integerOption(values.limit, '--limit', 50, { min: 1, max: 10_000 });
      const since = sinceOption(values.since, new Date());
      let entries: LedgerEntry[];
      if (knownStatus === 'failing') {
        const vendors = vendor !== undefined ? [vendor] : VENDORS;
        entries = [];
        for (const each of vendors) {
          entries.push(...(await reader.unfinished(each, { ...(since ? { since } : {}), limit })));
        }
        entries = entries
          .sort((a, b) => (b.receivedAt ?? '').localeCompare(a.receivedAt ?? ''))
          .slice(0, limit);
      } else {
        entries = await reader.history({
          limit,
          ...(vendor !== undefined ? { vendor } : {}),
          ...(knownStatus !== undefined ? { status: knownStatus } : {}),
          ...(since !== undefined ? { since } : {}),
        });
      }
      const details = entries.map((entry) => eventDetailsOf(entry, false));
      if (json) {
        console.log(JSON.stringify(details));
      } else {
        for (const each of details) console.log(formatEventLine(each));
        console.log(`${details.length} event(s) (${target.description})`);
      }
      return 0;
    } finally {
      target.client.destroy();
    }
  },
  { expectedErrors: [StoreOperationError] },
);
