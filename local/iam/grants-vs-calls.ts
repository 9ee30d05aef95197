import * as v from 'valibot';

/** One line of a calls log (`--iam-calls-log`): a grant a stack enforced, a call, or a drill. */
const LogLineSchema = v.variant('kind', [
  v.object({
    kind: v.literal('grant'),
    function: v.string(),
    sid: v.optional(v.string()),
    action: v.string(),
    resources: v.array(v.string()),
    unmapped: v.array(v.string()),
  }),
  v.object({
    kind: v.literal('call'),
    function: v.string(),
    action: v.string(),
    resource: v.string(),
    allowed: v.boolean(),
  }),
  v.object({ kind: v.literal('revoked'), function: v.string(), action: v.string() }),
]);
export type LogLine = v.InferOutput<typeof LogLineSchema>;

/** Why a grant cannot be exercised by a local run, keyed `function action` (`*` for any function). */
export type NotExercisedLocally = Readonly<Record<string, string>>;

/** One row of the grants table. */
export interface GrantRow {
  readonly function: string;
  readonly action: string;
  readonly resource: string;
  readonly calls: number;
  /** `exercised`, `not exercisable locally: <reason>`, `UNUSED` or `UNGRANTED CALL`. */
  readonly status: string;
  readonly ok: boolean;
}

/** Parses a calls log; a malformed line is an error naming its number. */
export const parseCallsLog = (text: string): LogLine[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = v.safeParse(LogLineSchema, JSON.parse(line) as unknown);
      if (!parsed.success) {
        throw new Error(`calls log line ${index + 1}: ${parsed.issues[0]?.message ?? 'invalid'}`);
      }
      return parsed.output;
    });

/**
 * A resource as the table shows it: a stream's label is the time DynamoDB Local created its
 * table, new in every run, so the stream of one table is one row whatever run used it.
 */
const tableRowResource = (resource: string): string =>
  resource.replace(/(:table\/[^/]+\/stream\/)[^/]+$/, '$1*');

const reasonFor = (reasons: NotExercisedLocally, fn: string, action: string): string | undefined =>
  reasons[`${fn} ${action}`] ?? reasons[`* ${action}`];

/**
 * Compares the grants the stacks enforced with the calls the functions made: a row per granted
 * (function, action, resource) with the number of calls, and a row per call that was denied
 * without a drill having revoked it. A grant no call used is a failure unless `reasons` says why
 * no local run can use it; a denied call that no drill explains is a failure.
 */
export const grantsVsCalls = (
  lines: readonly LogLine[],
  reasons: NotExercisedLocally,
): GrantRow[] => {
  const key = (...parts: string[]) => JSON.stringify(parts);
  const grants = new Map<string, { fn: string; action: string; resource: string }>();
  const revoked = new Set<string>();
  const allowedCalls = new Map<string, number>();
  const deniedCalls = new Map<
    string,
    { fn: string; action: string; resource: string; count: number }
  >();
  for (const line of lines) {
    if (line.kind === 'grant') {
      const resources = [
        ...line.resources.map(tableRowResource),
        ...line.unmapped.map((id) => `(${id}: not local)`),
      ];
      for (const resource of resources) {
        grants.set(key(line.function, line.action, resource), {
          fn: line.function,
          action: line.action,
          resource,
        });
      }
    } else if (line.kind === 'revoked') {
      revoked.add(key(line.function, line.action));
    } else if (line.allowed) {
      const k = key(line.function, line.action, tableRowResource(line.resource));
      allowedCalls.set(k, (allowedCalls.get(k) ?? 0) + 1);
    } else {
      const resource = tableRowResource(line.resource);
      const k = key(line.function, line.action, resource);
      const entry = deniedCalls.get(k) ?? {
        fn: line.function,
        action: line.action,
        resource,
        count: 0,
      };
      entry.count += 1;
      deniedCalls.set(k, entry);
    }
  }
  const rows: GrantRow[] = [...grants.entries()].map(([k, grant]) => {
    const calls = allowedCalls.get(k) ?? 0;
    const reason = reasonFor(reasons, grant.fn, grant.action);
    const status =
      calls > 0 ? 'exercised' : reason ? `not exercisable locally: ${reason}` : 'UNUSED';
    return {
      function: grant.fn,
      action: grant.action,
      resource: grant.resource,
      calls,
      status,
      ok: calls > 0 || reason !== undefined,
    };
  });
  for (const denied of deniedCalls.values()) {
    const drilled = revoked.has(key(denied.fn, denied.action));
    rows.push({
      function: denied.fn,
      action: denied.action,
      resource: denied.resource,
      calls: denied.count,
      status: drilled ? 'denied by a drill (--iam-revoke)' : 'UNGRANTED CALL',
      ok: drilled,
    });
  }
  return rows.sort((a, b) =>
    `${a.function} ${a.action} ${a.resource}`.localeCompare(
      `${b.function} ${b.action} ${b.resource}`,
    ),
  );
};

/** The table as text, one row per line, columns padded. */
export const grantsTable = (rows: readonly GrantRow[]): string => {
  const header = ['function', 'action', 'resource', 'calls', 'status'];
  const cells = rows.map((row) => [
    row.function,
    row.action,
    row.resource,
    String(row.calls),
    row.status,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => (cell[column] ?? '').length)),
  );
  const format = (cell: readonly string[]) =>
    cell
      .map((value, column) => value.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [format(header), ...cells.map(format)].join('\n');
};
