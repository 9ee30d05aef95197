import * as v from 'valibot';
import { FUNCTION_LOGICAL_IDS } from '../../../infra/constructs/pipeline-functions';
import { CURSOR_SIGNING_KEY_NAME } from '../../../infra/constructs/webhook-secrets';
import { SECRET_NAMES } from '../../../shared/config/dev-secrets';
import { FUNCTION_NAMES, type FunctionName, ingestFunctionOf } from '../../../shared/http/routes';
import { manifestOf } from '../../../shared/vendors/manifests';
import { VENDORS } from '../../../shared/vendors/vendor';
import {
  propertiesOf,
  ref,
  resourceById,
  resourcesOfType,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const FunctionSchema = v.object({
  Runtime: v.string(),
  Architectures: v.array(v.string()),
  Handler: v.string(),
  MemorySize: v.number(),
  Timeout: v.number(),
  LoggingConfig: v.object({
    LogFormat: v.string(),
    LogGroup: v.unknown(),
    SystemLogLevel: v.optional(v.string()),
  }),
  Environment: v.object({ Variables: v.record(v.string(), v.unknown()) }),
  Role: v.unknown(),
  ReservedConcurrentExecutions: v.optional(v.number()),
});

const INGEST: readonly FunctionName[] = [
  'ingest-spyne',
  'ingest-sharinpix',
  'ingest-image-intelligence',
];

/** Image Intelligence waits 10 s for the webhook answer. */
const IMAGE_INTELLIGENCE_WAIT_SECONDS = 10;

/** A plain environment value that cannot be a credential: numbers, flags, names. */
const HARMLESS_PLAIN_VALUE = /^(\d{1,10}|true|false|[a-z][a-z-]{0,30}|VendorWebhooks-prod)$/;

let synthesized: SynthesizedStack;
const fn = (name: FunctionName) =>
  propertiesOf(resourceById(synthesized.parsed, FUNCTION_LOGICAL_IDS[name]), FunctionSchema);

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
}, SYNTH_TIMEOUT_MS);

describe('the functions', () => {
  it('are exactly those of FUNCTION_NAMES, under readable logical ids', () => {
    // Act
    const ids = resourcesOfType(synthesized.parsed, 'AWS::Lambda::Function').map(([id]) => id);

    // Assess
    expect(ids.sort()).toEqual(FUNCTION_NAMES.map((name) => FUNCTION_LOGICAL_IDS[name]).sort());
    expect(ids).toContain('IngestSpyneFunction');
    expect(ids).toContain('WorkerFunction');
  });

  it.each(FUNCTION_NAMES)('%s runs nodejs24.x on arm64, bundled as index.handler', (name) => {
    // Act
    const properties = fn(name);

    // Assess
    expect(properties.Runtime).toBe('nodejs24.x');
    expect(properties.Architectures).toEqual(['arm64']);
    expect(properties.Handler).toBe('index.handler');
  });

  it.each(FUNCTION_NAMES)('%s logs JSON to a log group of its own, with retention', (name) => {
    // Prepare
    const logGroupId = `${FUNCTION_LOGICAL_IDS[name]}LogGroup`;
    // Invoked once per webhook, ingest drops Lambda's start and report records; batch functions keep them.
    const systemLogLevel = name.startsWith('ingest-') ? 'WARN' : 'INFO';

    // Act
    const properties = fn(name);
    const logGroup = resourceById(synthesized.parsed, logGroupId);

    // Assess
    expect(properties.LoggingConfig).toEqual({
      LogFormat: 'JSON',
      LogGroup: ref(logGroupId),
      SystemLogLevel: systemLogLevel,
    });
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(30);
  });

  it.each(FUNCTION_NAMES.filter((name) => name.startsWith('ingest-')))(
    '%s counts Accepted from its log line, under the EMF namespace, name and dimensions',
    (name) => {
      // Prepare
      const logicalId = FUNCTION_LOGICAL_IDS[name];

      // Act
      const filter = propertiesOf(
        resourceById(synthesized.parsed, `${logicalId}AcceptedMetricFilter`),
        v.object({
          LogGroupName: v.unknown(),
          FilterPattern: v.string(),
          MetricTransformations: v.array(v.looseObject({})),
        }),
      );

      // Assess
      expect(filter.LogGroupName).toEqual(ref(`${logicalId}LogGroup`));
      expect(filter.FilterPattern).toBe('{ $.outcome = "accepted" }');
      expect(filter.MetricTransformations).toEqual([
        {
          MetricNamespace: fn(name).Environment.Variables.POWERTOOLS_METRICS_NAMESPACE,
          MetricName: 'Accepted',
          MetricValue: '1',
          Unit: 'Count',
          Dimensions: [
            { Key: 'service', Value: '$.service' },
            { Key: 'vendor', Value: '$.vendor' },
          ],
        },
      ]);
    },
  );

  it.each(FUNCTION_NAMES)(
    '%s names itself to Powertools and publishes to one namespace',
    (name) => {
      // Act
      const variables = fn(name).Environment.Variables;

      // Assess
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe(name);
      expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe('VendorWebhooks-prod');
      expect(variables).not.toHaveProperty('AWS_NODEJS_CONNECTION_REUSE_ENABLED');
    },
  );

  it.each(INGEST)('%s answers well inside Image Intelligence’s 10 s', (name) => {
    // Act
    const { Timeout, MemorySize } = fn(name);

    // Assess
    expect(Timeout).toBeLessThanOrEqual(IMAGE_INTELLIGENCE_WAIT_SECONDS - 3);
    expect(MemorySize).toBeGreaterThanOrEqual(512);
  });

  it.each(FUNCTION_NAMES)(
    '%s reserves no concurrency: route throttles and the worker’s mapping bound it instead',
    (name) => {
      // Act
      const { ReservedConcurrentExecutions } = fn(name);

      // Assess
      expect(ReservedConcurrentExecutions).toBeUndefined();
    },
  );

  it('sizes each ingest function with the memory its vendor manifest chose', () => {
    // Act
    const sizes = Object.fromEntries(
      VENDORS.map((vendor) => [vendor, fn(ingestFunctionOf(vendor)).MemorySize]),
    );

    // Assess: the bench's memory curve has its knee at 1024 MB for 100-image Spyne SKUs and at
    // 512 MB for the other vendors' few-image bodies.
    expect(sizes).toEqual(
      Object.fromEntries(
        VENDORS.map((vendor) => [vendor, manifestOf(vendor).deployment.memorySize]),
      ),
    );
    expect(sizes).toEqual({
      spyne: 1024,
      sharinpix: 512,
      'image-intelligence': 512,
      cloudinary: 512,
    });
  });

  it('sizes the worker, the read function and the publisher explicitly', () => {
    // Act
    const worker = fn('worker');
    const read = fn('read');
    const publisher = fn('publisher');

    // Assess
    expect([worker.MemorySize, worker.Timeout]).toEqual([1536, 30]);
    expect([read.MemorySize, read.Timeout]).toEqual([1024, 10]);
    expect([publisher.MemorySize, publisher.Timeout]).toEqual([1024, 60]);
  });
});

