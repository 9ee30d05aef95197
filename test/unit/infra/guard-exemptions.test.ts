import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as v from 'valibot';
import { GUARD_EXEMPTIONS, GUARD_RULE_NAMESPACE } from '../../../infra/guard-exemptions';
import { buildVendorWebhooksApp } from '../../../infra/vendor-webhooks-app';
import {
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

/** The audit entries CDK's acknowledgments leave in the template (cdk-nag writes them). */
const AuditMetadataSchema = v.object({
  cdk_nag: v.object({
    rules_to_suppress: v.array(v.object({ id: v.string(), reason: v.string() })),
  }),
});

const ReportSchema = v.object({
  pluginReports: v.array(
    v.object({
      pluginName: v.string(),
      conclusion: v.string(),
      violations: v.array(v.unknown()),
      suppressedViolations: v.optional(v.array(v.object({ ruleName: v.string() })), []),
    }),
  ),
});

const rule = (name: keyof typeof GUARD_EXEMPTIONS): string => GUARD_EXEMPTIONS[name].rule;
const LOG_GROUP_RULES = [rule('logRetentionUnderAYear'), rule('logGroupsWithServiceEncryption')];

/** Every resource exempted from a Control Tower rule, and from which: reviewed, not derived. */
const EXPECTED_EXEMPTIONS: Readonly<Record<string, readonly string[]>> = {
  'POST /webhooks/spyne': [rule('webhookRouteWithoutGatewayAuth')],
  'POST /webhooks/sharinpix': [rule('webhookRouteWithoutGatewayAuth')],
  'POST /webhooks/image-intelligence': [rule('webhookRouteWithoutGatewayAuth')],
  'POST /webhooks/cloudinary': [rule('webhookRouteWithoutGatewayAuth')],
  'POST /webhooks/spyne permission': [rule('apiInvokePermissionScopedBySourceArn')],
  'POST /webhooks/sharinpix permission': [rule('apiInvokePermissionScopedBySourceArn')],
  'POST /webhooks/image-intelligence permission': [rule('apiInvokePermissionScopedBySourceArn')],
  'POST /webhooks/cloudinary permission': [rule('apiInvokePermissionScopedBySourceArn')],
  'GET /images/{vendor}/{imageId} permission': [rule('apiInvokePermissionScopedBySourceArn')],
  'GET /images permission': [rule('apiInvokePermissionScopedBySourceArn')],
  HttpApiAccessLogGroup: LOG_GROUP_RULES,
  IngestSpyneFunctionLogGroup: LOG_GROUP_RULES,
  IngestSharinpixFunctionLogGroup: LOG_GROUP_RULES,
  IngestImageIntelligenceFunctionLogGroup: LOG_GROUP_RULES,
  IngestCloudinaryFunctionLogGroup: LOG_GROUP_RULES,
  WorkerFunctionLogGroup: LOG_GROUP_RULES,
  ReadFunctionLogGroup: LOG_GROUP_RULES,
  PublisherFunctionLogGroup: LOG_GROUP_RULES,
  IngestSpyneFunction: [rule('functionsOutsideVpc')],
  IngestSharinpixFunction: [rule('functionsOutsideVpc')],
  IngestImageIntelligenceFunction: [rule('functionsOutsideVpc')],
  IngestCloudinaryFunction: [rule('functionsOutsideVpc')],
  WorkerFunction: [rule('functionsOutsideVpc')],
  ReadFunction: [rule('functionsOutsideVpc')],
  PublisherFunction: [rule('functionsOutsideVpc')],
  WebhookDeadLetterQueue: [rule('parkingQueueWithoutDeadLetterQueue')],
  QuarantineQueue: [rule('parkingQueueWithoutDeadLetterQueue')],
  ChangeStreamFailureQueue: [rule('parkingQueueWithoutDeadLetterQueue')],
};

/** Route resources and their invoke permissions carry hashed ids; name them by route key. */
const readableName = (synthesized: SynthesizedStack, logicalId: string): string => {
  const routes = Object.entries(synthesized.parsed.Resources).filter(
    ([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Route',
  );
  for (const [routeId, route] of routes) {
    const routeKey = v.parse(v.object({ RouteKey: v.string() }), route.Properties).RouteKey;
    if (logicalId === routeId) return routeKey;
    if (logicalId.startsWith(routeId.slice(0, -8)) && logicalId.includes('Permission')) {
      return `${routeKey} permission`;
    }
  }
  return logicalId;
};

const guardExemptions = (
  synthesized: SynthesizedStack,
): ReadonlyMap<string, readonly { id: string; reason: string }[]> => {
  const prefix = `${GUARD_RULE_NAMESPACE}::`;
  const found = new Map<string, readonly { id: string; reason: string }[]>();
  for (const [logicalId, resource] of Object.entries(synthesized.parsed.Resources)) {
    const metadata = v.safeParse(AuditMetadataSchema, resource.Metadata);
    if (!metadata.success) continue;
    const rules = metadata.output.cdk_nag.rules_to_suppress
      .filter((entry) => entry.id.startsWith(prefix))
      .map((entry) => ({ id: entry.id.slice(prefix.length), reason: entry.reason }));
    if (rules.length > 0) found.set(readableName(synthesized, logicalId), rules);
  }
  return found;
};

let synthesized: SynthesizedStack;

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks({ guard: true });
}, SYNTH_TIMEOUT_MS);

describe('cfn-guard Control Tower rules', () => {
  it('pass on the stack: every finding is exempted on its resource, none is left', () => {
    // Act
    const report = v.parse(
      ReportSchema,
      JSON.parse(
        fs.readFileSync(path.join(synthesized.assemblyDirectory, 'validation-report.json'), 'utf8'),
      ),
    );
    const guard = report.pluginReports.find((plugin) => plugin.pluginName === GUARD_RULE_NAMESPACE);

    // Assess
    expect(guard?.conclusion).toBe('success');
    expect(guard?.violations).toEqual([]);
    // Each exemption is in use: no stale reason hides nothing.
    expect(new Set(guard?.suppressedViolations.map((violation) => violation.ruleName))).toEqual(
      new Set(Object.values(GUARD_EXEMPTIONS).map((exemption) => exemption.rule)),
    );
  });

  it('exempts exactly the expected resources, each from its own rules', () => {
    // Act
    const byResource = Object.fromEntries(
      [...guardExemptions(synthesized)].map(([name, rules]) => [name, rules.map((r) => r.id)]),
    );

    // Assess
    expect(byResource).toEqual(EXPECTED_EXEMPTIONS);
  });

  it('gives every exemption its control and a real reason', () => {
    // Act
    const reasons = [...guardExemptions(synthesized).values()].flat();

    // Assess
    expect(reasons).toHaveLength(36);
    for (const { id, reason } of reasons) {
      const exemption = Object.values(GUARD_EXEMPTIONS).find((entry) => entry.rule === id);
      expect(reason.startsWith(`${exemption?.control ?? 'unknown'}: `)).toBe(true);
      expect(reason.length).toBeGreaterThanOrEqual(150);
    }
  });

  it(
    'fails the synth when a new resource breaks a rule, even one exempted elsewhere',
    () => {
      // Prepare
      const app = new App({ context: { [cxapi.BUNDLING_STACKS]: [] } });
      const stack = buildVendorWebhooksApp(app);
      new logs.LogGroup(stack, 'ScratchLogGroup', { retention: logs.RetentionDays.ONE_WEEK });

      // Act
      const synthesize = () => app.synth();

      // Assess
      expect(synthesize).toThrow(/CT\.CLOUDWATCH\.PR\.2[\s\S]*ScratchLogGroup/);
      const report = v.parse(
        ReportSchema,
        JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')),
      );
      const guard = report.pluginReports.find(
        (plugin) => plugin.pluginName === GUARD_RULE_NAMESPACE,
      );
      expect(guard?.conclusion).toBe('failure');
      expect(JSON.stringify(guard?.violations)).toContain('ScratchLogGroup');
      // The resources exempted from the same rule stay exempted.
      expect(JSON.stringify(guard?.violations)).not.toContain('WorkerFunctionLogGroup');
    },
    SYNTH_TIMEOUT_MS,
  );
});
