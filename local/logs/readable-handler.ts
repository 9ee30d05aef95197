import type { ObservedInvocation } from '../console/delivery-feed';
import type { LambdaHandler } from '../lambda/invoke-handler';
import {
  type CapturedLine,
  capturedLines,
  readableLines,
  type WorkerEventCounts,
  workerCounts,
} from './handler-lines';
import { type LogSettings, shownAt } from './log-settings';
import { captureWrites } from './output-capture';

/** Where a wrapped handler's output goes. */
export interface ReadableLogOptions {
  readonly settings: LogSettings;
  /** Prints one line (the stack's stdout). */
  readonly print: (line: string) => void;
  /** Each worker batch's counts, for `/health`. */
  readonly onWorkerBatch?: (counts: WorkerEventCounts) => void;
  /** Every invocation with its event, result and lines, for the console's delivery feed. */
  readonly onInvocation?: (invocation: ObservedInvocation) => void;
}

/** JSON mode: the records as Powertools printed them, at the level asked for. */
const jsonLines = (lines: readonly CapturedLine[], settings: LogSettings): string[] =>
  lines.flatMap((line) =>
    line.kind === 'record' && !shownAt(settings.level, line.record.level) ? [] : [line.text],
  );

/**
 * Wraps a handler so its output is attributed to the invocation that wrote it (see
 * `output-capture`) and printed as `settings.format` says: readable lines by default, or
 * Powertools' JSON unchanged. Worker batches also report their event counts. The handler's
 * result or error passes through untouched.
 */
export const withReadableLogs = (
  functionName: string,
  handler: LambdaHandler,
  options: ReadableLogOptions,
): LambdaHandler => {
  return async (event, context) => {
    const startedAt = Date.now();
    const { outcome, writes } = await captureWrites(async () => handler(event, context));
    const at = new Date();
    const lines = capturedLines(writes);
    if (functionName === 'worker') options.onWorkerBatch?.(workerCounts(lines));
    options.onInvocation?.({
      functionName,
      at,
      event,
      result: outcome.status === 'fulfilled' ? outcome.value : undefined,
      lines,
    });
    const printed =
      options.settings.format === 'json'
        ? jsonLines(lines, options.settings)
        : readableLines({
            functionName,
            at,
            durationMs: at.getTime() - startedAt,
            event,
            result: outcome.status === 'fulfilled' ? outcome.value : undefined,
            lines,
            level: options.settings.level,
          });
    for (const line of printed) options.print(line);
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  };
};
