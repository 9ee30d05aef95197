import { authorize, roleArnOf } from '../../../local/iam/iam-evaluator';
import { type FunctionRoles, loadFunctionRoles } from '../../../local/iam/function-roles';
import {
  type LocalStatement,
  localResourcesOf,
  localStatementsOf,
} from '../../../local/iam/template-bindings';
import type { FunctionName } from '../../../shared/http/routes';

const SCOPE = { region: 'us-east-1', accountId: '123456789012' };
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table';
const LOCAL_ENVIRONMENT = {
  RECORDS_TABLE: 'records-local',
  LEDGER_TABLE: 'ledger-local',
  QUEUE_URL: 'http://127.0.0.1:9324/123456789012/events-local',
  QUARANTINE_QUEUE_URL: 'http://127.0.0.1:9324/123456789012/quarantine-local',
  EVENT_BUS_NAME: 'changes-local',
};
const STREAM_ARN = `${TABLE_ARN}/records-local/stream/2026-12-01T00:00:00.000`;
const BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/changes-local';

/** Synthesizing the app in process takes seconds on a busy machine; later loads hit the cache. */
const SYNTH_TIMEOUT_MS = 180_000;

let roles: FunctionRoles;
beforeAll(async () => {
  roles = (await loadFunctionRoles()).roles;
}, SYNTH_TIMEOUT_MS);

const statementsOf = (name: FunctionName): readonly LocalStatement[] => {
  const role = roles.functions[name];
  return localStatementsOf(
    role,
    localResourcesOf(
      role,
      LOCAL_ENVIRONMENT,
      roles.resourceTypes,
      SCOPE,
      name === 'publisher'
        ? [{ ref: 'records-local', arn: `${TABLE_ARN}/records-local`, streamArn: STREAM_ARN }]
        : [],
    ),
    SCOPE,
  );
};

const decide = async (name: FunctionName, action: string, resource: string) =>
  (await authorize(statementsOf(name), roleArnOf(name, SCOPE), { action, resource }, SCOPE)).result;

