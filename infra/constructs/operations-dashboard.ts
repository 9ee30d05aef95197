import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { IngestOutcome } from '../../shared/ingest/ingest-pipeline';
import { VENDORS, type Vendor } from '../../shared/vendors/vendor';
import { pinLogicalId } from './pinned-logical-id';

/** The outcomes ingest counts as `Rejected`, each under its `reason` dimension (`ingest-telemetry.ts`). */
type RejectionReason = Exclude<IngestOutcome['kind'], 'accepted' | 'ignored' | 'unavailable'>;

/** A line per rejection reason, with the status vendors get; a new reason fails the build here. */
export const REJECTION_LABELS: Readonly<Record<RejectionReason, string>> = {
  unauthorized: 'rejected: unauthorized (401)',
  invalid_payload: 'rejected: invalid payload (400)',
  malformed_body: 'rejected: malformed body (400)',
  payload_too_large: 'rejected: too large (413)',
  unsupported_media_type: 'rejected: media type (415)',
};

/** The rejections ingest quarantines (an authenticated body it could not read or validate). */
const QUARANTINE_REASONS = ['invalid_payload', 'malformed_body'] as const;

/** What the dashboard shows: handed in by the stack, like the alarms' inputs. */
export interface OperationsDashboardProps {
  /** The dashboard's name: the stack name, which carries the stage, then `-operations`. */
  readonly namePrefix: string;
  /** Where the functions publish their Powertools metrics. */
  readonly metricsNamespace: string;
  readonly api: apigwv2.HttpApi;
  readonly accessLogGroup: logs.ILogGroup;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly quarantineQueue: sqs.IQueue;
  readonly worker: lambda.IFunction;
  /** The worker's log group: its one JSON line per event carries `vendor` and `outcome`. */
  readonly workerLogGroup: logs.ILogGroup;
  /** The change publisher, fed by the records table's stream. */
  readonly publisher: lambda.IFunction;
  /** Its log: one JSON line per stream batch, with the number of change events it published. */
  readonly publisherLogGroup: logs.ILogGroup;
  /** Where the stream mapping parks batches it gave up publishing. */
  readonly changeStreamFailureQueue: sqs.IQueue;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * One CloudWatch dashboard for the people who run the pipeline, top to bottom in the order they
 * ask: what each vendor sent and what became of it, how fast vendors are answered, whether the
 * queue keeps up, what failed, and which alarms are on.
 *
 * - Per vendor: `Accepted` and `Ignored` (ingest's EMF metrics), `Rejected` by reason, and
 *   `Quarantined`; duplicates come from the worker, which is where a repeat is recognised (its
 *   log line per event says `outcome: duplicate` and names the vendor; a metric filter counts
 *   them per vendor, so ingest keeps its single SendMessage).
 * - Ack latency: API Gateway's `Latency` p50 and p99 over the whole API, and per webhook route
 *   from the access log (Logs Insights, run when the dashboard is opened).
 * - Queues: depth, messages in flight and the oldest message's age; the DLQ and quarantine depth.
 * - Worker: function errors and throttles, messages that failed, and refused images.
 * - Change events: how many the publisher put on the bus (a metric filter on its log line per
 *   stream batch, which carries the count), its errors, its lag behind the records table's stream
 *   (Lambda's `IteratorAge`), and the batches the stream mapping gave up on.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboardName = `${props.namePrefix}-operations`;

    const emf = (
      metricName: string,
      dimensionsMap: Record<string, string>,
      label: string,
    ): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap,
        period: FIVE_MINUTES,
        statistic: 'Sum',
        label,
      });

    const duplicates = new logs.MetricFilter(this, 'WorkerDuplicatesFilter', {
      logGroup: props.workerLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.outcome', '=', 'duplicate'),
      metricNamespace: `${props.namePrefix}/WorkerLog`,
      metricName: 'Duplicates',
      metricValue: '1',
      dimensions: { vendor: '$.vendor' },
    });
    pinLogicalId(duplicates, 'WorkerDuplicatesMetricFilter');

