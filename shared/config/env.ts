import { ServiceError } from '../errors/service-error';

/**
 * Environment access for configuration modules. Each function reads and checks its environment
 * once, at module load, and fails loudly there: a misconfigured function should not start, let
 * alone answer a vendor.
 */

/** Thrown at load time when the environment is missing or malformed. */
export class ConfigurationError extends ServiceError {
  readonly retryable = false;

  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigurationError';
  }
}

/** An environment to read settings from: `process.env`, or a test's own. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A variable that must be set and non-empty. */
export const requiredString = (env: Env, name: string): string => {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError('is required but not set', name);
  return value;
};

/** A variable that may be unset; empty counts as unset. */
export const optionalString = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/** An integer variable with a default and inclusive bounds. */
export const integerOr = (
  env: Env,
  name: string,
  fallback: number,
  bounds: { min: number; max: number },
): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigurationError(`must be an integer, got "${raw}"`, name);
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    throw new ConfigurationError(
      `must be between ${bounds.min} and ${bounds.max}, got ${value}`,
      name,
    );
  }
  return value;
};

/** A boolean variable (`true`/`false`/`1`/`0`) with a default. */
export const booleanOr = (env: Env, name: string, fallback: boolean): boolean => {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigurationError(`must be true or false, got "${raw}"`, name);
};
