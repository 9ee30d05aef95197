import type { NotExercisedLocally } from './grants-vs-calls';

/**
 * The grants no local run can exercise, and why. Every other grant must be used by a call during
 * the integration and reliability runs, or the grants check fails: a grant nothing uses is either
 * dead (remove it from `infra/`) or untested (add the test that uses it).
 */
export const GRANTS_NOT_EXERCISED_LOCALLY: NotExercisedLocally = {
  '* logs:CreateLogStream':
    "Lambda's runtime writes the function's log group with the role; locally logs go to stdout",
  '* logs:PutLogEvents':
    "Lambda's runtime writes the function's log group with the role; locally logs go to stdout",
  'publisher sqs:SendMessage':
    "the stream mapping's on-failure destination: it receives a message only after 10,000 failed attempts or 12 hours, which no local run waits for (the stream feed's own test drives it with small limits)",
};