    const published = new logs.MetricFilter(this, 'ChangeEventsPublishedFilter', {
      logGroup: props.publisherLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'Change events published'),
      metricNamespace: `${props.namePrefix}/PublisherLog`,
      metricName: 'ChangeEventsPublished',
      metricValue: '$.published',
    });
    pinLogicalId(published, 'ChangeEventsPublishedMetricFilter');

    const vendorWidget = (vendor: Vendor): cloudwatch.GraphWidget => {
      // Powertools adds the service (the function's name) to every metric it emits.
      const service = `ingest-${vendor}`;
      const quarantined = Object.fromEntries(
        QUARANTINE_REASONS.map((reason, index) => [
          `q${index}`,
          emf('Quarantined', { service, vendor, reason }, `quarantined (${reason})`),
        ]),
      );
      return new cloudwatch.GraphWidget({
        title: `${vendor}: webhooks per 5 minutes`,
        width: 6,
        height: 7,
        left: [
          emf('Accepted', { service, vendor }, 'accepted'),
          emf('Ignored', { service, vendor }, 'ignored'),
          duplicates.metric({
            dimensionsMap: { vendor },
            period: FIVE_MINUTES,
            statistic: 'Sum',
            label: 'duplicates',
          }),
          ...Object.entries(REJECTION_LABELS).map(([reason, label]) =>
            emf('Rejected', { service, vendor, reason }, label),
          ),
          new cloudwatch.MathExpression({
            expression: Object.keys(quarantined)
              .map((key) => `FILL(${key}, 0)`)
              .join(' + '),
            usingMetrics: quarantined,
            period: FIVE_MINUTES,
            label: 'quarantined',
          }),
        ],
        leftYAxis: { min: 0 },
      });
    };

    const latency = (statistic: string): cloudwatch.Metric =>
      props.api.metricLatency({ period: FIVE_MINUTES, statistic, label: `API ${statistic}` });

    const webhookRoutes = new cloudwatch.LogQueryWidget({
      title: 'Ack latency per webhook route (ms, access log)',
      width: 12,
      height: 6,
      logGroupNames: [props.accessLogGroup.logGroupName],
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      queryLines: [
        'filter routeKey like /^POST \\/webhooks\\//',
        'stats count() as requests, pct(responseLatencyMs, 50) as p50, pct(responseLatencyMs, 99) as p99 by routeKey',
        'sort routeKey',
      ],
    });

    const worker = (metricName: string, label: string) =>
      emf(metricName, { service: 'worker' }, label);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: this.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.TextWidget({
            width: 24,
            height: 2,
            markdown: [
              `# ${props.namePrefix}: webhooks, queues, worker and change events`,
              'Inspect from a terminal with the cdk outputs file: `npm run events -- list --status failing`, `npm run dlq -- list`, `npm run quarantine -- list`, `npm run events -- show <eventId>`.',
            ].join('\n'),
          }),
        ],
        VENDORS.map(vendorWidget),
        [
          new cloudwatch.GraphWidget({
            title: 'Ack latency, whole API (ms)',
            width: 12,
            height: 6,
            left: [latency('p50'), latency('p99')],
            leftYAxis: { min: 0 },
          }),
          webhookRoutes,
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Main queue: depth and oldest message',
            width: 8,
            height: 6,
            left: [
              props.queue.metricApproximateNumberOfMessagesVisible({
                period: Duration.minutes(1),
                statistic: 'Maximum',
                label: 'waiting',
              }),
              props.queue.metricApproximateNumberOfMessagesNotVisible({
                period: Duration.minutes(1),
                statistic: 'Maximum',
                label: 'in flight',
              }),
            ],
            right: [
              props.queue.metricApproximateAgeOfOldestMessage({
                period: Duration.minutes(1),
                statistic: 'Maximum',
                label: 'oldest message (s)',
              }),
            ],
            leftYAxis: { min: 0 },
            rightYAxis: { min: 0 },
          }),
          new cloudwatch.GraphWidget({
            title: 'DLQ and quarantine',
            width: 8,
            height: 6,
            left: [
              props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                period: Duration.minutes(1),
                statistic: 'Maximum',
                label: 'DLQ messages',
              }),
              props.quarantineQueue.metricApproximateNumberOfMessagesVisible({
                period: Duration.minutes(1),
                statistic: 'Maximum',
                label: 'quarantined messages',
              }),
            ],
            leftYAxis: { min: 0 },
          }),
          new cloudwatch.GraphWidget({
            title: 'Worker: errors and refused images',
            width: 8,
            height: 6,
            left: [
              props.worker.metricErrors({
                period: FIVE_MINUTES,
                statistic: 'Sum',
                label: 'function errors',
              }),
              props.worker.metricThrottles({
                period: FIVE_MINUTES,
                statistic: 'Sum',
                label: 'function throttles',
              }),
              worker('Failed', 'failed messages'),
              worker('ImagesRefused', 'refused images'),
            ],
            leftYAxis: { min: 0 },
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Change events: published and publisher lag',
            width: 12,
            height: 6,
            left: [
              published.metric({
                period: FIVE_MINUTES,
                statistic: 'Sum',
                label: 'change events published',
              }),
              props.publisher.metricErrors({
                period: FIVE_MINUTES,
                statistic: 'Sum',
                label: 'publisher errors',
              }),
            ],
            right: [
              new cloudwatch.Metric({
                namespace: 'AWS/Lambda',
                metricName: 'IteratorAge',
                dimensionsMap: { FunctionName: props.publisher.functionName },
                period: Duration.minutes(1),
                statistic: 'Maximum',
                label: 'publisher lag (ms behind the stream)',
              }),
            ],
            leftYAxis: { min: 0 },
            rightYAxis: { min: 0 },
          }),
          new cloudwatch.GraphWidget({
            title: 'Change stream: batches given up',
            width: 12,
            height: 6,
            left: [
              props.changeStreamFailureQueue.metricApproximateNumberOfMessagesVisible({
                period: Duration.minutes(1),
                statistic: 'Maximum',
                label: 'parked batches (failure queue)',
              }),
            ],
            leftYAxis: { min: 0 },
          }),
        ],
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            width: 24,
            height: 4,
            alarms: [...props.alarms],
          }),
        ],
      ],
    });
    pinLogicalId(this.dashboard, 'OperationsDashboard');
  }

  /** The dashboard in the CloudWatch console of the stack's region. */
  get url(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${this.dashboardName}`;
  }
}
