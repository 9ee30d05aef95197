import * as v from 'valibot';

/** The fields of a handler's structured log line that the suites count. */
const LogLineSchema = v.object({
  level: v.optional(v.string()),
  message: v.string(),
  eventId: v.optional(v.string()),
  messageId: v.optional(v.string()),
  receiveCount: v.optional(v.string()),
  appliedConcurrently: v.optional(v.boolean()),
  error: v.optional(v.object({ name: v.optional(v.string()), message: v.optional(v.string()) })),
});

/** Worker and ingest log messages, as the handlers write them. */
const MESSAGES = {
  applied: 'Event applied',
  duplicate: 'Duplicate event counted, not applied',
  ignored: 'Unsupported event kept in the ledger',
  failed: 'Event failed; the message will be retried',
  invalidEnvelope: 'Message is not a valid event envelope',
  ingestInternalError: 'webhook failed unexpectedly',
} as const;

/** Lines that mean something escaped a handler or the process itself is in trouble. */
const CRASH_PATTERNS = [
  /\bthrew \(/,
  /the worker threw/,
  /uncaught/i,
  /unhandled/i,
  /FATAL ERROR/,
  /Maximum call stack/,
  /heap out of memory/i,
];

const increment = (counts: Map<string, number>, key: string) =>
  counts.set(key, (counts.get(key) ?? 0) + 1);

/**
 * Tallies what a running stack (or a pipeline process) printed: per `eventId`, how often the
 * worker applied it, counted it as a duplicate or kept it as ignored; and every sign of an
 * escaped exception (a handler that threw or timed out, an unhandled rejection, a fatal error).
 * This is the evidence for "applied exactly once" and "0 uncaught exceptions"; the ledger is the
 * evidence for "nothing lost".
 */
export class StackLog {
  readonly applied = new Map<string, number>();
  /** The SQS messages (deliveries) under which each event was applied. */
  readonly appliedBy = new Map<string, Set<string>>();
  readonly duplicates = new Map<string, number>();
  readonly ignored = new Map<string, number>();
  readonly failed = new Map<string, number>();
  /** Why events failed, `eventId: ErrorName: message`, the first few only. */
  readonly failureSamples: string[] = [];
  /** Each failed event's latest failure, `ErrorName: message`. */
  readonly lastFailure = new Map<string, string>();
  /** `eventId`s in the order the worker finished them (applied or ignored). */
  readonly completionOrder: string[] = [];
  /** Applied events whose message had been received more than once (a retry or redelivery). */
  appliedAfterRetry = 0;
  /** Duplicates that applied the event alongside the delivery that completed it (idempotently). */
  appliedConcurrently = 0;
  invalidEnvelopes = 0;
  ingestInternalErrors = 0;
  /** Invocations that passed their function timeout (gateway 504s, worker batches). */
  timeouts = 0;
  readonly crashLines: string[] = [];
  #tail = '';
  #partial = { stdout: '', stderr: '' };

  /** Feeds a chunk of the process's output; lines are split here. */
  consume(stream: 'stdout' | 'stderr', chunk: string): void {
    this.#tail = (this.#tail + chunk).slice(-20_000);
    const text = this.#partial[stream] + chunk;
    const lines = text.split('\n');
    this.#partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.#line(stream, line);
  }

  /** The last 20 KB of output, for failure messages. */
  tail(): string {
    return this.#tail;
  }

  /**
   * Events applied under two or more different deliveries: a dedupe failure. (The same delivery
   * applied again after a crash or a timed-out batch is the designed recovery, counted by
   * `reapplied`, and harmless because the merge is idempotent.)
   */
  doubleApplied(): string[] {
    return [...this.appliedBy]
      .filter(([, messages]) => messages.size > 1)
      .map(([eventId]) => eventId);
  }

  /** Events applied again by the delivery that had applied them (redelivery after a crash). */
  reapplied(): string[] {
    return [...this.applied]
      .filter(([eventId, count]) => count > (this.appliedBy.get(eventId)?.size ?? 0))
      .map(([eventId]) => eventId);
  }

  #line(stream: 'stdout' | 'stderr', line: string): void {
    if (line.startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = undefined;
      }
      const parsed = v.safeParse(LogLineSchema, json);
      if (parsed.success) {
        this.#logRecord(parsed.output);
        return;
      }
    }
    if (/timed out after \d+ ms/.test(line)) this.timeouts += 1;
    if (CRASH_PATTERNS.some((pattern) => pattern.test(line))) {
      this.crashLines.push(`${stream}: ${line.slice(0, 500)}`);
    }
  }

  #logRecord(record: v.InferOutput<typeof LogLineSchema>): void {
    const eventId = record.eventId ?? '';
    switch (record.message) {
      case MESSAGES.applied:
        increment(this.applied, eventId);
        this.appliedBy.set(
          eventId,
          (this.appliedBy.get(eventId) ?? new Set<string>()).add(record.messageId ?? ''),
        );
        this.completionOrder.push(eventId);
        if (Number(record.receiveCount ?? '1') > 1) this.appliedAfterRetry += 1;
        return;
      case MESSAGES.duplicate:
        increment(this.duplicates, eventId);
        if (record.appliedConcurrently === true) this.appliedConcurrently += 1;
        return;
      case MESSAGES.ignored:
        increment(this.ignored, eventId);
        this.completionOrder.push(eventId);
        return;
      case MESSAGES.failed:
        increment(this.failed, eventId);
        this.lastFailure.set(
          eventId,
          `${record.error?.name ?? 'Error'}: ${(record.error?.message ?? '').slice(0, 200)}`,
        );
        if (this.failureSamples.length < 5) {
          this.failureSamples.push(
            `${eventId}: ${record.error?.name ?? 'Error'}: ${(record.error?.message ?? '').slice(0, 200)}`,
          );
        }
        return;
      case MESSAGES.invalidEnvelope:
        this.invalidEnvelopes += 1;
        return;
      case MESSAGES.ingestInternalError:
        this.ingestInternalErrors += 1;
        return;
    }
  }
}
