import { runCommand } from '../local/cli/run-command';
import { integerOption, parseCommandArgs, UsageError } from '../local/cli/usage-error';
import { DynamoDbImageAliasStore } from '../shared/store/dynamodb-image-alias-store';
import { DynamoDbImageRecordStore } from '../shared/store/dynamodb-image-record-store';
import { DynamoDbLedgerReader } from '../shared/store/ledger-reader';
import { LEDGER_STATUSES, type LedgerEntry } from '../shared/store/ledger-item';
import { StoreOperationError } from '../shared/store/store-errors';
import { VENDOR_DEFINITIONS } from '../shared/vendors/registry';
import { isVendor, VENDORS } from '../shared/vendors/vendor';
import { eventDetailsOf, formatEventDetails, formatEventLine } from './lib/event-details';
import { reprocessArchive } from './lib/reprocess/reprocess-archive';
import { formatReprocessSummary } from './lib/reprocess/reprocess-summary';
import { dataDirOf, findRunningStack } from './lib/running-stack';
import { sinceOption } from './lib/since-option';
import { resolveTablesTarget } from './lib/tables-target';
import { sdkDynamoDb } from '../shared/aws/sdk-dynamodb';

const STATUSES = [...LEDGER_STATUSES, 'failing'] as const;

const USAGE = `Usage: npm run events -- show <eventId> | list [options] | reprocess [options]

  show <eventId>   status, vendor and type, first seen and completed times, deliveries, the
                   images it touched and refused, failures, and the archived (redacted) payload
  list             events, newest first
    --vendor V     ${VENDORS.join(', ')}
    --status S     ${STATUSES.join(', ')} (failing: not completed, failed at least once)
    --since T      a duration back from now (2h, 30m, 7d) or an ISO date-time
    --limit N      at most N events (default 50)
  reprocess        re-applies archived events through today's normalizers: each image they
                   touch is rebuilt from all its archived events, keeping the fields no archived
                   event set (events older than the archive's retention); idempotent
    --vendor V     only this vendor's events
    --collection C only images of this collection id (SKU, album, job, folder)
    --event ID     only the images this event touches
    --since T      only events received since T
    --dry-run      print what would change, write nothing

Local stack (default): the running npm start's ledger. AWS: --outputs cdk-outputs.json, or
--ledger-table and --records-table (with --region), using your usual AWS credentials.
  --json         machine-readable output

Cost in AWS: list --status failing reads the ledger's sparse "unfinished" index, which holds only
events that failed and did not complete since (no index write on the happy path). Any other
list scans the ledger table, read units by its whole size; use Logs Insights for history at scale.
reprocess scans the ledger once (of one vendor with --vendor) and writes only records that change,
each conditioned on its revision, so a concurrent worker write is merged, never lost.`;

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
          collection: { type: 'string' },
          event: { type: 'string' },
          'dry-run': { type: 'boolean' },
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
      ((action === 'list' || action === 'reprocess') && eventId !== undefined) ||
      (action !== 'show' && action !== 'list' && action !== 'reprocess')
    ) {
      throw new UsageError(USAGE);
    }
    if (
      action !== 'reprocess' &&
      (values.collection !== undefined || values.event !== undefined || values['dry-run'])
    ) {
      throw new UsageError('--collection, --event and --dry-run are options of reprocess');
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
    const dynamoDb = sdkDynamoDb(target.client);
    const reader = new DynamoDbLedgerReader({
      client: dynamoDb,
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
      if (action === 'reprocess') {
        const since = sinceOption(values.since, new Date());
        const summary = await reprocessArchive(
          {
            ...(vendor !== undefined ? { vendor } : {}),
            ...(values.collection !== undefined ? { collection: values.collection } : {}),
            ...(values.event !== undefined ? { eventId: values.event } : {}),
            ...(since !== undefined ? { since } : {}),
          },
          {
            archive: reader,
            records: new DynamoDbImageRecordStore({
              client: dynamoDb,
              tableName: target.recordsTable,
            }),
            aliases: new DynamoDbImageAliasStore({
              client: dynamoDb,
              tableName: target.recordsTable,
            }),
            definitions: VENDOR_DEFINITIONS,
            dryRun: values['dry-run'] ?? false,
          },
        );
        console.log(
          json
            ? JSON.stringify(summary)
            : `${formatReprocessSummary(summary)} (${target.description})`,
        );
        return summary.failed.length > 0 ? 1 : 0;
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