describe('function environments', () => {
  it.each(FUNCTION_NAMES)('%s holds no secret: only references and harmless settings', (name) => {
    // Act
    const variables = fn(name).Environment.Variables;

    // Assess
    for (const secretName of [...SECRET_NAMES, CURSOR_SIGNING_KEY_NAME]) {
      expect(variables).not.toHaveProperty(secretName);
    }
    for (const [variable, value] of Object.entries(variables)) {
      const shape =
        typeof value === 'string'
          ? HARMLESS_PLAIN_VALUE.test(value)
          : v.is(v.object({ Ref: v.string() }), value);
      expect({ variable, harmless: shape }).toEqual({ variable, harmless: true });
    }
  });

  it.each([
    ['ingest-spyne', 'SpyneWebhookSecret'],
    ['ingest-sharinpix', 'SharinpixWebhookSecret'],
    ['ingest-image-intelligence', 'ImageIntelligenceWebhookSecret'],
  ] as const)('%s gets the ARN of its own secret, and the two queue URLs', (name, secretId) => {
    // Act
    const variables = fn(name).Environment.Variables;

    // Assess
    expect(variables).toEqual(
      expect.objectContaining({
        WEBHOOK_SECRETS_ARN: ref(secretId),
        QUEUE_URL: ref('WebhookQueue'),
        QUARANTINE_QUEUE_URL: ref('QuarantineQueue'),
        MAX_BODY_BYTES: '1048576',
        SECRETS_CACHE_SECONDS: expect.stringMatching(/^\d+$/),
      }),
    );
  });

  it('gives the worker both tables and its ledger settings', () => {
    // Act
    const worker = fn('worker');

    // Assess
    expect(worker.Environment.Variables).toEqual(
      expect.objectContaining({
        RECORDS_TABLE: ref('RecordsTable'),
        LEDGER_TABLE: ref('LedgerTable'),
        DEDUPE_WINDOW_SECONDS: String(7 * 86_400),
        ARCHIVE_EVENTS: 'true',
        ARCHIVE_RETENTION_SECONDS: String(30 * 86_400),
      }),
    );
  });

  it('gives the read function the records table and the cursor secret’s ARN', () => {
    // Act
    const variables = fn('read').Environment.Variables;

    // Assess
    expect(variables).toEqual(
      expect.objectContaining({
        RECORDS_TABLE: ref('RecordsTable'),
        CURSOR_SECRET_ARN: ref('CursorSigningSecret'),
      }),
    );
    expect(variables).not.toHaveProperty('LEDGER_TABLE');
  });

  it('gives the publisher the bus by name and the records table it counts collections in', () => {
    // Act
    const variables = fn('publisher').Environment.Variables;

    // Assess
    expect(variables).toEqual(
      expect.objectContaining({
        EVENT_BUS_NAME: ref('ChangeEventBus'),
        RECORDS_TABLE: ref('RecordsTable'),
      }),
    );
    expect(variables).not.toHaveProperty('LEDGER_TABLE');
  });
});
