import * as v from 'valibot';
import { FUNCTION_LOGICAL_IDS } from '../../../infra/constructs/pipeline-functions';
import { FUNCTION_NAMES, type FunctionName } from '../../../shared/http/routes';
import {
  getAtt,
  propertiesOf,
  ref,
  resourcesOfType,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const StatementSchema = v.object({
  Effect: v.string(),
  Action: v.union([v.string(), v.array(v.string())]),
  Resource: v.union([v.unknown(), v.array(v.unknown())]),
  Sid: v.optional(v.string()),
  Condition: v.optional(v.unknown()),
});
type Statement = v.InferOutput<typeof StatementSchema>;

const PolicySchema = v.object({
  Roles: v.array(v.object({ Ref: v.string() })),
  PolicyDocument: v.object({ Statement: v.array(StatementSchema) }),
});

const RoleSchema = v.object({
  AssumeRolePolicyDocument: v.object({ Statement: v.array(v.unknown()) }),
  ManagedPolicyArns: v.optional(v.array(v.unknown())),
  Policies: v.optional(v.array(v.unknown())),
});

/** A statement reduced to what it grants: sorted actions on sorted resources. */
interface Grant {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

const asList = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : [value]);

const grantOf = (statement: Statement): Grant => ({
  actions: asList(statement.Action).map(String).sort(),
  resources: asList(statement.Resource)
    .map((resource) => JSON.stringify(resource))
    .sort(),
});

const grant = (actions: readonly string[], resources: readonly unknown[]): Grant => ({
  actions: [...actions].sort(),
  resources: resources.map((resource) => JSON.stringify(resource)).sort(),
});

const recordsIndexArn = {
  'Fn::Join': ['', [getAtt('RecordsTable', 'Arn'), '/index/byCollection']],
};

const logGrant = (name: FunctionName) =>
  grant(
    ['logs:CreateLogStream', 'logs:PutLogEvents'],
    [getAtt(`${FUNCTION_LOGICAL_IDS[name]}LogGroup`, 'Arn')],
  );

const ingestGrants = (name: FunctionName, secretId: string): readonly Grant[] => [
  logGrant(name),
  grant(['sqs:SendMessage'], [getAtt('WebhookQueue', 'Arn'), getAtt('QuarantineQueue', 'Arn')]),
  grant(['secretsmanager:GetSecretValue'], [ref(secretId)]),
];

/** Everything each function's role may do, and nothing more. */
const EXPECTED_GRANTS: Readonly<Record<FunctionName, readonly Grant[]>> = {
  'ingest-spyne': ingestGrants('ingest-spyne', 'SpyneWebhookSecret'),
  'ingest-sharinpix': ingestGrants('ingest-sharinpix', 'SharinpixWebhookSecret'),
  'ingest-image-intelligence': ingestGrants(
    'ingest-image-intelligence',
    'ImageIntelligenceWebhookSecret',
  ),
  'ingest-cloudinary': ingestGrants('ingest-cloudinary', 'CloudinaryWebhookSecret'),
  worker: [
    logGrant('worker'),
    grant(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      [getAtt('RecordsTable', 'Arn')],
    ),
    grant(
      ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [getAtt('LedgerTable', 'Arn')],
    ),
    grant(
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      [getAtt('WebhookQueue', 'Arn')],
    ),
  ],
  read: [
    logGrant('read'),
    grant(['dynamodb:GetItem'], [getAtt('RecordsTable', 'Arn')]),
    grant(['dynamodb:Query'], [recordsIndexArn]),
    grant(['secretsmanager:GetSecretValue'], [ref('CursorSigningSecret')]),
  ],
  publisher: [
    logGrant('publisher'),
    grant(
      ['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'],
      [getAtt('RecordsTable', 'StreamArn')],
    ),
    grant(['dynamodb:Query'], [recordsIndexArn]),
    grant(['events:PutEvents'], [getAtt('ChangeEventBus', 'Arn')]),
    grant(['sqs:SendMessage'], [getAtt('ChangeStreamFailureQueue', 'Arn')]),
  ],
};

const sortGrants = (grants: readonly Grant[]): readonly Grant[] =>
  [...grants].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

let synthesized: SynthesizedStack;
const identityStatements = (): readonly (readonly [string, Statement])[] =>
  resourcesOfType(synthesized.parsed, 'AWS::IAM::Policy').flatMap(([, resource]) => {
    const policy = propertiesOf(resource, PolicySchema);
    return policy.Roles.flatMap((role) =>
      policy.PolicyDocument.Statement.map((statement) => [role.Ref, statement] as const),
    );
  });

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
}, SYNTH_TIMEOUT_MS);

describe('IAM statements', () => {
  it('name service-specific actions only: no "*" and no "service:*"', () => {
    // Act
    const actions = identityStatements().flatMap(([, statement]) => asList(statement.Action));

    // Assess
    expect(actions.length).toBeGreaterThan(10);
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
  });

  it('allow only, on named resources: no "*" resource anywhere', () => {
    // Act
    const statements = identityStatements().map(([, statement]) => statement);

    // Assess
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
  });

  it.each(FUNCTION_NAMES)('give %s exactly the grants it needs, on its own resources', (name) => {
    // Prepare
    const roleId = `${FUNCTION_LOGICAL_IDS[name]}Role`;

    // Act
    const grants = identityStatements()
      .filter(([role]) => role === roleId)
      .map(([, statement]) => grantOf(statement));

    // Assess
    expect(sortGrants(grants)).toEqual(sortGrants(EXPECTED_GRANTS[name]));
  });

  it('attach to the function roles only', () => {
    // Act
    const roles = new Set(identityStatements().map(([role]) => role));

    // Assess
    expect([...roles].sort()).toEqual(
      FUNCTION_NAMES.map((name) => `${FUNCTION_LOGICAL_IDS[name]}Role`).sort(),
    );
  });
});

describe('function roles', () => {
  it.each(FUNCTION_NAMES)('%s has no managed or inline policy and trusts Lambda only', (name) => {
    // Prepare
    const [entry] = resourcesOfType(synthesized.parsed, 'AWS::IAM::Role').filter(
      ([id]) => id === `${FUNCTION_LOGICAL_IDS[name]}Role`,
    );
    if (entry === undefined) throw new Error(`no role for ${name}`);

    // Act
    const role = propertiesOf(entry[1], RoleSchema);

    // Assess
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });
});
