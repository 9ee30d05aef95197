/**
 * The few statistics the benchmark reports. Medians and high percentiles, never means: one
 * descheduled process on a noisy two-core machine would drag a mean far more than a median.
 */

/** The value below which `fraction` of the samples fall (nearest rank); NaN when empty. */
export const percentile = (samples: readonly number[], fraction: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
};

/** The median (nearest rank, lower middle for even counts). */
export const median = (samples: readonly number[]): number => percentile(samples, 0.5);

/** Rounds for display and for results.json, so figures do not pretend to more precision. */
export const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};
