import { round } from '../support/stats';
import type { Goal, Results } from './results-schema';

/** The numeric goals. */
export const GOALS = {
  coldInitIngestMs: 60,
  ingestCpuRatio: 1.3,
  dollarsPerMillion: 4.5,
} as const;

const kb = (bytes: number): string => `${round(bytes / 1024, 1)} KB`;

/** Each goal of the issue, with the measured figure and whether it holds. */
export const evaluateGoals = (results: Omit<Results, 'goals'>): Goal[] => [
  ...results.bundles.flatMap((bundle) =>
    bundle.goalBytes === undefined
      ? []
      : [
          {
            goal: `bundle ${bundle.name}`,
            target: `<= ${kb(bundle.goalBytes)}`,
            actual: kb(bundle.bytes),
            holds: bundle.bytes <= bundle.goalBytes,
          },
        ],
  ),
  ...results.coldInit.bundles
    .filter((bundle) => bundle.name.startsWith('ingest-'))
    .map((bundle) => ({
      goal: `cold init ${bundle.name}`,
      target: `<= ${GOALS.coldInitIngestMs} ms`,
      actual: `${bundle.medianMs} ms (${bundle.ratioToHello}x hello)`,
      holds: bundle.medianMs <= GOALS.coldInitIngestMs,
    })),
  ...results.ingestCpu.cases.map((item) => ({
    goal: `ingest CPU ${item.name}`,
    target: `<= ${GOALS.ingestCpuRatio}x floor`,
    actual: `${item.ratio}x (${item.oursMicros} vs ${item.floorMicros} us)`,
    holds: item.ratio <= GOALS.ingestCpuRatio,
  })),
  {
    goal: 'cost per million webhooks',
    target: `<= $${GOALS.dollarsPerMillion}`,
    actual: `$${results.cost.totalPerMillion} (REST API: $${results.cost.restApiTotalPerMillion})`,
    holds: results.cost.totalPerMillion <= GOALS.dollarsPerMillion,
  },
];