describe('roles read from the CDK app synthesized in process', () => {
  it('map template resources to local ARNs through the function environment', () => {
    // Prepare
    const worker = roles.functions.worker;

    // Act
    const resources = localResourcesOf(worker, LOCAL_ENVIRONMENT, roles.resourceTypes, SCOPE);

    // Assess
    expect(worker.environment.RECORDS_TABLE).toEqual({ Ref: expect.any(String) as string });
    expect([...resources.values()].map((resource) => resource.arn).sort()).toEqual([
      `${TABLE_ARN}/ledger-local`,
      `${TABLE_ARN}/records-local`,
    ]);
  });

  it("resolve the queue the worker's event source mapping polls to the queue the local feed polls", () => {
    // Prepare
    const worker = roles.functions.worker;
    const feedQueue = {
      ref: 'http://127.0.0.1:9324/123456789012/events-local',
      arn: 'arn:aws:sqs:us-east-1:123456789012:events-local',
    };

    // Act
    const polling = localStatementsOf(
      worker,
      localResourcesOf(worker, LOCAL_ENVIRONMENT, roles.resourceTypes, SCOPE, [feedQueue]),
      SCOPE,
    ).find((statement) => statement.actions.includes('sqs:ReceiveMessage'));
    const withoutFeed = statementsOf('worker').find((statement) =>
      statement.actions.includes('sqs:ReceiveMessage'),
    );

    // Assess
    expect(worker.eventSources).toHaveLength(1);
    expect([...(polling?.actions ?? [])].sort()).toEqual([
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    expect(polling?.resources).toEqual([feedQueue.arn]);
    expect(polling?.unmapped).toEqual([]);
    expect(withoutFeed?.resources).toEqual([]);
    expect(roles.functions.read.eventSources).toEqual([]);
  });

  it('refuse local event sources that do not match the mappings in the template', () => {
    // Prepare
    const read = roles.functions.read;
    const queue = { ref: 'http://127.0.0.1:9324/123456789012/q', arn: 'arn:aws:sqs:us-east-1:1:q' };

    // Act
    const resolve = () =>
      localResourcesOf(read, LOCAL_ENVIRONMENT, roles.resourceTypes, SCOPE, [queue]);

    // Assess
    expect(resolve).toThrow('ReadFunction has 0 event source mapping(s) in the template');
  });

  it('leave resources with no local counterpart (log groups) unmapped instead of guessing', () => {
    // Act
    const logStatement = statementsOf('worker').find((statement) =>
      statement.actions.includes('logs:PutLogEvents'),
    );

    // Assess
    expect(logStatement?.resources).toEqual([]);
    expect(logStatement?.unmapped).toEqual(['WorkerFunctionLogGroup']);
  });

  it('resolve the publisher’s stream and bus grants to the local stream and bus', () => {
    // Act
    const statements = statementsOf('publisher');
    const resourcesOf = (action: string) =>
      statements.find((statement) => statement.actions.includes(action))?.resources;

    // Assess
    expect(resourcesOf('dynamodb:GetRecords')).toEqual([STREAM_ARN]);
    expect(resourcesOf('events:PutEvents')).toEqual([BUS_ARN]);
    // The stream mapping's on-failure queue has no local counterpart in the function's environment.
    expect(
      statements.find((statement) => statement.actions.includes('sqs:SendMessage'))?.unmapped,
    ).toEqual(['ChangeStreamFailureQueue']);
  });

  it('resolve the index ARN the read role is granted Query on', () => {
    // Act
    const query = statementsOf('read').find((statement) =>
      statement.actions.includes('dynamodb:Query'),
    );

    // Assess
    expect(query?.resources).toEqual([`${TABLE_ARN}/records-local/index/byCollection`]);
  });
});

describe('authorizing calls against the synthesized roles', () => {
  it.each([
    ['worker', 'dynamodb:GetItem', `${TABLE_ARN}/records-local`, 'Allowed'],
    ['worker', 'dynamodb:PutItem', `${TABLE_ARN}/records-local`, 'Allowed'],
    ['worker', 'dynamodb:UpdateItem', `${TABLE_ARN}/ledger-local`, 'Allowed'],
    ['worker', 'dynamodb:GetItem', `${TABLE_ARN}/ledger-local`, 'Allowed'],
    ['worker', 'dynamodb:PutItem', `${TABLE_ARN}/ledger-local`, 'ImplicitlyDenied'],
    ['worker', 'dynamodb:DeleteItem', `${TABLE_ARN}/records-local`, 'ImplicitlyDenied'],
    ['read', 'dynamodb:GetItem', `${TABLE_ARN}/records-local`, 'Allowed'],
    ['read', 'dynamodb:Query', `${TABLE_ARN}/records-local/index/byCollection`, 'Allowed'],
    ['read', 'dynamodb:Query', `${TABLE_ARN}/records-local`, 'ImplicitlyDenied'],
    ['read', 'dynamodb:PutItem', `${TABLE_ARN}/records-local`, 'ImplicitlyDenied'],
    [
      'ingest-sharinpix',
      'sqs:SendMessage',
      'arn:aws:sqs:us-east-1:123456789012:quarantine-local',
      'Allowed',
    ],
    [
      'ingest-sharinpix',
      'sqs:DeleteMessage',
      'arn:aws:sqs:us-east-1:123456789012:events-local',
      'ImplicitlyDenied',
    ],
    ['ingest-spyne', 'dynamodb:PutItem', `${TABLE_ARN}/records-local`, 'ImplicitlyDenied'],
    ['publisher', 'dynamodb:GetRecords', STREAM_ARN, 'Allowed'],
    ['publisher', 'dynamodb:GetShardIterator', STREAM_ARN, 'Allowed'],
    ['publisher', 'dynamodb:DescribeStream', STREAM_ARN, 'Allowed'],
    ['publisher', 'dynamodb:GetRecords', `${TABLE_ARN}/ledger-local/stream/x`, 'ImplicitlyDenied'],
    ['publisher', 'dynamodb:Query', `${TABLE_ARN}/records-local/index/byCollection`, 'Allowed'],
    ['publisher', 'dynamodb:GetItem', `${TABLE_ARN}/records-local`, 'ImplicitlyDenied'],
    ['publisher', 'events:PutEvents', BUS_ARN, 'Allowed'],
    [
      'publisher',
      'events:PutEvents',
      'arn:aws:events:us-east-1:123456789012:event-bus/default',
      'ImplicitlyDenied',
    ],
    ['worker', 'events:PutEvents', BUS_ARN, 'ImplicitlyDenied'],
  ] as const)('%s %s on %s: %s', async (name, action, resource, expected) => {
    // Act
    const result = await decide(name, action, resource);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('the evaluator', () => {
  const allowGet: LocalStatement = {
    sid: 'Get',
    effect: 'Allow',
    actions: ['dynamodb:GetItem'],
    resources: [`${TABLE_ARN}/t`],
    unmapped: [],
    condition: undefined,
  };
  const principal = roleArnOf('fn', SCOPE);
  const request = { action: 'dynamodb:GetItem', resource: `${TABLE_ARN}/t` };

  it('lets an explicit deny win over an allow', async () => {
    // Prepare
    const deny: LocalStatement = { ...allowGet, sid: 'Deny', effect: 'Deny' };

    // Act
    const decision = await authorize([allowGet, deny], principal, request, SCOPE);

    // Assess
    expect(decision).toEqual({ allowed: false, result: 'ExplicitlyDenied' });
  });

  it('evaluates conditions against the request context', async () => {
    // Prepare
    const leadingKeys: LocalStatement = {
      ...allowGet,
      condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['tenant-a'] } },
    };

    // Act
    const own = await authorize(
      [leadingKeys],
      principal,
      {
        ...request,
        context: { 'dynamodb:LeadingKeys': ['tenant-a'] },
      },
      SCOPE,
    );
    const other = await authorize(
      [leadingKeys],
      principal,
      {
        ...request,
        context: { 'dynamodb:LeadingKeys': ['tenant-b'] },
      },
      SCOPE,
    );

    // Assess
    expect(own.result).toBe('Allowed');
    expect(other.result).toBe('ImplicitlyDenied');
  });

  it('denies when no statement is left, as a role without grants is denied', async () => {
    // Act
    const decision = await authorize([], principal, request, SCOPE);

    // Assess
    expect(decision.allowed).toBe(false);
  });
});
