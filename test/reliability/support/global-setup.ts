import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callsLogFile } from '../../../local/iam/calls-log-file';
import { FIGURES_DIR_VARIABLE } from './figures';

/**
 * Gives the run a fresh directory for the suites' figures; the global teardown reads it back and
 * prints the summary table. Suites run in jest workers, which inherit this environment.
 */
export default function globalSetup(): void {
  // The suites' own SDK clients run on Node 20 like the stack; the upgrade notice is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Every stack the suites start records its functions' calls for `npm run grants`.
  process.env.IAM_CALLS_LOG = callsLogFile();
  process.env[FIGURES_DIR_VARIABLE] = mkdtempSync(join(tmpdir(), 'reliability-figures-'));
}
