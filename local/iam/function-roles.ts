import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as v from 'valibot';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes';
import { LocalStackError } from '../stack/local-stack-error';

/** The repository root, where `cdk.json`, `infra/` and `shared/` live. */
const ROOT = join(__dirname, '..', '..');

/** Where synthesized roles are kept between runs, keyed by the hash of what they derive from. */
export const ROLES_CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'local-iam');

/** The folders and files the synthesized roles and environments can depend on. */
const SOURCES = ['infra', 'shared', 'cdk.json', 'package-lock.json'];

/** One IAM statement as CloudFormation holds it: resources may still be intrinsic functions. */
const TemplateStatementSchema = v.object({
  Sid: v.optional(v.string()),
  Effect: v.picklist(['Allow', 'Deny']),
  Action: v.union([v.string(), v.array(v.string())]),
  Resource: v.union([v.unknown(), v.array(v.unknown())]),
  Condition: v.optional(v.record(v.string(), v.record(v.string(), v.unknown()))),
});
export type TemplateStatement = v.InferOutput<typeof TemplateStatementSchema>;

/** What one function is, as the template says: its role's statements and its environment. */
const FunctionRoleSchema = v.object({
  logicalId: v.string(),
  roleLogicalId: v.string(),
  statements: v.array(TemplateStatementSchema),
  /** Environment variables as in the template: strings or intrinsic functions. */
  environment: v.record(v.string(), v.unknown()),
  /**
   * The `EventSourceArn` of each event source mapping that invokes the function, as in the
   * template: the mapping polls its source with the function's role.
   */
  eventSources: v.array(v.unknown()),
});
export type FunctionRole = v.InferOutput<typeof FunctionRoleSchema>;

const FunctionRolesSchema = v.object({
  /** Resource types by logical id, to resolve `Ref` and `Fn::GetAtt` per type. */
  resourceTypes: v.record(v.string(), v.string()),
  functions: v.object(
    Object.fromEntries(FUNCTION_NAMES.map((name) => [name, FunctionRoleSchema])) as Record<
      FunctionName,
      typeof FunctionRoleSchema
    >,
  ),
});
/** Every function's role and environment, and the template's resource types. */
export type FunctionRoles = v.InferOutput<typeof FunctionRolesSchema>;

const ResourceSchema = v.object({
  Type: v.string(),
  Properties: v.optional(v.record(v.string(), v.unknown()), {}),
});
const TemplateSchema = v.object({ Resources: v.record(v.string(), ResourceSchema) });
const LambdaPropertiesSchema = v.object({
  Role: v.object({ 'Fn::GetAtt': v.tuple([v.string(), v.literal('Arn')]) }),
  Environment: v.optional(v.object({ Variables: v.record(v.string(), v.unknown()) }), {
    Variables: {},
  }),
});
const EventSourceMappingPropertiesSchema = v.object({
  FunctionName: v.unknown(),
  EventSourceArn: v.unknown(),
});
const PolicyPropertiesSchema = v.object({
  Roles: v.array(v.object({ Ref: v.string() })),
  PolicyDocument: v.object({ Statement: v.array(TemplateStatementSchema) }),
});
const CdkJsonSchema = v.object({ context: v.optional(v.record(v.string(), v.unknown()), {}) });

const filesUnder = (path: string): string[] => {
  try {
    return readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? filesUnder(join(path, entry.name))
        : entry.isFile()
          ? [join(path, entry.name)]
          : [],
    );
  } catch {
    return [path];
  }
};

/**
 * A hash of every file under `sources` (folders and files relative to `root`); by default the
 * sources the roles derive from, so editing a grant in `infra/` changes it.
 */
export const sourcesHash = (root: string = ROOT, sources: readonly string[] = SOURCES): string => {
  const hash = createHash('sha256');
  for (const file of sources.flatMap((source) => filesUnder(join(root, source))).sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 32);
};

/**
 * Reads each function's role and environment out of a synthesized template, exactly as
 * CloudFormation would create them. Pure: the template in, the roles out.
 */
