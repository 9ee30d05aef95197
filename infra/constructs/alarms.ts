import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pinLogicalId } from './pinned-logical-id';
import { MAX_RECEIVE_COUNT } from './webhook-queues';

/** Server-side error share of API requests (percent over five minutes) that pages someone. */
export const API_SERVER_ERROR_PERCENT = 5;

/** Fewer requests than this in five minutes are too few for a meaningful error rate. */
const API_ERROR_RATE_MIN_REQUESTS = 10;

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
  readonly worker: lambda.IFunction;
  /** Subscribed to the alarm topic when given (context `alarmEmail`). */
  readonly alarmEmail: string | undefined;
}

/**
 * The five conditions under which an event is at risk or a vendor is being failed, each notifying
 * one SNS topic (and its email subscriber, when configured) on alarm and on recovery:
 * - the DLQ holds a message: an event the worker could not apply, waiting for a replay;
 * - the main queue's oldest message is too old: the worker is down, throttled or too slow;
 * - the API's 5xx rate is high: vendors are being told to retry (ingest cannot enqueue);
 * - the worker function itself errors (crash or timeout, not a per-message failure);
 * - the quarantine queue receives a message: a vendor sent something our schema refuses.
 *
 * Missing data is "not breaching": SQS and Lambda publish nothing when idle, and idle is healthy.
 */
export class PipelineAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Vendor webhooks alarms',
      enforceSSL: true,
    });
    pinLogicalId(this.topic, 'AlarmTopic');
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    }

    const fiveMinutes = Duration.minutes(5);
    const requests = props.api.metricCount({ period: fiveMinutes, statistic: 'Sum' });
    const serverErrors = props.api.metricServerError({ period: fiveMinutes, statistic: 'Sum' });

    const alarm = (
      logicalId: string,
      description: string,
      metric: cloudwatch.IMetric,
      threshold: number,
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, logicalId, {
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
        'The DLQ holds events the worker failed to apply. Inspect them, fix, then `npm run redrive -- dlq`.',
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
        `Over ${API_SERVER_ERROR_PERCENT}% of API requests got a 5xx in 5 minutes: vendors are being told to retry (ingest cannot enqueue or read its secrets).`,
        new cloudwatch.MathExpression({
          expression: `IF(requests >= ${API_ERROR_RATE_MIN_REQUESTS}, 100 * serverErrors / requests, 0)`,
          usingMetrics: { requests, serverErrors },
          period: fiveMinutes,
          label: 'API 5xx %',
        }),
        API_SERVER_ERROR_PERCENT,
      ),
      alarm(
        'WorkerErrorsAlarm',
        'The worker function failed as a whole (crash or timeout); its batch returns to the queue.',
        props.worker.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        1,
      ),
      alarm(
        'QuarantineReceivingAlarm',
        'An authenticated delivery failed validation and was quarantined: a vendor sent a shape the schema refuses. Inspect, fix the schema, then `npm run redrive -- quarantine`.',
        props.quarantineQueue.metricNumberOfMessagesSent({ period: fiveMinutes, statistic: 'Sum' }),
        1,
      ),
    ];
  }
}
