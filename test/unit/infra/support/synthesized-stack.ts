import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as v from 'valibot';
import { buildVendorWebhooksApp } from '../../../../infra/vendor-webhooks-app';
import type { VendorWebhooksStack } from '../../../../infra/vendor-webhooks-stack';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Synthesis (with bundling) takes seconds; hooks that synthesize get this much time. */
export const SYNTH_TIMEOUT_MS = 180_000;

const CdkJsonSchema = v.object({
  context: v.optional(v.record(v.string(), v.unknown()), {}),
});

/** The feature flags of `cdk.json`, so the tests synthesize what `cdk synth` synthesizes. */
const cdkJsonContext = (): Record<string, unknown> =>
  v.parse(CdkJsonSchema, JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')))
    .context;

/** How to synthesize: bundling on or off, and extra app context. */
export interface SynthesizeOptions {
  /**
   * Run esbuild for the five functions. Off by default: the template is identical apart from
   * asset hashes, and bundling five functions costs seconds per test file. `bundling.test.ts`
   * bundles for real, and `npm test` runs `cdk synth` as well.
   */
  readonly bundle?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * Run cfn-guard too. Off by default: it is an external binary taking seconds per synth, and
   * only `guard-exemptions.test.ts` checks its findings; `npm test` runs `cdk synth`, with it.
   */
  readonly guard?: boolean;
}

/** The synthesized app, its stack, and the template both as assertions and as parsed data. */
export interface SynthesizedStack {
  readonly app: App;
  readonly stack: VendorWebhooksStack;
  readonly template: Template;
  readonly assemblyDirectory: string;
  readonly parsed: ParsedTemplate;
}

/** Builds the app as `infra/app.ts` does (cdk-nag included, cfn-guard on request) and synthesizes it. */
export const synthesizeVendorWebhooks = (options: SynthesizeOptions = {}): SynthesizedStack => {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      ...(options.bundle === true ? {} : { [cxapi.BUNDLING_STACKS]: [] }),
      ...options.context,
    },
  });
  const stack = buildVendorWebhooksApp(app, { guard: options.guard ?? false });
  const assembly = app.synth();
  const json: unknown = assembly.getStackByName(stack.stackName).template;
  return {
    app,
    stack,
    template: Template.fromJSON(v.parse(v.record(v.string(), v.unknown()), json)),
    assemblyDirectory: assembly.directory,
    parsed: v.parse(TemplateSchema, json),
  };
};

const ResourceSchema = v.object({
  Type: v.string(),
  Properties: v.optional(v.record(v.string(), v.unknown()), {}),
  Metadata: v.optional(v.record(v.string(), v.unknown()), {}),
  DependsOn: v.optional(v.union([v.string(), v.array(v.string())])),
  DeletionPolicy: v.optional(v.string()),
  UpdateReplacePolicy: v.optional(v.string()),
});
/** One resource of the template, parsed loosely; tests parse its properties further. */
export type TemplateResource = v.InferOutput<typeof ResourceSchema>;

const TemplateSchema = v.object({
  Resources: v.record(v.string(), ResourceSchema),
  Outputs: v.optional(
    v.record(v.string(), v.object({ Value: v.unknown(), Description: v.optional(v.string()) })),
    {},
  ),
});
/** The template's resources and outputs, parsed (never cast) from the assembly JSON. */
export type ParsedTemplate = v.InferOutput<typeof TemplateSchema>;

/** The resources of one CloudFormation type, by logical id. */
export const resourcesOfType = (
  template: ParsedTemplate,
  type: string,
): ReadonlyArray<readonly [string, TemplateResource]> =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** One resource by logical id, failing the test when it is missing. */
export const resourceById = (template: ParsedTemplate, logicalId: string): TemplateResource => {
  const resource = template.Resources[logicalId];
  if (resource === undefined) throw new Error(`no resource ${logicalId} in the template`);
  return resource;
};

/** Parses a resource's properties with a schema, failing the test with valibot's message. */
export const propertiesOf = <TSchema extends v.GenericSchema>(
  resource: TemplateResource,
  schema: TSchema,
): v.InferOutput<TSchema> => v.parse(schema, resource.Properties);

/** `{ Ref: id }`, as CloudFormation writes a reference. */
export const ref = (logicalId: string) => ({ Ref: logicalId });

/** `{ 'Fn::GetAtt': [id, attribute] }`. */
export const getAtt = (logicalId: string, attribute: string) => ({
  'Fn::GetAtt': [logicalId, attribute],
});
