import * as v from 'valibot';
import {
  getAtt,
  propertiesOf,
  ref,
  resourceById,
  resourcesOfType,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const GIVEN_BUS = 'arn:aws:events:eu-west-1:210987654321:event-bus/image-events';

const MappingSchema = v.object({
  EventSourceArn: v.unknown(),
  FunctionName: v.unknown(),
  StartingPosition: v.optional(v.string()),
  BatchSize: v.optional(v.number()),
  ParallelizationFactor: v.optional(v.number()),
  BisectBatchOnFunctionError: v.optional(v.boolean()),
  MaximumRetryAttempts: v.optional(v.number()),
  MaximumRecordAgeInSeconds: v.optional(v.number()),
  FunctionResponseTypes: v.optional(v.array(v.string())),
  DestinationConfig: v.optional(v.unknown()),
});

const PolicySchema = v.object({
  Roles: v.array(v.object({ Ref: v.string() })),
  PolicyDocument: v.object({
    Statement: v.array(
      v.object({
        Sid: v.optional(v.string()),
        Action: v.union([v.string(), v.array(v.string())]),
        Resource: v.unknown(),
      }),
    ),
  }),
});

const EnvironmentSchema = v.object({
  Environment: v.object({ Variables: v.record(v.string(), v.unknown()) }),
});

const AlarmSchema = v.object({
  Namespace: v.optional(v.string()),
  MetricName: v.optional(v.string()),
  Dimensions: v.optional(v.array(v.object({ Name: v.string(), Value: v.unknown() }))),
  Statistic: v.optional(v.string()),
  Threshold: v.number(),
});

/** The publisher's stream mapping: the one whose source is the records table's stream. */
const publisherMapping = (synthesized: SynthesizedStack) => {
  const mappings = resourcesOfType(synthesized.parsed, 'AWS::Lambda::EventSourceMapping')
    .map(([id, resource]) => ({ id, resource, properties: propertiesOf(resource, MappingSchema) }))
    .filter(
      ({ properties }) =>
        JSON.stringify(properties.EventSourceArn) ===
        JSON.stringify(getAtt('RecordsTable', 'StreamArn')),
    );
  expect(mappings).toHaveLength(1);
  const [mapping] = mappings;
  if (mapping === undefined) throw new Error('no stream mapping');
  return mapping;
};

const publisherStatements = (synthesized: SynthesizedStack) =>
  resourcesOfType(synthesized.parsed, 'AWS::IAM::Policy')
    .map(([id, resource]) => ({ id, policy: propertiesOf(resource, PolicySchema) }))
    .filter(({ policy }) => policy.Roles.some((role) => role.Ref === 'PublisherFunctionRole'));

let created: SynthesizedStack;
let given: SynthesizedStack;

beforeAll(() => {
  created = synthesizeVendorWebhooks();
  given = synthesizeVendorWebhooks({ context: { changeEventBusArn: GIVEN_BUS } });
}, SYNTH_TIMEOUT_MS);

describe('change events in AWS', () => {
  it('streams every write of the records table with the item before and after', () => {
    // Act
    const table = propertiesOf(
      resourceById(created.parsed, 'RecordsTable'),
      v.object({ StreamSpecification: v.optional(v.unknown()) }),
    );

    // Assess
    expect(table.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('feeds the publisher from the stream in order, with partial failures, bisection, bounded retries and an on-failure queue', () => {
    // Act
    const { properties, resource } = publisherMapping(created);

    // Assess
    expect(properties).toEqual({
      EventSourceArn: getAtt('RecordsTable', 'StreamArn'),
      FunctionName: ref('PublisherFunction'),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10_000,
      MaximumRecordAgeInSeconds: 12 * 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: getAtt('ChangeStreamFailureQueue', 'Arn') },
      },
    });
    // Lambda checks the role when it creates the mapping: the role's policy must come first.
    const policyIds = publisherStatements(created).map(({ id }) => id);
    expect(policyIds.length).toBeGreaterThan(0);
    expect([resource.DependsOn ?? []].flat()).toEqual(expect.arrayContaining(policyIds));
  });

  it('creates a custom bus named after the stage and hands it to the publisher and the outputs', () => {
    // Act
    const buses = resourcesOfType(created.parsed, 'AWS::Events::EventBus');
    const variables = propertiesOf(
      resourceById(created.parsed, 'PublisherFunction'),
      EnvironmentSchema,
    ).Environment.Variables;

    // Assess
    expect(buses.map(([id]) => id)).toEqual(['ChangeEventBus']);
    expect(buses[0]?.[1].Properties.Name).toBe('VendorWebhooks-prod-changes');
    expect(variables.EVENT_BUS_NAME).toEqual(ref('ChangeEventBus'));
    expect(created.parsed.Outputs.ChangeEventBusName?.Value).toEqual(ref('ChangeEventBus'));
    expect(created.parsed.Outputs.ChangeEventBusArn?.Value).toEqual(
      getAtt('ChangeEventBus', 'Arn'),
    );
  });

  it('uses an existing bus given by context: no bus of its own, PutEvents on that ARN only', () => {
    // Act
    const buses = resourcesOfType(given.parsed, 'AWS::Events::EventBus');
    const variables = propertiesOf(
      resourceById(given.parsed, 'PublisherFunction'),
      EnvironmentSchema,
    ).Environment.Variables;
    const puts = publisherStatements(given)
      .flatMap(({ policy }) => policy.PolicyDocument.Statement)
      .filter((statement) => [statement.Action].flat().includes('events:PutEvents'));

    // Assess
    expect(buses).toEqual([]);
    expect(variables.EVENT_BUS_NAME).toBe(GIVEN_BUS);
    expect(puts.map((statement) => statement.Resource)).toEqual([GIVEN_BUS]);
    expect(given.parsed.Outputs.ChangeEventBusArn?.Value).toBe(GIVEN_BUS);
  });

  it('parks given-up batches on an encrypted, TLS-only queue kept 14 days', () => {
    // Act
    const queue = propertiesOf(
      resourceById(created.parsed, 'ChangeStreamFailureQueue'),
      v.object({ SqsManagedSseEnabled: v.boolean(), MessageRetentionPeriod: v.number() }),
    );
    const policies = resourcesOfType(created.parsed, 'AWS::SQS::QueuePolicy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.Queues).includes('ChangeStreamFailureQueue'),
    );

    // Assess
    expect(queue).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    expect(JSON.stringify(policies[0]?.[1].Properties)).toContain('aws:SecureTransport');
  });

  it.each([
    ['PublisherErrorsAlarm', 'AWS/Lambda', 'Errors', 1],
    ['PublisherIteratorAgeAlarm', 'AWS/Lambda', 'IteratorAge', 600_000],
  ] as const)('%s watches the publisher’s %s %s', (id, namespace, metric, threshold) => {
    // Act
    const alarm = propertiesOf(resourceById(created.parsed, id), AlarmSchema);

    // Assess
    expect([alarm.Namespace, alarm.MetricName, alarm.Threshold]).toEqual([
      namespace,
      metric,
      threshold,
    ]);
    expect(alarm.Dimensions).toEqual([{ Name: 'FunctionName', Value: ref('PublisherFunction') }]);
  });

  it('alarms on the first batch parked on the failure queue', () => {
    // Act
    const alarm = propertiesOf(
      resourceById(created.parsed, 'ChangeStreamFailureQueueNotEmptyAlarm'),
      AlarmSchema,
    );

    // Assess
    expect(alarm.MetricName).toBe('ApproximateNumberOfMessagesVisible');
    expect(alarm.Dimensions).toEqual([
      { Name: 'QueueName', Value: getAtt('ChangeStreamFailureQueue', 'QueueName') },
    ]);
    expect(alarm.Threshold).toBe(1);
  });
});
