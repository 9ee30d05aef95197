import { existsSync, readFileSync, rmSync } from 'node:fs';
import { runCommand } from '../local/cli/run-command';
import { parseCommandArgs } from '../local/cli/usage-error';
import { GRANTS_NOT_EXERCISED_LOCALLY } from '../local/iam/grants-not-exercised-locally';
import { grantsTable, grantsVsCalls, parseCallsLog } from '../local/iam/grants-vs-calls';
import { callsLogFile } from '../local/iam/calls-log-file';

const USAGE = `Usage: npm run grants [-- --reset]

Prints every IAM grant of every function against the calls the functions made while the
integration and reliability tests ran (recorded in IAM_CALLS_LOG, default .iam-calls.jsonl),
and fails on a call no grant allowed or a grant no call used that is not listed, with its
reason, in local/iam/grants-not-exercised-locally.ts. --reset empties the record first.`;

runCommand(() => {
  const { values } = parseCommandArgs({ options: { reset: { type: 'boolean' } } }, USAGE);
  const file = callsLogFile();
  if (values.reset === true) {
    rmSync(file, { force: true });
    console.log(`grants: cleared ${file}`);
    return Promise.resolve(0);
  }
  if (!existsSync(file)) {
    console.error(
      `grants: no calls recorded in ${file}; run the integration and reliability tests first`,
    );
    return Promise.resolve(1);
  }
  const rows = grantsVsCalls(
    parseCallsLog(readFileSync(file, 'utf8')),
    GRANTS_NOT_EXERCISED_LOCALLY,
  );
  console.log(grantsTable(rows));
  const failures = rows.filter((row) => !row.ok);
  console.log(
    failures.length === 0
      ? `grants: ${rows.length} rows, every grant used or explained, no ungranted call`
      : `grants: ${failures.length} failure(s): ${failures.map((row) => `${row.function} ${row.action} ${row.resource} ${row.status}`).join('; ')}`,
  );
  return Promise.resolve(failures.length === 0 ? 0 : 1);
});
