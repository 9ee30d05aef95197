import * as v from 'valibot';
import {
  WORKER_BATCH_SIZE,
  WORKER_BATCHING_WINDOW,
  WORKER_MAX_CONCURRENCY,
} from '../../../infra/function-sizing';
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

const QueueSchema = v.object({
  SqsManagedSseEnabled: v.optional(v.boolean()),
  KmsMasterKeyId: v.optional(v.unknown()),
  MaximumMessageSize: v.optional(v.number()),
  MessageRetentionPeriod: v.optional(v.number()),
  VisibilityTimeout: v.optional(v.number()),
  RedrivePolicy: v.optional(
    v.object({ deadLetterTargetArn: v.unknown(), maxReceiveCount: v.number() }),
  ),
});

const QueuePolicySchema = v.object({
  Queues: v.array(v.unknown()),
  PolicyDocument: v.object({
    Statement: v.array(
      v.object({
        Effect: v.string(),
        Action: v.unknown(),
        Condition: v.optional(v.unknown()),
        Principal: v.unknown(),
      }),
    ),
  }),
});

const MappingSchema = v.object({
  EventSourceArn: v.unknown(),
  FunctionName: v.unknown(),
  BatchSize: v.number(),
  MaximumBatchingWindowInSeconds: v.number(),
  FunctionResponseTypes: v.array(v.string()),
  ScalingConfig: v.object({ MaximumConcurrency: v.number() }),
});

const QUEUE_IDS = ['WebhookQueue', 'WebhookDeadLetterQueue', 'QuarantineQueue'] as const;
const FOURTEEN_DAYS = 14 * 86_400;

let synthesized: SynthesizedStack;
const queue = (logicalId: string) =>
  propertiesOf(resourceById(synthesized.parsed, logicalId), QueueSchema);

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
}, SYNTH_TIMEOUT_MS);

describe('queues', () => {
  it.each(QUEUE_IDS)(
    '%s is encrypted at rest with SQS-managed keys and takes 1 MiB messages',
    (id) => {
      // Act
      const properties = queue(id);

      // Assess
      expect(properties.SqsManagedSseEnabled).toBe(true);
      expect(properties.KmsMasterKeyId).toBeUndefined();
      expect(properties.MaximumMessageSize).toBe(1_048_576);
    },
  );

  it.each(QUEUE_IDS)('%s refuses every request that is not over TLS', (id) => {
    // Prepare
    const policies = resourcesOfType(synthesized.parsed, 'AWS::SQS::QueuePolicy')
      .map(([, policy]) => propertiesOf(policy, QueuePolicySchema))
      .filter((policy) => JSON.stringify(policy.Queues) === JSON.stringify([ref(id)]));

    // Act
    const statements = policies.flatMap((policy) => policy.PolicyDocument.Statement);

    // Assess
    expect(statements).toContainEqual({
      Effect: 'Deny',
      Action: 'sqs:*',
      Principal: { AWS: '*' },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('redrives the main queue to the DLQ after 5 receives', () => {
    // Act
    const { RedrivePolicy } = queue('WebhookQueue');

    // Assess
    expect(RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt('WebhookDeadLetterQueue', 'Arn'),
      maxReceiveCount: 5,
    });
  });

  it('keeps DLQ and quarantine messages 14 days, longer than the main queue keeps them', () => {
    // Act
    const main = queue('WebhookQueue').MessageRetentionPeriod ?? 0;
    const dlq = queue('WebhookDeadLetterQueue').MessageRetentionPeriod;
    const quarantine = queue('QuarantineQueue').MessageRetentionPeriod;

    // Assess
    expect(dlq).toBe(FOURTEEN_DAYS);
    expect(quarantine).toBe(FOURTEEN_DAYS);
    expect(main).toBeGreaterThan(0);
    expect(main).toBeLessThan(FOURTEEN_DAYS);
  });

  it('holds a message invisible for at least six worker timeouts', () => {
    // Act
    const visibility = queue('WebhookQueue').VisibilityTimeout ?? 0;
    const workerTimeout = v.parse(
      v.object({ Timeout: v.number() }),
      resourceById(synthesized.parsed, 'WorkerFunction').Properties,
    ).Timeout;

    // Assess
    expect(visibility).toBeGreaterThanOrEqual(6 * workerTimeout);
  });
});

describe('worker event source mapping', () => {
  const mapping = () => {
    const mappings = resourcesOfType(synthesized.parsed, 'AWS::Lambda::EventSourceMapping').filter(
      ([, resource]) =>
        JSON.stringify(resource.Properties.FunctionName) === JSON.stringify(ref('WorkerFunction')),
    );
    expect(mappings).toHaveLength(1);
    const [entry] = mappings;
    if (entry === undefined) throw new Error('no event source mapping');
    return entry;
  };

  it('feeds the worker from the main queue with partial batch responses', () => {
    // Act
    const properties = propertiesOf(mapping()[1], MappingSchema);

    // Assess
    expect(properties.EventSourceArn).toEqual(getAtt('WebhookQueue', 'Arn'));
    expect(properties.FunctionName).toEqual(ref('WorkerFunction'));
    expect(properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('batches and caps concurrency as chosen', () => {
    // Act
    const properties = propertiesOf(mapping()[1], MappingSchema);

    // Assess
    expect(properties.BatchSize).toBe(WORKER_BATCH_SIZE);
    expect(properties.MaximumBatchingWindowInSeconds).toBe(WORKER_BATCHING_WINDOW.toSeconds());
    expect(properties.ScalingConfig.MaximumConcurrency).toBe(WORKER_MAX_CONCURRENCY);
    expect(properties.BatchSize).toBeLessThanOrEqual(10);
  });

  it('is created only after the worker may poll the queue', () => {
    // Act
    const dependsOn = [mapping()[1].DependsOn ?? []].flat();
    const workerPolicies = resourcesOfType(synthesized.parsed, 'AWS::IAM::Policy')
      .filter(
        ([, policy]) =>
          JSON.stringify(policy.Properties.Roles) === JSON.stringify([ref('WorkerFunctionRole')]),
      )
      .map(([id]) => id);

    // Assess
    expect(workerPolicies).toHaveLength(1);
    expect(dependsOn).toEqual(expect.arrayContaining(workerPolicies));
  });
});
