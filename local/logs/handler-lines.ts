import * as v from 'valibot';
import type { WorkerOutcome } from '../../shared/worker/worker-handler';
import type { CapturedWrite } from './output-capture';
import { type LogLevel, shownAt } from './log-settings';

/** The fields of a Powertools record the readable lines use; the rest stays in JSON mode. */
const LogRecordSchema = v.looseObject({
  level: v.string(),
  message: v.string(),
  eventId: v.optional(v.string()),
  outcome: v.optional(v.string()),
  authFailure: v.optional(v.string()),
  cause: v.optional(v.string()),
  errorName: v.optional(v.string()),
  error: v.optional(
    v.looseObject({ name: v.optional(v.string()), message: v.optional(v.string()) }),
  ),
});
export type LogRecord = v.InferOutput<typeof LogRecordSchema>;

/** A captured line: a Powertools record, or anything else a library printed. */
export type CapturedLine =
  | { readonly kind: 'record'; readonly record: LogRecord; readonly text: string }
  | { readonly kind: 'text'; readonly text: string };

/** Splits captured writes into lines and recognises Powertools' JSON records among them. */
export const capturedLines = (writes: readonly CapturedWrite[]): CapturedLine[] =>
  writes
    .flatMap((write) => write.text.split('\n'))
    .filter((line) => line.trim() !== '')
    .map((text): CapturedLine => {
      if (!text.startsWith('{')) return { kind: 'text', text };
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { kind: 'text', text };
      }
      const parsed = v.safeParse(LogRecordSchema, json);
      return parsed.success
        ? { kind: 'record', record: parsed.output, text }
        : { kind: 'text', text };
    });

/** Events per outcome in one worker batch, from the records' `outcome` keys. */
export type WorkerEventCounts = Record<WorkerOutcome, number>;

export const EMPTY_WORKER_COUNTS: WorkerEventCounts = {
  applied: 0,
  duplicate: 0,
  ignored: 0,
  failed: 0,
};

/** Counts the worker's per-message records by their `outcome` key. */
export const workerCounts = (lines: readonly CapturedLine[]): WorkerEventCounts => {
  const counts = { ...EMPTY_WORKER_COUNTS };
  for (const line of lines) {
    const outcome = line.kind === 'record' ? line.record.outcome : undefined;
    if (outcome !== undefined && outcome in counts) counts[outcome as WorkerOutcome] += 1;
  }
  return counts;
};

/** `12:01:03`, UTC like the stack's own lines. */
const clock = (at: Date): string => at.toISOString().slice(11, 19);

const mark = (ok: boolean): string => (ok ? '✓' : '✗');

/** The few keys that say why, in the order a person asks: what failed, then where. */
const whyOf = (record: LogRecord): string | undefined => {
  const parts = [
    record.authFailure,
    record.cause,
    record.error?.name ?? record.errorName,
    record.error?.message?.slice(0, 160),
  ].filter((part): part is string => part !== undefined && part !== '');
  return parts.length > 0 ? parts.join(': ') : undefined;
};

const ResponseSchema = v.object({
  statusCode: v.optional(v.number(), 200),
  body: v.optional(v.string(), ''),
});

const ResponseBodySchema = v.object({
  status: v.optional(v.string()),
  eventId: v.optional(v.string()),
  error: v.optional(v.string()),
  issues: v.optional(v.array(v.object({ path: v.string() }))),
});

const responseOf = (result: unknown) => {
  const response = v.safeParse(ResponseSchema, result);
  const statusCode = response.success ? response.output.statusCode : 0;
  let body: v.InferOutput<typeof ResponseBodySchema> = {};
  try {
    const parsed = v.safeParse(
      ResponseBodySchema,
      JSON.parse(response.success ? response.output.body : ''),
    );
    if (parsed.success) body = parsed.output;
  } catch {
    // Not JSON: the status says enough.
  }
  return { statusCode, body };
};

/** The problems of an invocation, one indented line each, for the lines that summarize it. */
const detailLines = (lines: readonly CapturedLine[], level: LogLevel): string[] =>
  lines.flatMap((line) => {
    if (line.kind === 'text') return [`    ${line.text}`];
    const { record } = line;
    if (!shownAt(level, record.level) || !shownAt('WARN', record.level)) return [];
    const why = whyOf(record);
    const id = record.eventId ? ` ${record.eventId}` : '';
    return [`    ${record.level.toLowerCase()}: ${record.message}${id}${why ? ` (${why})` : ''}`];
  });

