import * as v from 'valibot';
import { STACK_CONFIG_DEFAULTS } from '../../../infra/stack-config';
import {
  propertiesOf,
  resourceById,
  resourcesOfType,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const NamedSchema = v.object({ Name: v.string() });
const AlarmNameSchema = v.object({ AlarmName: v.string() });
const MetricFilterSchema = v.object({
  MetricTransformations: v.array(v.object({ MetricNamespace: v.string() })),
});

/** Every name the stack sets itself (CloudFormation generates the rest from the stack name). */
const explicitNames = (synthesized: SynthesizedStack): readonly string[] => [
  ...resourcesOfType(synthesized.parsed, 'AWS::SecretsManager::Secret').map(
    ([, secret]) => propertiesOf(secret, NamedSchema).Name,
  ),
  ...resourcesOfType(synthesized.parsed, 'AWS::CloudWatch::Alarm').map(
    ([, alarm]) => propertiesOf(alarm, AlarmNameSchema).AlarmName,
  ),
  ...resourcesOfType(synthesized.parsed, 'AWS::Logs::MetricFilter').flatMap(([, filter]) =>
    propertiesOf(filter, MetricFilterSchema).MetricTransformations.map(
      (transformation) => transformation.MetricNamespace,
    ),
  ),
  propertiesOf(resourceById(synthesized.parsed, 'HttpApi'), NamedSchema).Name,
  ...resourcesOfType(synthesized.parsed, 'AWS::Lambda::Function').map(
    ([, fn]) =>
      v.parse(
        v.object({
          Environment: v.object({
            Variables: v.object({ POWERTOOLS_METRICS_NAMESPACE: v.string() }),
          }),
        }),
        fn.Properties,
      ).Environment.Variables.POWERTOOLS_METRICS_NAMESPACE,
  ),
];

const DEV_CONTEXT = {
  stage: 'dev',
  logRetentionDays: '14',
  accessLogRetentionDays: '365',
  throttles: '{"POST /webhooks/spyne":{"rateLimit":80,"burstLimit":160}}',
  alarmThresholds: '{"throttledRequests":5,"invocationSpikePerMinute":1200}',
  customDomainName: 'hooks.example.com',
  customDomainCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
};

let prod: SynthesizedStack;
let dev: SynthesizedStack;

beforeAll(() => {
  prod = synthesizeVendorWebhooks();
  dev = synthesizeVendorWebhooks({ context: DEV_CONTEXT });
}, SYNTH_TIMEOUT_MS);

describe('stages', () => {
  it('name the stack after the stage, prod by default', () => {
    // Act
    const names = [prod.stack.stackName, dev.stack.stackName];

    // Assess
    expect(STACK_CONFIG_DEFAULTS.stage).toBe('prod');
    expect(names).toEqual(['VendorWebhooks-prod', 'VendorWebhooks-dev']);
  });

  it('scope every explicit name to the stage, so two stages share an account without a clash', () => {
    // Act
    const prodNames = explicitNames(prod);
    const devNames = explicitNames(dev);

    // Assess
    expect(prodNames.length).toBeGreaterThanOrEqual(19);
    for (const name of prodNames)
      expect(name).toMatch(/^VendorWebhooks-prod[-/]|^VendorWebhooks-prod$/);
    for (const name of devNames)
      expect(name).toMatch(/^VendorWebhooks-dev[-/]|^VendorWebhooks-dev$/);
    expect(prodNames.filter((name) => devNames.includes(name))).toEqual([]);
  });

  it('name the secrets explicitly, per stage and function', () => {
    // Act
    const names = resourcesOfType(dev.parsed, 'AWS::SecretsManager::Secret')
      .map(([, secret]) => propertiesOf(secret, NamedSchema).Name)
      .sort();

    // Assess
    expect(names).toEqual([
      'VendorWebhooks-dev/ingest-cloudinary',
      'VendorWebhooks-dev/ingest-image-intelligence',
      'VendorWebhooks-dev/ingest-sharinpix',
      'VendorWebhooks-dev/ingest-spyne',
      'VendorWebhooks-dev/read-cursor-signing',
    ]);
  });
});

describe('settings from context', () => {
  it('sets log retention for function logs and access logs separately', () => {
    // Act
    const retention = (parsed: SynthesizedStack) =>
      resourcesOfType(parsed.parsed, 'AWS::Logs::LogGroup')
        .map(([id, group]) => `${id}=${String(group.Properties.RetentionInDays)}`)
        .sort();

    // Assess
    expect(retention(prod)).toEqual([
      'HttpApiAccessLogGroup=90',
      'IngestCloudinaryFunctionLogGroup=30',
      'IngestImageIntelligenceFunctionLogGroup=30',
      'IngestSharinpixFunctionLogGroup=30',
      'IngestSpyneFunctionLogGroup=30',
      'PublisherFunctionLogGroup=30',
      'ReadFunctionLogGroup=30',
      'WorkerFunctionLogGroup=30',
    ]);
    expect(retention(dev)).toEqual([
      'HttpApiAccessLogGroup=365',
      'IngestCloudinaryFunctionLogGroup=14',
      'IngestImageIntelligenceFunctionLogGroup=14',
      'IngestSharinpixFunctionLogGroup=14',
      'IngestSpyneFunctionLogGroup=14',
      'PublisherFunctionLogGroup=14',
      'ReadFunctionLogGroup=14',
      'WorkerFunctionLogGroup=14',
    ]);
  });

  it('overrides one route’s throttle and leaves the others as sized', () => {
    // Act
    const routeSettings = v.parse(
      v.object({ RouteSettings: v.record(v.string(), v.unknown()) }),
      resourceById(dev.parsed, 'HttpApiDefaultStage').Properties,
    ).RouteSettings;

    // Assess
    expect(routeSettings['POST /webhooks/spyne']).toEqual({
      ThrottlingRateLimit: 80,
      ThrottlingBurstLimit: 160,
    });
    expect(routeSettings['POST /webhooks/sharinpix']).toEqual({
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 500,
    });
  });

  it('overrides alarm thresholds', () => {
    // Act
    const threshold = (id: string) =>
      v.parse(v.object({ Threshold: v.number() }), resourceById(dev.parsed, id).Properties)
        .Threshold;

    // Assess
    expect(threshold('ApiThrottledRequestsAlarm')).toBe(5);
    expect(threshold('IngestSpyneFunctionInvocationSpikeAlarm')).toBe(1200);
    expect(threshold('ApiServerErrorRateAlarm')).toBe(5);
  });

  it('adds no custom domain unless asked', () => {
    // Act
    const domains = resourcesOfType(prod.parsed, 'AWS::ApiGatewayV2::DomainName');

    // Assess
    expect(domains).toEqual([]);
    expect(prod.parsed.Outputs).not.toHaveProperty('CustomDomainTarget');
  });

  it('maps a custom domain on TLS 1.2 to the stage, and points the URL outputs at it', () => {
    // Act
    const domain = v.parse(
      v.object({
        DomainName: v.string(),
        DomainNameConfigurations: v.tuple([
          v.object({
            CertificateArn: v.string(),
            EndpointType: v.string(),
            SecurityPolicy: v.string(),
          }),
        ]),
      }),
      resourceById(dev.parsed, 'HttpApiCustomDomain').Properties,
    );
    const mapping = resourceById(dev.parsed, 'HttpApiCustomDomainMapping');

    // Assess
    expect(domain.DomainName).toBe('hooks.example.com');
    expect(domain.DomainNameConfigurations[0]).toEqual({
      CertificateArn: DEV_CONTEXT.customDomainCertificateArn,
      EndpointType: 'REGIONAL',
      SecurityPolicy: 'TLS_1_2',
    });
    expect(mapping.Properties).toEqual({
      ApiId: { Ref: 'HttpApi' },
      DomainName: { Ref: 'HttpApiCustomDomain' },
      Stage: '$default',
    });
    expect(mapping.DependsOn).toEqual(expect.arrayContaining(['HttpApiDefaultStage']));
    expect(dev.parsed.Outputs.SpyneWebhookUrl?.Value).toBe(
      'https://hooks.example.com/webhooks/spyne',
    );
    expect(dev.parsed.Outputs.CustomDomainTarget?.Value).toEqual({
      'Fn::GetAtt': ['HttpApiCustomDomain', 'RegionalDomainName'],
    });
  });
});
