import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pinLogicalId } from './pinned-logical-id';
import { MAX_RECEIVE_COUNT } from './webhook-queues';

/** Fewer requests than this in five minutes are too few for a meaningful error rate. */
const API_ERROR_RATE_MIN_REQUESTS = 10;

/**
 * How far behind the stream the publisher may fall before it alarms. A change normally reaches
 * the bus within seconds of its write; ten minutes means it keeps failing (EventBridge refusing
 * or throttling, a role without PutEvents) or cannot keep up, long before the 12 h maximum
 * record age would park anything.
 */
export const PUBLISHER_ITERATOR_AGE_THRESHOLD = Duration.minutes(10);

/** One webhook route's function, watched for invocation spikes. */
export interface WatchedIngestFunction {
  /** Its fixed logical id, e.g. `WorkerFunction`; the alarm's id starts with it. */
  readonly logicalId: string;
  readonly function: lambda.IFunction;
}

/** The thresholds a deployment may set (context `alarmThresholds`, see `stack-config.ts`). */
export interface AlarmThresholds {
  readonly serverErrorPercent: number;
  readonly throttledRequests: number;
  readonly unauthorizedPercent: number;
  readonly invocationSpikePerMinute: number;
}

/**
 * The oldest-message threshold must not fire for a single poison message: it legitimately ages
 * through `MAX_RECEIVE_COUNT` visibility timeouts before the DLQ takes it (and the DLQ alarm
 * reports it). Ten minutes beyond that means the worker as a whole is not keeping up.
 */
export const oldestMessageAgeThreshold = (visibilityTimeout: Duration): Duration =>
  Duration.minutes(Math.ceil((MAX_RECEIVE_COUNT * visibilityTimeout.toSeconds()) / 60) + 10);

/** What the alarms watch: handed in by the stack, so this construct creates no resource it alarms on. */
export interface PipelineAlarmsProps {
  readonly queue: sqs.IQueue;
  readonly queueVisibilityTimeout: Duration;
  readonly deadLetterQueue: sqs.IQueue;
  readonly quarantineQueue: sqs.IQueue;
  readonly api: apigwv2.HttpApi;
  /** The API's JSON access log, read by metric filters for the 429 and 401 counts. */
  readonly accessLogGroup: logs.ILogGroup;
  readonly worker: lambda.IFunction;
  /** The change publisher, fed by the records table's stream. */
  readonly publisher: lambda.IFunction;
  /** Where the stream mapping parks batches it gave up publishing. */
  readonly changeStreamFailureQueue: sqs.IQueue;
  readonly ingestFunctions: readonly WatchedIngestFunction[];
  readonly thresholds: AlarmThresholds;
  /** Starts every alarm name and the metric namespace: the stack name, which carries the stage. */
  readonly namePrefix: string;
  /** Where the functions publish their Powertools metrics. */
  readonly metricsNamespace: string;
  /** Subscribed to the alarm topic when given (context `alarmEmail`). */
  readonly alarmEmail: string | undefined;
}

/**
 * Metric filters on the access log, which records every request with its final status, 429s
 * included: HTTP API publishes 4xx as one metric and has no 429 or 401 count of its own.
 * `status` is logged as a string (the log format quotes every field).
 */
const ACCESS_LOG_METRICS = {
  Requests: logs.FilterPattern.allEvents(),
  Throttled: logs.FilterPattern.stringValue('$.status', '=', '429'),
  Unauthorized: logs.FilterPattern.stringValue('$.status', '=', '401'),
} as const;

