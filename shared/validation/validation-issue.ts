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

/**
 * valibot's own dotted path (`image_data.1.image_id`). It is `null` only for the body itself or a
 * key no JSON body has (a Map's object key), reported as the body: what a sender can act on.
 */
const dottedPath = (issue: v.BaseIssue<unknown>): string => v.getDotPath(issue) ?? '';

/** valibot says "Invalid type: Expected string but received undefined"; people say "required". */
const humanMessage = (issue: v.BaseIssue<unknown>): string =>
  issue.kind === 'schema' && issue.received === 'undefined'
    ? `is required (expected ${issue.expected ?? 'a value'})`
    : issue.message;

/** Turns valibot issues into at most `MAX_REPORTED_ISSUES` dotted-path issues, each bounded. */
const toValidationIssues = (issues: readonly v.BaseIssue<unknown>[]): readonly ValidationIssue[] =>
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

/** An optional field left out of a payload because its value failed its format. */
export interface DroppedField {
  /** Dotted path into the body, as in a 400's issues. */
  readonly path: string;
  readonly message: string;
}

/** The optional fields a validated event was accepted without, when there were any. */
export interface WithDroppedFields {
  readonly dropped?: readonly DroppedField[];
}

/** What a `droppable` field's failure says it is, so `validateDropping` can tell it apart. */
const DROPPABLE = 'a droppable value';

/**
 * Marks an optional field whose value may be dropped when it fails its format (a URL, a number, a
 * date): the contract refuses a delivery only when it cannot be applied, and such a field is not
 * needed to apply it. Use inside `optional(…)`; ids and the core structure are never droppable.
 */
export const droppable = <TSchema extends v.GenericSchema>(schema: TSchema) =>
  v.pipe(
    v.unknown(),
    v.rawTransform<unknown, v.InferOutput<TSchema>>(({ dataset, addIssue, NEVER }) => {
      const result = v.safeParse(schema, dataset.value);
      if (result.success) return result.output;
      // Droppable fields inside this one fail alone: only they are dropped, not the whole field.
      const nested = result.issues.flatMap((issue) =>
        issue.expected === DROPPABLE && issue.path ? [{ issue, path: issue.path }] : [],
      );
      if (nested.length === result.issues.length) {
        for (const { issue, path } of nested) {
          addIssue({ message: issue.message, expected: DROPPABLE, path: [...path] });
        }
      } else {
        addIssue({ message: humanMessage(result.issues[0]), expected: DROPPABLE });
      }
      return NEVER;
    }),
  );

/** An issue of a `droppable` field, at an object key (the only place it can be dropped from). */
const isDroppable = (issue: v.BaseIssue<unknown>): boolean =>
  issue.expected === DROPPABLE && issue.path?.at(-1)?.type === 'object';

/**
 * A copy of a parsed JSON body without the values at the given paths. Only the objects and arrays
 * along those paths are copied (shallowly); everything else is shared with the input, so the copy
 * costs no more than the paths themselves, whatever the body holds elsewhere (even a branch nested
 * too deep to walk).
 */
const withoutPaths = (input: unknown, issues: readonly v.BaseIssue<unknown>[]): unknown => {
  const copies = new Map<unknown, Record<string, unknown>>();
  const copyOf = (value: unknown): Record<string, unknown> | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    const known = copies.get(value);
    if (known) return known;
    const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
    copies.set(value, copy);
    copies.set(copy, copy);
    return copy;
  };
  const root = copyOf(input);
  for (const issue of issues) {
    const keys = (issue.path ?? []).map((item) => String(item.key));
    const last = keys.pop();
    let parent = root;
    for (const key of keys) {
      if (parent === undefined) break;
      const child = copyOf(parent[key]);
      if (child !== undefined) parent[key] = child;
      parent = child;
    }
    if (parent !== undefined && last !== undefined) Reflect.deleteProperty(parent, last);
  }
  return root ?? input;
};

/**
 * `validate`, dropping `droppable` fields that fail: when every issue is such a field's, the
 * payload is read again without them and the dropped paths come back with the value. A failure of
 * anything else refuses the payload with its issues, as `validate` does. The second reading only
 * happens for a payload that needs it.
 */
export const validateDropping = <TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
): Validated<{ value: v.InferOutput<TSchema>; dropped: readonly DroppedField[] }> => {
  const first = v.safeParse(schema, input);
  if (first.success) return { ok: true, value: { value: first.output, dropped: [] } };
  if (!first.issues.every(isDroppable)) {
    return {
      ok: false,
      issues: toValidationIssues(first.issues.filter((issue) => !isDroppable(issue))),
    };
  }
  const second = v.safeParse(schema, withoutPaths(input, first.issues));
  if (!second.success) return { ok: false, issues: toValidationIssues(second.issues) };
  const dropped = first.issues.map((issue) => ({
    path: bounded(dottedPath(issue)),
    message: bounded(issue.message),
  }));
  return { ok: true, value: { value: second.output, dropped } };
};

/**
 * `validateDropping`, with the valid payload tagged by the event type it was read as: the shape
 * every vendor's `read` returns, whichever of its schemas the event type selects.
 */
export const validateEvent = <TType extends string, TSchema extends v.GenericSchema>(
  eventType: TType,
  schema: TSchema,
  payload: unknown,
): Validated<{
  eventType: TType;
  payload: v.InferOutput<TSchema>;
  dropped?: readonly DroppedField[];
}> => {
  const result = validateDropping(schema, payload);
  if (!result.ok) return result;
  const { value, dropped } = result.value;
  return {
    ok: true,
    value: { eventType, payload: value, ...(dropped.length > 0 ? { dropped } : {}) },
  };
};

/** A single issue, for checks that happen outside a schema (event header, body version …). */
export const invalid = (path: string, message: string): Validated<never> => ({
  ok: false,
  issues: [{ path, message }],
});
