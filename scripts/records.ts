import { runCommand } from '../local/cli/run-command';
import { parseCommandArgs, UsageError } from '../local/cli/usage-error';
import type { ImageRecord } from '../shared/record/image-record';
import { isVendor, VENDORS } from '../shared/vendors/vendor';
import { type CollectionRef, localCollections } from './lib/local-collections';
import { listCollection, ReadApiError } from './lib/read-api-client';
import { DEFAULT_TABLE_WIDTH, recordsTable } from './lib/records-table';
import { resolveGateway } from './lib/running-stack';

const USAGE = `Usage: npm run records -- [--vendor V] [--collection C] [--url URL] [--wide] [--json] [--data-dir DIR]

Prints image records as a table, read through the read API (GET /images?vendor=&collection=).
Against the local stack (default) every collection is listed unless --vendor/--collection narrow
it; against another URL give both. A deployed API's URL (https://<id>.execute-api.<region>.
amazonaws.com/) is read with IAM-signed requests, using your usual AWS credentials (profile, SSO
or environment). The table fits 120 columns, cutting long values with …; --wide prints every
value whole. --json prints the records as JSON instead. Collections are printed as the API takes
them (the id, without its kind).`;

runCommand(
  async () => {
    const { values } = parseCommandArgs(
      {
        options: {
          vendor: { type: 'string' },
          collection: { type: 'string' },
          url: { type: 'string' },
          wide: { type: 'boolean' },
          json: { type: 'boolean' },
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
    const vendor = values.vendor;
    if (vendor !== undefined && !isVendor(vendor)) {
      throw new UsageError(`unknown vendor "${vendor}"; expected one of ${VENDORS.join(', ')}`);
    }
    const { stack, baseUrl } = await resolveGateway({
      url: values.url,
      dataDir: values['data-dir'],
    });

    let collections: CollectionRef[];
    if (vendor !== undefined && values.collection !== undefined) {
      collections = [{ vendor, collectionId: values.collection }];
    } else if (stack) {
      collections = (await localCollections(stack)).filter(
        (ref) =>
          (vendor === undefined || ref.vendor === vendor) &&
          (values.collection === undefined || ref.collectionId === values.collection),
      );
    } else {
      throw new UsageError(
        `no local stack is running${values.url ? '' : ' (npm start)'}: give --vendor and --collection to read ${baseUrl}`,
      );
    }
    const records: ImageRecord[] = [];
    for (const ref of collections)
      records.push(...(await listCollection(baseUrl, ref.vendor, ref.collectionId)));
    if (values.json) {
      console.log(JSON.stringify(records, null, 2));
    } else {
      console.log(
        recordsTable(records, { maxWidth: values.wide ? undefined : DEFAULT_TABLE_WIDTH }),
      );
      console.log(
        `\n${records.length} record${records.length === 1 ? '' : 's'} in ${collections.length} collection${collections.length === 1 ? '' : 's'} from ${baseUrl}`,
      );
    }
    return 0;
  },
  { expectedErrors: [ReadApiError] },
);
