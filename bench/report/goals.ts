import { round } from '../support/stats';
import type { Goal, Results } from './results-schema';

/**
 * The performance goals, each measured in the same run as the floor it is compared with where it
 * is a ratio. Absolute times (cold init, end to end, the run's own length) are of this machine.
 */
export const GOALS = {
  /** Median `import()` of an ingest bundle in a fresh process. */
  coldInitIngestMs: 30,
  /** CPU per warm ingest request against the floor handler, every body of every vendor. */
  ingestCpuRatio: 1.3,
  /** Dollars per million webhooks of the mix against the floor design's. */
  costRatio: 1.3,
  /** Worker events per second in one process, as a share of the floor worker's. */
  workerShareOfFloor: 0.8,
  /** The local stack end to end, IAM enforced. */
  endToEndRequestsPerSecond: 400,
  endToEndAckP99Ms: 100,
  /**
   * CloudWatch Logs bytes per webhook: half of the 1,801 B measured before the log lines lost the
   * Lambda context's name, ARN and memory size and ingest dropped Lambda's start and report
   * records.
   */
  logBytesPerWebhook: 900,
  /** A full `npm run bench`. */
  fullRunSeconds: 360,
} as const;

const kb = (bytes: number): string => `${round(bytes / 1024, 1)} KB`;

/** Each goal, with the measured figure and whether it holds. */
export const evaluateGoals = (results: Omit<Results, 'goals'>): Goal[] => {
  const { cost, worker, endToEnd, logs } = results;
  const costRatio = round(cost.totalPerMillion / cost.floorTotalPerMillion);
  const workerShare = round(
    worker.throughput.eventsPerSecond / worker.throughput.floorEventsPerSecond,
  );
  return [
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
      target: `<= ${GOALS.costRatio}x floor`,
      actual: `${costRatio}x ($${cost.totalPerMillion} vs $${cost.floorTotalPerMillion})`,
      holds: costRatio <= GOALS.costRatio,
    },
    {
      goal: 'worker events per second',
      target: `>= ${GOALS.workerShareOfFloor}x floor`,
      actual: `${workerShare}x (${worker.throughput.eventsPerSecond}/s vs ${worker.throughput.floorEventsPerSecond}/s)`,
      holds: workerShare >= GOALS.workerShareOfFloor,
    },
    {
      goal: `end to end, ${endToEnd.concurrency} clients`,
      target: `>= ${GOALS.endToEndRequestsPerSecond} req/s, ack p99 <= ${GOALS.endToEndAckP99Ms} ms`,
      actual: `${endToEnd.requestsPerSecond} req/s, ack p99 ${endToEnd.ackP99Ms} ms`,
      holds:
        endToEnd.requestsPerSecond >= GOALS.endToEndRequestsPerSecond &&
        endToEnd.ackP99Ms <= GOALS.endToEndAckP99Ms,
    },
    {
      goal: 'CloudWatch Logs per webhook',
      target: `<= ${GOALS.logBytesPerWebhook} B`,
      actual: `${logs.totalBytes} B`,
      holds: logs.totalBytes <= GOALS.logBytesPerWebhook,
    },
    ...(results.mode === 'full'
      ? [
          {
            goal: 'full bench run',
            target: `< ${GOALS.fullRunSeconds} s`,
            actual: `${results.durationSeconds} s`,
            holds: results.durationSeconds < GOALS.fullRunSeconds,
          },
        ]
      : []),
  ];
};
