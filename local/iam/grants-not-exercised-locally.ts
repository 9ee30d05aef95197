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
};
