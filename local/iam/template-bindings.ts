import { LocalStackError } from '../stack/local-stack-error';
import type { FunctionRole, TemplateStatement } from './function-roles';

/** The account and region local ARNs are built in (the local servers use the same). */
export interface LocalArnScope {
  readonly region: string;
  readonly accountId: string;
}

/** What a template resource is locally: the value `Ref` gives, its `Arn` and `StreamArn`. */
export interface LocalResource {
  readonly ref: string;
  readonly arn: string | undefined;
  /** A table's stream, as DynamoDB Local named it (in the local account and region). */
  readonly streamArn?: string | undefined;
}

/** A statement with every resource resolved to a local ARN, or left out when not local. */
export interface LocalStatement {
  readonly sid: string | undefined;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Template resources this statement names that nothing local stands for (e.g. log groups). */
  readonly unmapped: readonly string[];
  readonly condition: TemplateStatement['Condition'];
}

const asList = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : [value]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The single logical id a `{ Ref: id }` names, if the value is one. */
const refOf = (value: unknown): string | undefined =>
  isRecord(value) && typeof value.Ref === 'string' ? value.Ref : undefined;

/**
 * The logical id a `{ "Fn::GetAtt": [id, "Arn"] }` (a queue's) or `[id, "StreamArn"]` (a table's
 * stream) names, if the value is one.
 */
const arnOf = (value: unknown): string | undefined => {
  const getAtt = isRecord(value) ? value['Fn::GetAtt'] : undefined;
  return Array.isArray(getAtt) &&
    typeof getAtt[0] === 'string' &&
    (getAtt[1] === 'Arn' || getAtt[1] === 'StreamArn')
    ? getAtt[0]
    : undefined;
};

/**
 * The local value of each template resource a function's environment names, derived the way
 * Lambda gets them: the template sets `RECORDS_TABLE` to `{ Ref: RecordsTable… }`, the local
 * environment sets `RECORDS_TABLE` to the local table's name, so that `Ref` is that name locally.
 * `Arn` follows from the resource type (a queue's from the last segment of its URL, a bus's from
 * its name).
 *
 * `eventSources` are what the local stack feeds the function from, in the order of the template's
 * event source mappings (the worker feed's queue for the worker's SQS mapping, the records table
 * with its stream for the publisher's stream mapping): a mapping polls with the function's role,
 * so its source is one of the role's resources. A stream mapping names its table's `StreamArn`,
 * whose label is only known once DynamoDB Local has created the table, so its local resource
 * carries `streamArn`. None are given when nothing polls for the function (a single
 * `npm run invoke`).
 */
export const localResourcesOf = (
  role: FunctionRole,
  localEnvironment: Readonly<Record<string, string | undefined>>,
  resourceTypes: Readonly<Record<string, string>>,
  scope: LocalArnScope,
  eventSources: readonly LocalResource[] = [],
): ReadonlyMap<string, LocalResource> => {
  const resources = new Map<string, LocalResource>();
  if (eventSources.length > 0) {
    if (eventSources.length !== role.eventSources.length) {
      throw new LocalStackError(
        `${role.logicalId} has ${role.eventSources.length} event source mapping(s) in the template, but ${eventSources.length} local source(s) were given`,
      );
    }
    role.eventSources.forEach((templateValue, index) => {
      const logicalId = arnOf(templateValue);
      const local = eventSources[index];
      if (logicalId === undefined || local === undefined) {
        throw new LocalStackError(
          `${role.logicalId}'s event source ${JSON.stringify(templateValue)} names no resource's ARN`,
        );
      }
      resources.set(logicalId, local);
    });
  }
  for (const [name, templateValue] of Object.entries(role.environment)) {
    const logicalId = refOf(templateValue);
    const local = localEnvironment[name];
    if (logicalId === undefined || local === undefined || local === '') continue;
    // An event source already named this resource (the publisher's table): keep its stream.
    resources.set(logicalId, {
      ...resources.get(logicalId),
      ref: local,
      arn: arnFor(resourceTypes[logicalId], local, scope),
    });
  }
  return resources;
};

const arnFor = (
  type: string | undefined,
  ref: string,
  scope: LocalArnScope,
): string | undefined => {
  const { region, accountId } = scope;
  switch (type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return `arn:aws:dynamodb:${region}:${accountId}:table/${ref}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${accountId}:${ref.split('/').pop() ?? ref}`;
    case 'AWS::SecretsManager::Secret':
      return ref;
    case 'AWS::Events::EventBus':
      return `arn:aws:events:${region}:${accountId}:event-bus/${ref}`;
    default:
      return undefined;
  }
};

const PSEUDO_PARAMETERS = (scope: LocalArnScope): Readonly<Record<string, string>> => ({
  'AWS::Partition': 'aws',
  'AWS::Region': scope.region,
  'AWS::AccountId': scope.accountId,
  'AWS::URLSuffix': 'amazonaws.com',
});

/** Thrown inside resolution when a value names a resource nothing local stands for. */
class Unmapped {
  constructor(readonly logicalId: string) {}
}

/** Resolves `Ref`, `Fn::GetAtt … Arn|StreamArn` and `Fn::Join` against the local resources. */
const resolveValue = (
  value: unknown,
  resources: ReadonlyMap<string, LocalResource>,
  scope: LocalArnScope,
): string => {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) throw new Unmapped(JSON.stringify(value));
  const ref = refOf(value);
  if (ref !== undefined) {
    const pseudo = PSEUDO_PARAMETERS(scope)[ref];
    if (pseudo !== undefined) return pseudo;
    const resource = resources.get(ref);
    if (resource === undefined) throw new Unmapped(ref);
    return resource.ref;
  }
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    const resource = resources.get(getAtt[0]);
    const attribute =
      getAtt[1] === 'Arn'
        ? resource?.arn
        : getAtt[1] === 'StreamArn'
          ? resource?.streamArn
          : undefined;
    if (attribute === undefined) throw new Unmapped(getAtt[0]);
    return attribute;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return join[1].map((part: unknown) => resolveValue(part, resources, scope)).join(join[0]);
  }
  throw new Unmapped(JSON.stringify(value));
};

/**
 * A function's statements with their resources resolved to local ARNs. A resource nothing local
 * stands for (the function's log group: logs go to stdout locally) is listed in `unmapped`
 * instead, so it can never match a local call and the grants table can say why it is unused.
 */
export const localStatementsOf = (
  role: FunctionRole,
  resources: ReadonlyMap<string, LocalResource>,
  scope: LocalArnScope,
): readonly LocalStatement[] =>
  role.statements.map((statement) => {
    const resolved: string[] = [];
    const unmapped: string[] = [];
    for (const resource of asList(statement.Resource)) {
      try {
        resolved.push(resolveValue(resource, resources, scope));
      } catch (error) {
        if (!(error instanceof Unmapped)) throw error;
        unmapped.push(error.logicalId);
      }
    }
    return {
      sid: statement.Sid,
      effect: statement.Effect,
      actions: asList(statement.Action).map(String),
      resources: resolved,
      unmapped,
      condition: statement.Condition,
    };
  });
