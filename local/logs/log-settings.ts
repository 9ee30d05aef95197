/** `--log-format`: one readable line per delivery and batch, or Powertools' JSON as in Lambda. */
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Powertools' levels, most verbose first (`POWERTOOLS_LOG_LEVEL`). */
export const LOG_LEVELS = [
  'TRACE',
  'DEBUG',
  'INFO',
  'WARN',
  'ERROR',
  'CRITICAL',
  'SILENT',
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How the local stack prints what the handlers log. */
export interface LogSettings {
  readonly format: LogFormat;
  /** The least severe record shown (`--log-level`, else `POWERTOOLS_LOG_LEVEL`, else INFO). */
  readonly level: LogLevel;
}

const rank = (level: LogLevel): number => LOG_LEVELS.indexOf(level);

export const isLogLevel = (value: string): value is LogLevel =>
  (LOG_LEVELS as readonly string[]).includes(value);

/**
 * The level the handlers run at: the one asked for, but never above INFO, because the stack
 * reads the worker's INFO records to count applied events and duplicates (batch lines,
 * `/health`). Records below the level asked for are then left out when printing.
 */
export const handlerLogLevel = (level: LogLevel): LogLevel =>
  rank(level) < rank('INFO') ? level : 'INFO';

/** Whether a record of `level` (as Powertools prints it) is shown at `threshold`. */
export const shownAt = (threshold: LogLevel, level: string): boolean => {
  const upper = level.toUpperCase();
  return isLogLevel(upper) ? rank(upper) >= rank(threshold) : true;
};
