import * as v from 'valibot';

/** One reason a delivery failed its vendor schema, as the public 400 body reports it. */
export interface ValidationIssue {
  /** Dotted path into the body, e.g. `image_data.1.image_id`; empty for the body itself. */
  readonly path: string;
  readonly message: string;
}

/** The contract caps the `issues` array of a 400 so a hostile body cannot inflate the response. */
export const MAX_REPORTED_ISSUES = 10;

/** The outcome of checking untrusted input: typed data, or the issues a person can act on. */
export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/**
 * Longest issue path or message reported, in characters. valibot quotes the rejected value in
 * its message (`… but received "<the value>"`) and a path is made of the body's own keys, so both
 * can be as long as the body. Bounded, a 400 never echoes a megabyte back, and a quarantine record
 * (which carries the issues) always fits in one SQS message.
 */
export const MAX_ISSUE_TEXT_LENGTH = 256;

const bounded = (text: string): string =>
  text.length <= MAX_ISSUE_TEXT_LENGTH ? text : `${text.slice(0, MAX_ISSUE_TEXT_LENGTH - 1)}…`;

const dottedPath = (issue: v.BaseIssue<unknown>): string =>
  (issue.path ?? []).map((item) => String(item.key)).join('.');

/** valibot says "Invalid type: Expected string but received undefined"; people say "required". */
const humanMessage = (issue: v.BaseIssue<unknown>): string =>
  issue.kind === 'schema' && issue.received === 'undefined'
    ? `is required (expected ${issue.expected ?? 'a value'})`
    : issue.message;

/** Turns valibot issues into at most `MAX_REPORTED_ISSUES` dotted-path issues, each bounded. */
export const toValidationIssues = (
  issues: readonly v.BaseIssue<unknown>[],
): readonly ValidationIssue[] =>
  issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => ({ path: bounded(dottedPath(issue)), message: bounded(humanMessage(issue)) }));

/** Runs a schema at a trust boundary: never throws for bad input, returns a typed failure. */
export const validate = <TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
): Validated<v.InferOutput<TSchema>> => {
  const result = v.safeParse(schema, input);
  return result.success
    ? { ok: true, value: result.output }
    : { ok: false, issues: toValidationIssues(result.issues) };
};

/**
 * `validate`, with the valid payload tagged by the event type it was read as: the shape every
 * vendor's `read` returns, whichever of its schemas the event type selects.
 */
export const validateEvent = <TType extends string, TSchema extends v.GenericSchema>(
  eventType: TType,
  schema: TSchema,
  payload: unknown,
): Validated<{ eventType: TType; payload: v.InferOutput<TSchema> }> => {
  const result = validate(schema, payload);
  return result.ok ? { ok: true, value: { eventType, payload: result.value } } : result;
};

/** A single issue, for checks that happen outside a schema (event header, body version …). */
export const invalid = (path: string, message: string): Validated<never> => ({
  ok: false,
  issues: [{ path, message }],
});
