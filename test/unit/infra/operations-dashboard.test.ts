import * as v from 'valibot';
import { VENDORS } from '../../../shared/vendors/vendor';
import {
  propertiesOf,
  resourceById,
  resourcesOfType,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

/** A CloudFormation intrinsic, shown in the body as readable text (no quotes, so JSON stays valid). */
const tokenText = (part: unknown): string => {
  const parsed = v.safeParse(
    v.union([
      v.object({ Ref: v.string() }),
      v.object({ 'Fn::GetAtt': v.tuple([v.string(), v.string()]) }),
    ]),
    part,
  );
  if (!parsed.success) return '<token>';
  return 'Ref' in parsed.output
    ? `<Ref ${parsed.output.Ref}>`
    : `<GetAtt ${parsed.output['Fn::GetAtt'].join('.')}>`;
};

const DashboardSchema = v.object({
  DashboardName: v.string(),
  DashboardBody: v.object({ 'Fn::Join': v.tuple([v.literal(''), v.array(v.unknown())]) }),
});

const WidgetSchema = v.object({
  type: v.string(),
  properties: v.looseObject({
    title: v.optional(v.string()),
    metrics: v.optional(v.array(v.array(v.unknown()))),
    query: v.optional(v.string()),
    alarms: v.optional(v.array(v.string())),
  }),
});
const BodySchema = v.object({ widgets: v.array(WidgetSchema) });
type Widget = v.InferOutput<typeof WidgetSchema>;

let synthesized: SynthesizedStack;
let name: string;
let widgets: Widget[];

const widget = (title: string): Widget => {
  const found = widgets.find((each) => each.properties.title === title);
  if (found === undefined) throw new Error(`no widget titled ${title}`);
  return found;
};

/** A metric line as `namespace metric dim=value …`, without its options. */
const lines = (found: Widget): string[] =>
  (found.properties.metrics ?? []).map((metric) => {
    const plain = metric.filter((part) => typeof part === 'string');
    const [namespace, metricName, ...dims] = plain;
    const pairs: string[] = [];
    for (let index = 0; index + 1 < dims.length; index += 2) {
      pairs.push(`${dims[index]}=${dims[index + 1]}`);
    }
    return [namespace, metricName, ...pairs].join(' ');
  });

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
  const properties = propertiesOf(
    resourceById(synthesized.parsed, 'OperationsDashboard'),
    DashboardSchema,
  );
  name = properties.DashboardName;
  const [, parts] = properties.DashboardBody['Fn::Join'];
  const body = parts.map((part) => (typeof part === 'string' ? part : tokenText(part))).join('');
  widgets = v.parse(BodySchema, JSON.parse(body)).widgets;
}, SYNTH_TIMEOUT_MS);

