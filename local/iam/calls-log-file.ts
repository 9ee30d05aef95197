import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../lambda/load-handler';

/**
 * Where the integration and reliability runs record the functions' calls (their stacks append
 * to it through `IAM_CALLS_LOG`), and where `npm run grants` reads them.
 */
export const DEFAULT_CALLS_LOG = join(REPOSITORY_ROOT, '.iam-calls.jsonl');

/** The calls log in use: `IAM_CALLS_LOG` when set. */
export const callsLogFile = (): string => process.env.IAM_CALLS_LOG ?? DEFAULT_CALLS_LOG;
