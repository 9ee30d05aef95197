import { App } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as v from 'valibot';
import { buildVendorWebhooksApp } from '../../../infra/vendor-webhooks-app';
import {
  resourcesOfType,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const NagMetadataSchema = v.object({
  cdk_nag: v.object({
    rules_to_suppress: v.array(v.object({ id: v.string(), reason: v.string() })),
  }),
});

const RouteKeySchema = v.object({ RouteKey: v.string() });

/** Every resource-level acknowledgment the stack makes: logical id (or route key) → rule ids. */
const EXPECTED_ACKNOWLEDGMENTS: Readonly<Record<string, readonly string[]>> = {
  'POST /webhooks/spyne': ['AwsSolutions-APIG4'],
  'POST /webhooks/sharinpix': ['AwsSolutions-APIG4'],
  'POST /webhooks/image-intelligence': ['AwsSolutions-APIG4'],
  'POST /webhooks/cloudinary': ['AwsSolutions-APIG4'],
  IngestSpyneFunction: ['AwsSolutions-L1'],
  IngestSharinpixFunction: ['AwsSolutions-L1'],
  IngestImageIntelligenceFunction: ['AwsSolutions-L1'],
  IngestCloudinaryFunction: ['AwsSolutions-L1'],
  WorkerFunction: ['AwsSolutions-L1'],
  ReadFunction: ['AwsSolutions-L1'],
  PublisherFunction: ['AwsSolutions-L1'],
  QuarantineQueue: ['AwsSolutions-SQS3'],
  ChangeStreamFailureQueue: ['AwsSolutions-SQS3'],
  SpyneWebhookSecret: ['AwsSolutions-SMG4'],
  SharinpixWebhookSecret: ['AwsSolutions-SMG4'],
  ImageIntelligenceWebhookSecret: ['AwsSolutions-SMG4'],
  CloudinaryWebhookSecret: ['AwsSolutions-SMG4'],
  CursorSigningSecret: ['AwsSolutions-SMG4'],
};

let synthesized: SynthesizedStack;

/** Whether an audit entry is an AwsSolutions rule (the pack also lists cfn-guard's exemptions). */
const isNagRule = (rule: { id: string }): boolean => rule.id.startsWith('AwsSolutions-');

/** The `cdk_nag` audit metadata the pack writes into the template, by readable resource name. */
const acknowledgments = (): ReadonlyMap<string, readonly { id: string; reason: string }[]> => {
  const found = new Map<string, readonly { id: string; reason: string }[]>();
  for (const [logicalId, resource] of Object.entries(synthesized.parsed.Resources)) {
    const metadata = v.safeParse(NagMetadataSchema, resource.Metadata);
    if (!metadata.success) continue;
    const rules = metadata.output.cdk_nag.rules_to_suppress.filter(isNagRule);
    if (rules.length === 0) continue;
    const routeKey = v.safeParse(RouteKeySchema, resource.Properties);
    const name =
      resource.Type === 'AWS::ApiGatewayV2::Route' && routeKey.success
        ? routeKey.output.RouteKey
        : logicalId;
    found.set(name, rules);
  }
  return found;
};

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
}, SYNTH_TIMEOUT_MS);

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding on the stack', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(synthesized.app);

    // Assess
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges exactly the expected findings, each on its own resource', () => {
    // Act
    const byResource = Object.fromEntries(
      [...acknowledgments()].map(([name, rules]) => [name, rules.map((rule) => rule.id)]),
    );

    // Assess
    expect(byResource).toEqual(EXPECTED_ACKNOWLEDGMENTS);
  });

  it('gives every acknowledgment a real reason', () => {
    // Act
    const reasons = [...acknowledgments().values()].flat().map((rule) => rule.reason);

    // Assess
    expect(reasons).toHaveLength(18);
    for (const reason of reasons) expect(reason.length).toBeGreaterThanOrEqual(100);
  });

  it('leaves the event source mapping, queue policies and permissions unacknowledged', () => {
    // Act
    const acknowledgedTypes = new Set(
      Object.values(synthesized.parsed.Resources)
        .filter((resource) => {
          const metadata = v.safeParse(NagMetadataSchema, resource.Metadata);
          return metadata.success && metadata.output.cdk_nag.rules_to_suppress.some(isNagRule);
        })
        .map((resource) => resource.Type),
    );

    // Assess
    expect([...acknowledgedTypes].sort()).toEqual([
      'AWS::ApiGatewayV2::Route',
      'AWS::Lambda::Function',
      'AWS::SQS::Queue',
      'AWS::SecretsManager::Secret',
    ]);
    expect(resourcesOfType(synthesized.parsed, 'AWS::Lambda::EventSourceMapping')).toHaveLength(2);
  });

  it(
    'fails the synth of the app when a new resource breaks a rule',
    () => {
      // Prepare
      const app = new App({ context: { [cxapi.BUNDLING_STACKS]: [] } });
      const stack = buildVendorWebhooksApp(app, { guard: false });
      new sqs.Queue(stack, 'UnencryptedScratchQueue', {
        encryption: sqs.QueueEncryption.UNENCRYPTED,
      });

      // Act
      const synthesize = () => app.synth();

      // Assess
      expect(synthesize).toThrow(/AwsSolutions-SQS/);
    },
    SYNTH_TIMEOUT_MS,
  );
});
