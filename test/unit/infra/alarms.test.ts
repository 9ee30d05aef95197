import * as v from 'valibot';
import { StackConfigError } from '../../../infra/stack-config';
import {
  propertiesOf,
  ref,
  resourceById,
  resourcesOfType,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const AlarmSchema = v.object({
  AlarmActions: v.array(v.unknown()),
  OKActions: v.array(v.unknown()),
  MetricName: v.optional(v.string()),
  Namespace: v.optional(v.string()),
  Dimensions: v.optional(v.array(v.object({ Name: v.string(), Value: v.unknown() }))),
  Metrics: v.optional(v.array(v.unknown())),
  Period: v.optional(v.number()),
  Threshold: v.number(),
  ComparisonOperator: v.string(),
  TreatMissingData: v.string(),
});

const MetricFilterSchema = v.object({
  LogGroupName: v.unknown(),
  FilterPattern: v.string(),
  MetricTransformations: v.array(v.unknown()),
});

const SubscriptionSchema = v.object({
  Protocol: v.string(),
  Endpoint: v.string(),
  TopicArn: v.unknown(),
});

let synthesized: SynthesizedStack;
const alarm = (id: string) => propertiesOf(resourceById(synthesized.parsed, id), AlarmSchema);

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
}, SYNTH_TIMEOUT_MS);