export const functionRolesOf = (
  template: unknown,
  logicalIds: Readonly<Record<FunctionName, string>>,
): FunctionRoles => {
  const { Resources } = v.parse(TemplateSchema, template);
  const resourceTypes = Object.fromEntries(
    Object.entries(Resources).map(([id, resource]) => [id, resource.Type]),
  );
  const policies = Object.values(Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .map((resource) => v.parse(PolicyPropertiesSchema, resource.Properties));
  const mappings = Object.values(Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping')
    .map((resource) => v.parse(EventSourceMappingPropertiesSchema, resource.Properties));
  const namesFunction = (value: unknown, logicalId: string): boolean =>
    typeof value === 'object' && value !== null && 'Ref' in value && value.Ref === logicalId;
  const functionRole = (name: FunctionName): FunctionRole => {
    const logicalId = logicalIds[name];
    const resource = Resources[logicalId];
    if (resource?.Type !== 'AWS::Lambda::Function') {
      throw new LocalStackError(`the template has no Lambda function ${logicalId} (${name})`);
    }
    const properties = v.parse(LambdaPropertiesSchema, resource.Properties);
    const roleLogicalId = properties.Role['Fn::GetAtt'][0];
    return {
      logicalId,
      roleLogicalId,
      statements: policies
        .filter((policy) => policy.Roles.some((role) => role.Ref === roleLogicalId))
        .flatMap((policy) => policy.PolicyDocument.Statement),
      environment: properties.Environment.Variables,
      eventSources: mappings
        .filter((mapping) => namesFunction(mapping.FunctionName, logicalId))
        .map((mapping) => mapping.EventSourceArn),
    };
  };
  return {
    resourceTypes,
    functions: Object.fromEntries(
      FUNCTION_NAMES.map((name) => [name, functionRole(name)]),
    ) as FunctionRoles['functions'],
  };
};

/**
 * Synthesizes the CDK app in this process, with asset bundling skipped (the template is the same
 * apart from asset hashes, and esbuild for five functions would cost seconds), into a temporary
 * folder of this process, and reads the roles from the template.
 */
const synthesizeFunctionRoles = async (): Promise<FunctionRoles> => {
  // Imported here, not at the top: aws-cdk-lib costs a second to load and a cache hit never needs it.
  const [{ App }, cxapi, { buildVendorWebhooksApp }, { FUNCTION_LOGICAL_IDS }] = await Promise.all([
    import('aws-cdk-lib'),
    import('aws-cdk-lib/cx-api'),
    import('../../infra/vendor-webhooks-app'),
    import('../../infra/constructs/pipeline-functions'),
  ]);
  const cdkJson = v.parse(
    CdkJsonSchema,
    JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as unknown,
  );
  const outdir = mkdtempSync(join(tmpdir(), `local-iam-${process.pid}-`));
  // CDK's built-in template validation (cfn-lint compiled to wasm) costs about 20 s and never
  // changes a role; `cdk synth` and the tests run it. CDK reads only this variable to skip it.
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const app = new App({
      outdir,
      context: { ...cdkJson.context, [cxapi.BUNDLING_STACKS]: [] },
    });
    const stack = buildVendorWebhooksApp(app, { validate: false });
    const template: unknown = app.synth().getStackByName(stack.stackName).template;
    return functionRolesOf(template, FUNCTION_LOGICAL_IDS);
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
    rmSync(outdir, { recursive: true, force: true });
  }
};

/** How the roles were obtained, for the start log. */
export interface LoadedRoles {
  readonly roles: FunctionRoles;
  readonly fromCache: boolean;
  readonly ms: number;
}

/**
 * Each function's role as the CDK app synthesizes it now. Cached by a hash of `infra/`, `shared/`,
 * `cdk.json` and the lockfile, so a changed grant is picked up on the next start and an unchanged
 * tree costs a file read instead of a synthesis.
 */
export const loadFunctionRoles = async (): Promise<LoadedRoles> => {
  const startedAt = Date.now();
  const cacheFile = join(ROLES_CACHE_DIR, `roles-${sourcesHash()}.json`);
  try {
    const cached = v.safeParse(
      FunctionRolesSchema,
      JSON.parse(readFileSync(cacheFile, 'utf8')) as unknown,
    );
    if (cached.success) {
      return { roles: cached.output, fromCache: true, ms: Date.now() - startedAt };
    }
  } catch {
    // No cache yet: synthesize below.
  }
  const roles = await synthesizeFunctionRoles();
  try {
    mkdirSync(ROLES_CACHE_DIR, { recursive: true });
    // Written whole under a unique name, then renamed: concurrent starts never read half a file.
    const partial = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(roles));
    renameSync(partial, cacheFile);
  } catch {
    // A read-only tree still works, only without the cache.
  }
  return { roles, fromCache: false, ms: Date.now() - startedAt };
};
