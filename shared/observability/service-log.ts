/**
 * The one observability style of every handler: a structured log and a metrics buffer, injected
 * as dependencies. Powertools' `Logger` and `Metrics` satisfy both; tests pass recorders. Each
 * handler decides what it logs and counts in its own module, from these calls alone.
 */

/** Structured log lines: a message and the fields an operator filters on. */
export interface ServiceLog {
  /**
   * Keys for the lines that follow, where supported: the invocation's request id. Not Powertools'
   * `addContext`, which also writes the function's name, ARN, memory size and sampling rate on
   * every line (about 170 bytes each): the log group already names the function, and CloudWatch
   * Logs bills every byte ingested.
   */
  appendKeys?(keys: Record<string, unknown>): void;
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** Counters (CloudWatch EMF), flushed once per invocation. */
export interface ServiceMetrics<TName extends string = string> {
  addMetric(name: TName, unit: 'Count', value: number): void;
  /** A dimension for the metrics added after it in this invocation. */
  addDimension(name: string, value: string): void;
  /** Whether anything was counted since the last flush: an empty flush writes a warning line. */
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): void;
}