describe('alarms', () => {
  it('are the pipeline alarms, each notifying the topic on alarm and on recovery', () => {
    // Act
    const alarms = resourcesOfType(synthesized.parsed, 'AWS::CloudWatch::Alarm');

    // Assess
    expect(alarms.map(([id]) => id).sort()).toEqual([
      'ApiServerErrorRateAlarm',
      'ApiThrottledRequestsAlarm',
      'ApiUnauthorizedRateAlarm',
      'ChangeStreamFailureQueueNotEmptyAlarm',
      'DeadLetterQueueNotEmptyAlarm',
      'ImagesRefusedAlarm',
      'IngestCloudinaryFunctionInvocationSpikeAlarm',
      'IngestImageIntelligenceFunctionInvocationSpikeAlarm',
      'IngestSharinpixFunctionInvocationSpikeAlarm',
      'IngestSpyneFunctionInvocationSpikeAlarm',
      'PublisherErrorsAlarm',
      'PublisherIteratorAgeAlarm',
      'QuarantineReceivingAlarm',
      'QueueOldestMessageAgeAlarm',
      'WorkerErrorsAlarm',
    ]);
    for (const [, resource] of alarms) {
      const properties = propertiesOf(resource, AlarmSchema);
      expect(properties.AlarmActions).toEqual([ref('AlarmTopic')]);
      expect(properties.OKActions).toEqual([ref('AlarmTopic')]);
      expect(properties.TreatMissingData).toBe('notBreaching');
    }
  });

  it('fires on the first image the worker refuses', () => {
    // Act
    const properties = alarm('ImagesRefusedAlarm');

    // Assess
    expect([properties.Namespace, properties.MetricName]).toEqual([
      'VendorWebhooks-prod',
      'ImagesRefused',
    ]);
    expect(properties.Dimensions).toEqual([{ Name: 'service', Value: 'worker' }]);
    expect(properties.Threshold).toBe(1);
  });

  it('fires as soon as the DLQ holds one message', () => {
    // Act
    const properties = alarm('DeadLetterQueueNotEmptyAlarm');

    // Assess
    expect(properties.MetricName).toBe('ApproximateNumberOfMessagesVisible');
    expect(properties.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': ['WebhookDeadLetterQueue', 'QueueName'] } },
    ]);
    expect([properties.ComparisonOperator, properties.Threshold]).toEqual([
      'GreaterThanOrEqualToThreshold',
      1,
    ]);
  });

  it('fires when the main queue’s oldest message outlives a poison message’s retries', () => {
    // Act
    const properties = alarm('QueueOldestMessageAgeAlarm');
    const visibility = v.parse(
      v.object({ VisibilityTimeout: v.number() }),
      resourceById(synthesized.parsed, 'WebhookQueue').Properties,
    ).VisibilityTimeout;

    // Assess
    expect(properties.MetricName).toBe('ApproximateAgeOfOldestMessage');
    expect(properties.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': ['WebhookQueue', 'QueueName'] } },
    ]);
    expect(properties.Threshold).toBeGreaterThan(5 * visibility);
    expect(properties.Threshold).toBeLessThanOrEqual(3600);
  });

  it('watches the API’s 5xx share, not its raw count', () => {
    // Act
    const metrics = JSON.stringify(alarm('ApiServerErrorRateAlarm').Metrics);

    // Assess
    expect(metrics).toContain('"MetricName":"5xx"');
    expect(metrics).toContain('"MetricName":"Count"');
    expect(metrics).toContain('100 * serverErrors / requests');
    expect(alarm('ApiServerErrorRateAlarm').Threshold).toBe(5);
  });

  it('counts 429s and 401s from the access log, where every request lands with its status', () => {
    // Act
    // Every filter on the access log; the worker's log has its own (see the dashboard tests).
    const filters = Object.fromEntries(
      resourcesOfType(synthesized.parsed, 'AWS::Logs::MetricFilter')
        .map(([id, resource]) => {
          const properties = propertiesOf(resource, MetricFilterSchema);
          return [
            id,
            { ...properties, MetricTransformations: properties.MetricTransformations[0] },
          ] as const;
        })
        .filter(
          ([, filter]) =>
            JSON.stringify(filter.LogGroupName) === JSON.stringify(ref('HttpApiAccessLogGroup')),
        ),
    );

    // Assess
    expect(Object.keys(filters).sort()).toEqual([
      'AccessLogRequestsMetricFilter',
      'AccessLogThrottledMetricFilter',
      'AccessLogUnauthorizedMetricFilter',
    ]);
    for (const filter of Object.values(filters)) {
      expect(filter.MetricTransformations).toEqual(
        expect.objectContaining({
          MetricNamespace: 'VendorWebhooks-prod/AccessLog',
          MetricValue: '1',
          DefaultValue: 0,
        }),
      );
    }
    expect(filters.AccessLogThrottledMetricFilter?.FilterPattern).toBe('{ $.status = "429" }');
    expect(filters.AccessLogUnauthorizedMetricFilter?.FilterPattern).toBe('{ $.status = "401" }');
    expect(filters.AccessLogRequestsMetricFilter?.FilterPattern).toBe('');
  });

  it('fires on the first 429: every route is sized above its vendor’s bursts', () => {
    // Act
    const properties = alarm('ApiThrottledRequestsAlarm');

    // Assess
    expect([properties.Namespace, properties.MetricName]).toEqual([
      'VendorWebhooks-prod/AccessLog',
      'Throttled',
    ]);
    expect([properties.ComparisonOperator, properties.Threshold]).toEqual([
      'GreaterThanOrEqualToThreshold',
      1,
    ]);
  });

  it('watches the share of 401s among logged requests, not their raw count', () => {
    // Act
    const properties = alarm('ApiUnauthorizedRateAlarm');
    const metrics = JSON.stringify(properties.Metrics);

    // Assess
    expect(metrics).toContain('"MetricName":"Unauthorized"');
    expect(metrics).toContain('"MetricName":"Requests"');
    expect(metrics).toContain('100 * unauthorized / requests');
    expect(properties.Threshold).toBe(25);
  });

  it.each([
    'IngestSpyneFunction',
    'IngestSharinpixFunction',
    'IngestImageIntelligenceFunction',
    'IngestCloudinaryFunction',
  ])('fires when %s’s invocations spike within a minute', (functionId) => {
    // Act
    const properties = alarm(`${functionId}InvocationSpikeAlarm`);

    // Assess
    expect([properties.Namespace, properties.MetricName]).toEqual(['AWS/Lambda', 'Invocations']);
    expect(properties.Dimensions).toEqual([{ Name: 'FunctionName', Value: ref(functionId) }]);
    expect(properties.Period).toBe(60);
    expect(properties.Threshold).toBe(600);
  });

  it('fires on any worker function error', () => {
    // Act
    const properties = alarm('WorkerErrorsAlarm');

    // Assess
    expect([properties.Namespace, properties.MetricName]).toEqual(['AWS/Lambda', 'Errors']);
    expect(properties.Dimensions).toEqual([{ Name: 'FunctionName', Value: ref('WorkerFunction') }]);
    expect(properties.Threshold).toBe(1);
  });

  it('fires when the quarantine receives a message', () => {
    // Act
    const properties = alarm('QuarantineReceivingAlarm');

    // Assess
    expect(properties.MetricName).toBe('NumberOfMessagesSent');
    expect(properties.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': ['QuarantineQueue', 'QueueName'] } },
    ]);
    expect(properties.Threshold).toBe(1);
  });
});

describe('alarm email', () => {
  it('subscribes nobody without the alarmEmail context', () => {
    // Act
    const subscriptions = resourcesOfType(synthesized.parsed, 'AWS::SNS::Subscription');

    // Assess
    expect(subscriptions).toHaveLength(0);
  });

  it(
    'subscribes the alarmEmail address to the alarm topic',
    () => {
      // Prepare
      const withEmail = synthesizeVendorWebhooks({ context: { alarmEmail: 'oncall@example.com' } });

      // Act
      const subscriptions = resourcesOfType(withEmail.parsed, 'AWS::SNS::Subscription').map(
        ([, resource]) => propertiesOf(resource, SubscriptionSchema),
      );

      // Assess
      expect(subscriptions).toEqual([
        { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: ref('AlarmTopic') },
      ]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it('refuses an alarmEmail that is not an email address', () => {
    // Act
    const synthesize = () => synthesizeVendorWebhooks({ context: { alarmEmail: 'oncall' } });

    // Assess
    expect(synthesize).toThrow(StackConfigError);
  });
});