/**
 * The conditions under which an event is at risk or a vendor is being failed, each notifying
 * one SNS topic (and its email subscriber, when configured) on alarm and on recovery:
 * - the DLQ holds a message: an event the worker could not apply, waiting for a replay;
 * - the main queue's oldest message is too old: the worker is down, throttled or too slow;
 * - the API's 5xx rate is high: vendors are being told to retry (ingest cannot enqueue);
 * - the API answered 429s: a route's throttle refused requests, and a vendor that does not retry
 *   (some document no retry) may have lost an event;
 * - the API's 401 rate is high: a vendor's secret changed on one side only, or someone is
 *   guessing credentials;
 * - an ingest function's invocations spike: a flood or a retry storm, before it reaches the
 *   route's throttle (AWS's inbound-webhook reference architecture alarms on the same);
 * - the worker function itself errors (crash or timeout, not a per-message failure);
 * - the quarantine queue receives a message: a vendor sent something our schema refuses;
 * - the worker refuses an image change for good (`ImagesRefused`): a body named an image of another
 *   collection, or a record could not fit; the rest of its event was applied;
 * - the publisher fails as a whole (crash or timeout), or falls behind the records stream
 *   (iterator age): consumers are not told of changes that are committed;
 * - the stream mapping parked a batch it could not publish: those changes were never pushed, and
 *   the stream keeps them only for the rest of its 24 h.
 *
 * Missing data is "not breaching": SQS and Lambda publish nothing when idle, and idle is healthy.
 */
