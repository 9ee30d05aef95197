import { UsageError } from '../../local/cli/usage-error';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * `--since`: a duration back from `now` (`90s`, `30m`, `2h`, `7d`) or an ISO date-time, as the ISO
 * time it stands for; `undefined` when the flag is absent.
 */
export const sinceOption = (raw: string | undefined, now: Date): string | undefined => {
  if (raw === undefined) return undefined;
  const duration = /^(\d{1,6})([smhd])$/.exec(raw.trim());
  if (duration) {
    const seconds = Number(duration[1]) * (UNIT_SECONDS[duration[2] ?? 's'] ?? 1);
    return new Date(now.getTime() - seconds * 1000).toISOString();
  }
  const time = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(time)) {
    throw new UsageError(
      `--since must be a duration like 2h or 30m, or an ISO date-time; got "${raw}"`,
    );
  }
  return new Date(time).toISOString();
};
