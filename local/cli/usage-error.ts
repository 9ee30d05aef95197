import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ServiceError } from '../../shared/errors/service-error';

/**
 * A command line that cannot work as given. Commands print its message as one line (no stack
 * trace) and exit 1: the person typing needs the fix, not our call graph.
 */
export class UsageError extends ServiceError {
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** Reads an integer option (flag value or environment variable) within inclusive bounds. */
export const integerOption = (
  raw: string | undefined,
  name: string,
  fallback: number,
  bounds: { min: number; max: number },
): number => {
  if (raw === undefined || raw.trim() === '') return fallback;
  const trimmed = raw.trim();
  if (!/^\d+$/.test(trimmed)) throw new UsageError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(trimmed);
  if (value < bounds.min || value > bounds.max) {
    throw new UsageError(`${name} must be between ${bounds.min} and ${bounds.max}, got ${value}`);
  }
  return value;
};

/** Bounds of a TCP port a person may choose. */
export const PORT_BOUNDS = { min: 1, max: 65_535 } as const;

/**
 * Parses this command's arguments (`process.argv`), turning node's parse errors into a
 * `UsageError` that carries the command's usage text, so every command reports them alike.
 */
export const parseCommandArgs = <T extends Omit<ParseArgsConfig, 'args'>>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T & { args: string[] }>> => {
  try {
    return parseArgs({ ...config, args: process.argv.slice(2) });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
};