export class PipelineAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `${props.namePrefix} alarms`,
      enforceSSL: true,
    });
    pinLogicalId(this.topic, 'AlarmTopic');
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    }

    const fiveMinutes = Duration.minutes(5);
    const { thresholds } = props;
    const requests = props.api.metricCount({ period: fiveMinutes, statistic: 'Sum' });
    const serverErrors = props.api.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
    const accessLogMetric = (name: keyof typeof ACCESS_LOG_METRICS): cloudwatch.Metric => {
      const filter = new logs.MetricFilter(this, `${name}Filter`, {
        logGroup: props.accessLogGroup,
        filterPattern: ACCESS_LOG_METRICS[name],
        metricNamespace: `${props.namePrefix}/AccessLog`,
        metricName: name,
        metricValue: '1',
        // 0 for every other request, so a quiet minute reads 0 (not missing) in the ratios.
        defaultValue: 0,
      });
      pinLogicalId(filter, `AccessLog${name}MetricFilter`);
      return filter.metric({ period: fiveMinutes, statistic: 'Sum' });
    };
    const loggedRequests = accessLogMetric('Requests');
    const throttled = accessLogMetric('Throttled');
    const unauthorized = accessLogMetric('Unauthorized');

    const alarm = (
      logicalId: string,
      description: string,
      metric: cloudwatch.IMetric,
      threshold: number,
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, logicalId, {
        alarmName: `${props.namePrefix}-${logicalId.replace(/Alarm$/, '')}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      pinLogicalId(created, logicalId);
      created.addAlarmAction(new SnsAction(this.topic));
      created.addOkAction(new SnsAction(this.topic));
      return created;
    };

    const ageThreshold = oldestMessageAgeThreshold(props.queueVisibilityTimeout);
    this.alarms = [
      alarm(
        'DeadLetterQueueNotEmptyAlarm',
        'The DLQ holds events the worker failed to apply. Inspect them, fix, then `npm run dlq -- list`, then `npm run dlq -- redrive`.',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        1,
      ),
      alarm(
        'QueueOldestMessageAgeAlarm',
        `An event has waited over ${ageThreshold.toMinutes()} minutes on the main queue: the worker is down, throttled or falling behind.`,
        props.queue.metricApproximateAgeOfOldestMessage({
          period: fiveMinutes,
          statistic: 'Maximum',
        }),
        ageThreshold.toSeconds(),
      ),
      alarm(
        'ApiServerErrorRateAlarm',
        `Over ${thresholds.serverErrorPercent}% of API requests got a 5xx in 5 minutes: vendors are being told to retry (ingest cannot enqueue or read its secrets).`,
        new cloudwatch.MathExpression({
          expression: `IF(requests >= ${API_ERROR_RATE_MIN_REQUESTS}, 100 * serverErrors / requests, 0)`,
          usingMetrics: { requests, serverErrors },
          period: fiveMinutes,
          label: 'API 5xx %',
        }),
        thresholds.serverErrorPercent,
      ),
      alarm(
        'ApiThrottledRequestsAlarm',
        `API Gateway answered 429 to ${thresholds.throttledRequests} or more requests in 5 minutes. Every webhook route is sized above its vendor's bursts, so this is a flood or an unsized pattern, and a vendor that does not retry may have lost events. Find the route with Logs Insights on the access log: filter status = "429" | stats count() by routeKey.`,
        throttled,
        thresholds.throttledRequests,
      ),
      alarm(
        'ApiUnauthorizedRateAlarm',
        `Over ${thresholds.unauthorizedPercent}% of API requests got a 401 in 5 minutes: a vendor's secret was changed on one side only, or someone is guessing credentials. Find the route with Logs Insights on the access log: filter status = "401" | stats count() by routeKey.`,
        new cloudwatch.MathExpression({
          expression: `IF(requests >= ${API_ERROR_RATE_MIN_REQUESTS}, 100 * unauthorized / requests, 0)`,
          usingMetrics: { requests: loggedRequests, unauthorized },
          period: fiveMinutes,
          label: 'API 401 %',
        }),
        thresholds.unauthorizedPercent,
      ),
      ...props.ingestFunctions.map((ingest) =>
        alarm(
          `${ingest.logicalId}InvocationSpikeAlarm`,
          `${ingest.logicalId} ran ${thresholds.invocationSpikePerMinute} or more times in a minute, far above its vendor's documented bursts: a flood or a retry storm. Check the access log for the route's callers and statuses.`,
          ingest.function.metricInvocations({ period: Duration.minutes(1), statistic: 'Sum' }),
          thresholds.invocationSpikePerMinute,
        ),
      ),
      alarm(
        'WorkerErrorsAlarm',
        'The worker function failed as a whole (crash or timeout); its batch returns to the queue.',
        props.worker.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        1,
      ),
      alarm(
        'PublisherErrorsAlarm',
        'The change publisher failed as a whole (crash or timeout); the stream mapping retries its batch, so change events are late, not lost.',
        props.publisher.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        1,
      ),
      alarm(
        'PublisherIteratorAgeAlarm',
        `The change publisher is over ${PUBLISHER_ITERATOR_AGE_THRESHOLD.toMinutes()} minutes behind the records table's stream: it keeps failing to put events (check its log for PutEvents errors) or cannot keep up. Changes are published late; after 12 hours the mapping parks them on the change stream failure queue.`,
        new cloudwatch.Metric({
          namespace: 'AWS/Lambda',
          metricName: 'IteratorAge',
          dimensionsMap: { FunctionName: props.publisher.functionName },
          period: fiveMinutes,
          statistic: 'Maximum',
        }),
        PUBLISHER_ITERATOR_AGE_THRESHOLD.toMilliseconds(),
      ),
      alarm(
        'ChangeStreamFailureQueueNotEmptyAlarm',
        'The stream mapping gave up publishing a batch of record changes and parked its shard and sequence range on the change stream failure queue. Consumers never got those change events; the stream still holds the records until they are 24 hours old.',
        props.changeStreamFailureQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        1,
      ),
      alarm(
        'QuarantineReceivingAlarm',
        'An authenticated delivery failed validation and was quarantined: a vendor sent a shape the schema refuses. Inspect, fix the schema, then `npm run quarantine -- redrive`.',
        props.quarantineQueue.metricNumberOfMessagesSent({ period: fiveMinutes, statistic: 'Sum' }),
        1,
      ),
      alarm(
        'ImagesRefusedAlarm',
        'The worker refused an image change for good (an image named under another collection than its own, or a record that cannot fit); the rest of the event was applied. The ledger entry lists the refused images and keeps the event for inspection.',
        new cloudwatch.Metric({
          namespace: props.metricsNamespace,
          metricName: 'ImagesRefused',
          // Powertools' default dimension: the service, which is the function's name.
          dimensionsMap: { service: 'worker' },
          period: fiveMinutes,
          statistic: 'Sum',
        }),
        1,
      ),
    ];
  }
}