describe('operations dashboard', () => {
  it('is one dashboard named after the stage’s stack', () => {
    // Act
    const dashboards = resourcesOfType(synthesized.parsed, 'AWS::CloudWatch::Dashboard');

    // Assess
    expect(dashboards.map(([id]) => id)).toEqual(['OperationsDashboard']);
    expect(name).toBe(`${synthesized.stack.stackName}-operations`);
  });

  it.each(VENDORS)(
    'shows %s’s accepted, ignored, duplicate, rejected (by reason) and quarantined webhooks',
    (vendor) => {
      // Act
      const shown = lines(widget(`${vendor}: webhooks per 5 minutes`));

      // Assess
      const ns = synthesized.stack.stackName;
      const ingest = `service=ingest-${vendor} vendor=${vendor}`;
      expect(shown).toEqual(
        expect.arrayContaining([
          `${ns} Accepted ${ingest}`,
          `${ns} Ignored ${ingest}`,
          `${ns}/WorkerLog Duplicates vendor=${vendor}`,
          ...[
            'unauthorized',
            'invalid_payload',
            'malformed_body',
            'payload_too_large',
            'unsupported_media_type',
          ].map((reason) => `${ns} Rejected reason=${reason} ${ingest}`),
          `${ns} Quarantined reason=invalid_payload ${ingest}`,
          `${ns} Quarantined reason=malformed_body ${ingest}`,
        ]),
      );
    },
  );

  it('counts duplicates per vendor from the worker’s log line per event', () => {
    // Act
    const filter = propertiesOf(
      resourceById(synthesized.parsed, 'WorkerDuplicatesMetricFilter'),
      v.object({
        LogGroupName: v.unknown(),
        FilterPattern: v.string(),
        MetricTransformations: v.array(v.looseObject({ Dimensions: v.unknown() })),
      }),
    );

    // Assess
    expect(filter.LogGroupName).toEqual({ Ref: 'WorkerFunctionLogGroup' });
    expect(filter.FilterPattern).toBe('{ $.outcome = "duplicate" }');
    expect(filter.MetricTransformations[0]?.Dimensions).toEqual([
      { Key: 'vendor', Value: '$.vendor' },
    ]);
  });

  it('shows ack latency p50 and p99 for the API and per webhook route from the access log', () => {
    // Act
    const api = widget('Ack latency, whole API (ms)');
    const perRoute = widget('Ack latency per webhook route (ms, access log)');

    // Assess
    expect(JSON.stringify(api.properties.metrics)).toContain('"stat":"p50"');
    expect(JSON.stringify(api.properties.metrics)).toContain('"stat":"p99"');
    expect(lines(api)[0]).toBe('AWS/ApiGateway Latency ApiId=<Ref HttpApi>');
    expect(perRoute.properties.query).toContain("SOURCE '<Ref HttpApiAccessLogGroup>'");
    expect(perRoute.properties.query).toContain('pct(responseLatencyMs, 99)');
  });

  it('shows queue depth and age, the DLQ, quarantine, and the worker’s errors and refused images', () => {
    // Act
    const queue = lines(widget('Main queue: depth and oldest message'));
    const parked = lines(widget('DLQ and quarantine'));
    const worker = lines(widget('Worker: errors and refused images'));

    // Assess
    expect(queue).toEqual([
      'AWS/SQS ApproximateNumberOfMessagesVisible QueueName=<GetAtt WebhookQueue.QueueName>',
      'AWS/SQS ApproximateNumberOfMessagesNotVisible QueueName=<GetAtt WebhookQueue.QueueName>',
      'AWS/SQS ApproximateAgeOfOldestMessage QueueName=<GetAtt WebhookQueue.QueueName>',
    ]);
    expect(parked).toEqual([
      'AWS/SQS ApproximateNumberOfMessagesVisible QueueName=<GetAtt WebhookDeadLetterQueue.QueueName>',
      'AWS/SQS ApproximateNumberOfMessagesVisible QueueName=<GetAtt QuarantineQueue.QueueName>',
    ]);
    const ns = synthesized.stack.stackName;
    expect(worker).toEqual([
      'AWS/Lambda Errors FunctionName=<Ref WorkerFunction>',
      'AWS/Lambda Throttles FunctionName=<Ref WorkerFunction>',
      `${ns} Failed service=worker`,
      `${ns} ImagesRefused service=worker`,
    ]);
  });

  it('shows the change events published, the publisher’s errors and lag, and parked stream batches', () => {
    // Act
    const publisher = widget('Change events: published and publisher lag');
    const parked = lines(widget('Change stream: batches given up'));
    const filter = propertiesOf(
      resourceById(synthesized.parsed, 'ChangeEventsPublishedMetricFilter'),
      v.object({
        LogGroupName: v.unknown(),
        FilterPattern: v.string(),
        MetricTransformations: v.array(v.looseObject({ MetricValue: v.string() })),
      }),
    );

    // Assess
    const ns = synthesized.stack.stackName;
    expect(lines(publisher)).toEqual([
      `${ns}/PublisherLog ChangeEventsPublished`,
      'AWS/Lambda Errors FunctionName=<Ref PublisherFunction>',
      'AWS/Lambda IteratorAge FunctionName=<Ref PublisherFunction>',
    ]);
    expect(filter.LogGroupName).toEqual({ Ref: 'PublisherFunctionLogGroup' });
    expect(filter.FilterPattern).toBe('{ $.message = "Change events published" }');
    expect(filter.MetricTransformations[0]?.MetricValue).toBe('$.published');
    expect(parked).toEqual([
      'AWS/SQS ApproximateNumberOfMessagesVisible QueueName=<GetAtt ChangeStreamFailureQueue.QueueName>',
    ]);
  });

  it('lists every alarm of the stack', () => {
    // Act
    const alarms = widget('Alarms').properties.alarms ?? [];

    // Assess
    expect(alarms.sort()).toEqual(
      resourcesOfType(synthesized.parsed, 'AWS::CloudWatch::Alarm')
        .map(([id]) => `<GetAtt ${id}.Arn>`)
        .sort(),
    );
  });
});