/** What one invocation came to, for `readableLines`. */
export interface InvocationSummary {
  readonly functionName: string;
  /** When it finished: lines appear in the order invocations end. */
  readonly at: Date;
  readonly durationMs: number;
  readonly event: unknown;
  /** The handler's result, or `undefined` when it threw (the gateway or feed reports that). */
  readonly result: unknown;
  readonly lines: readonly CapturedLine[];
  readonly level: LogLevel;
}

const RequestEventSchema = v.object({
  rawPath: v.string(),
  rawQueryString: v.optional(v.string(), ''),
  requestContext: v.object({ http: v.object({ method: v.string() }) }),
});

const BatchEventSchema = v.object({ Records: v.array(v.unknown()) });

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

/**
 * The readable lines for one invocation: one line per webhook delivery, per read and per worker
 * batch, e.g. `12:01:03 ✓ acme accepted acme:88db42a7:… 4 ms`, then one indented line per
 * warning or error the handler logged (for a delivery, its reason joins the line instead).
 */
export const readableLines = (summary: InvocationSummary): string[] => {
  const { functionName, at, durationMs, lines, level } = summary;
  const took = `${durationMs} ms`;
  const time = clock(at);
  if (functionName === 'worker') {
    const messages = v.safeParse(BatchEventSchema, summary.event);
    const count = messages.success ? messages.output.Records.length : 0;
    const counts = workerCounts(lines);
    const parts = (Object.keys(counts) as WorkerOutcome[])
      .filter((outcome) => counts[outcome] > 0)
      .map((outcome) =>
        outcome === 'duplicate'
          ? plural(counts.duplicate, 'duplicate')
          : `${counts[outcome]} ${outcome}`,
      );
    const ok = summary.result !== undefined && counts.failed === 0;
    return [
      `${time} ${mark(ok)} worker ${plural(count, 'message')}: ${parts.join(', ') || 'no outcome logged'} ${took}`,
      ...detailLines(lines, level),
    ];
  }
  if (functionName === 'publisher') {
    // Each change event gets its own line from the change bus; a batch of stream records shows
    // only when it handed part of itself back to the stream or logged a problem.
    const details = detailLines(lines, level);
    const handedBack = v.safeParse(
      v.object({ batchItemFailures: v.pipe(v.array(v.unknown()), v.minLength(1)) }),
      summary.result,
    ).success;
    if (!handedBack) return details;
    const records = v.safeParse(BatchEventSchema, summary.event);
    const count = records.success ? records.output.Records.length : 0;
    return [
      `${time} ✗ publisher ${plural(count, 'stream record')}: not all published, the stream retries the rest ${took}`,
      ...details,
    ];
  }
  if (summary.result === undefined) return detailLines(lines, level);
  const { statusCode, body } = responseOf(summary.result);
  const ok = statusCode >= 200 && statusCode < 300;
  if (functionName.startsWith('ingest-')) {
    const vendor = functionName.slice('ingest-'.length);
    if (ok)
      return [`${time} ✓ ${vendor} ${body.status ?? statusCode} ${body.eventId ?? ''} ${took}`];
    const why = lines.flatMap((line) =>
      line.kind === 'record' && shownAt('WARN', line.record.level) ? [whyOf(line.record)] : [],
    )[0];
    const issues = body.issues?.map((issue) => issue.path).join(', ');
    return [
      `${time} ✗ ${vendor} ${statusCode} ${body.error ?? ''}${issues ? `: ${issues}` : ''}${why ? ` (${why})` : ''} ${took}`,
      ...lines.flatMap((line) => (line.kind === 'text' ? [`    ${line.text}`] : [])),
    ];
  }
  const request = v.safeParse(RequestEventSchema, summary.event);
  const target = request.success
    ? `${request.output.requestContext.http.method} ${request.output.rawPath}${request.output.rawQueryString ? `?${request.output.rawQueryString}` : ''}`
    : '';
  const issues = body.issues?.map((issue) => issue.path).join(', ');
  return [
    `${time} ${ok ? '·' : '✗'} ${functionName} ${target} ${statusCode}${ok ? '' : ` ${body.error ?? ''}`}${issues ? `: ${issues}` : ''} ${took}`,
    ...detailLines(lines, level),
  ];
};
