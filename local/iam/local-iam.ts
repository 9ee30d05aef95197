import { appendFileSync } from 'node:fs';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes';
import type { Env } from '../../shared/config/env';
import type { FunctionRoles } from './function-roles';
import { authorize, roleArnOf } from './iam-evaluator';
import { type IamProxy, startIamProxy } from './iam-proxy';
import { localSecretsFor } from './local-secrets';
import {
  type LocalArnScope,
  type LocalResource,
  type LocalStatement,
  localResourcesOf,
  localStatementsOf,
} from './template-bindings';

/** `--iam-revoke worker=dynamodb:GetItem`: an action taken out of one function's role (drills). */
export interface Revocation {
  readonly functionName: FunctionName;
  readonly action: string;
}

export interface LocalIamOptions {
  readonly roles: FunctionRoles;
  /** The environment every function starts from (the stack's overlay already applied). */
  readonly baseEnvironment: Env;
  /** The servers behind the proxy; a command that needs only one of them starts only that one. */
  readonly dynamoDbEndpoint: string | undefined;
  readonly sqsEndpoint: string | undefined;
  /** The local change bus, which answers the publisher's PutEvents. */
  readonly eventsEndpoint?: string | undefined;
  readonly scope: LocalArnScope;
  readonly revoke: readonly Revocation[];
  /**
   * What the stack polls for a function on its behalf, as the template's event source mappings
   * do with the function's role (the worker feed's queue for the worker).
   */
  readonly eventSources?: Partial<Record<FunctionName, readonly LocalResource[]>>;
  readonly callsLogFile?: string;
  /**
   * The functions whose grants the calls log gets (default: every function). A run records the
   * grants of the functions it runs, for the grants table; a grant of a function a run does not
   * start could not be used there, and a single invocation records only its calls.
   */
  readonly recordGrantsOf?: readonly FunctionName[];
  readonly log: (line: string) => void;
}

export interface LocalIam {
  readonly proxy: IamProxy;
  /** The environment a function's thread gets: its own credentials, endpoints through the proxy. */
  readonly environmentOf: (name: FunctionName) => Readonly<Record<string, string>>;
  readonly statementsOf: (name: FunctionName) => readonly LocalStatement[];
  /**
   * SDK client settings that make calls as the function through the proxy: what the stack uses
   * for the calls an event source mapping makes with the function's role.
   */
  readonly clientConfigOf: (name: FunctionName) => {
    readonly region: string;
    readonly endpoint: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** A local SQS queue URL as a function's calls name it: on the proxy's host. */
  readonly queueUrlViaProxy: (url: string) => string;
}

/** The access key id a function's thread signs with; the proxy knows the function by it. */
export const accessKeyIdFor = (name: FunctionName): string =>
  `LOCAL${name.toUpperCase().replaceAll('-', '')}`;

const withoutRevoked = (
  statements: readonly LocalStatement[],
  revoked: readonly string[],
): readonly LocalStatement[] =>
  statements.map((statement) =>
    statement.effect === 'Allow'
      ? { ...statement, actions: statement.actions.filter((action) => !revoked.includes(action)) }
      : statement,
  );

const stringsOf = (env: Env): Record<string, string> =>
  Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/**
 * IAM for the local stack: the proxy, each function's environment (its own access key id, its
 * secret's ARN in the local Secrets Manager, the SDK endpoint variables pointed at the proxy) and
 * each function's role with its resources resolved through that same environment.
 */
export const startLocalIam = async (options: LocalIamOptions): Promise<LocalIam> => {
  const { roles, scope } = options;
  const secrets = localSecretsFor(options.baseEnvironment, scope);
  const statements = new Map<FunctionName, readonly LocalStatement[]>();
  const principals = new Map(FUNCTION_NAMES.map((name) => [accessKeyIdFor(name), name]));
  const proxy = await startIamProxy({
    upstreams: {
      ...(options.dynamoDbEndpoint === undefined ? {} : { dynamodb: options.dynamoDbEndpoint }),
      ...(options.dynamoDbEndpoint === undefined
        ? {}
        : { dynamodbstreams: options.dynamoDbEndpoint }),
      ...(options.sqsEndpoint === undefined ? {} : { sqs: options.sqsEndpoint }),
      ...(options.eventsEndpoint === undefined ? {} : { events: options.eventsEndpoint }),
    },
    secrets: secrets.secrets,
    principals,
    principalArnOf: (name) =>
      `arn:aws:sts::${scope.accountId}:assumed-role/${roles.functions[name].roleLogicalId}/${name}`,
    authorize: (name, call) =>
      authorize(
        statements.get(name) ?? [],
        roleArnOf(roles.functions[name].roleLogicalId, scope),
        { action: call.action, resource: call.resource },
        scope,
      ),
    scope,
    ...(options.callsLogFile === undefined ? {} : { callsLogFile: options.callsLogFile }),
    log: options.log,
  });
  const base = stringsOf(options.baseEnvironment);
  const environments = new Map<FunctionName, Record<string, string>>();
  const { sqsEndpoint } = options;
  const queueUrlViaProxy = (url: string): string =>
    sqsEndpoint !== undefined && url.startsWith(`${sqsEndpoint}/`)
      ? proxy.endpoint + url.slice(sqsEndpoint.length)
      : url;
  for (const name of FUNCTION_NAMES) {
    const env: Record<string, string> = {
      ...base,
      ...secrets.variables[name],
      AWS_ACCESS_KEY_ID: accessKeyIdFor(name),
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_ENDPOINT_URL_SQS: proxy.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: proxy.endpoint,
    };
    // The SQS client sends each call to its QueueUrl's host, as in AWS where that host is the
    // service's: the queue URLs a function gets name the proxy, which restores the server's.
    for (const [variable, value] of Object.entries(env)) env[variable] = queueUrlViaProxy(value);
    environments.set(name, env);
    const role = roles.functions[name];
    const resolved = localStatementsOf(
      role,
      localResourcesOf(role, env, roles.resourceTypes, scope, options.eventSources?.[name]),
      scope,
    );
    const revoked = options.revoke
      .filter((revocation) => revocation.functionName === name)
      .map((revocation) => revocation.action);
    statements.set(name, withoutRevoked(resolved, revoked));
  }
  if (options.callsLogFile !== undefined) {
    // The grants as this stack enforces them, beside its calls: what the grants table compares.
    // Revocations are always recorded, so a drill's denied calls are not taken for ungranted ones.
    const recorded = new Set(options.recordGrantsOf ?? FUNCTION_NAMES);
    const lines = FUNCTION_NAMES.flatMap((name) => [
      ...(recorded.has(name) ? (statements.get(name) ?? []) : [])
        .filter((statement) => statement.effect === 'Allow')
        .flatMap((statement) =>
          statement.actions.map((action) => ({
            kind: 'grant',
            function: name,
            sid: statement.sid,
            action,
            resources: statement.resources,
            unmapped: statement.unmapped,
          })),
        ),
      ...options.revoke
        .filter((revocation) => revocation.functionName === name)
        .map((revocation) => ({ kind: 'revoked', function: name, action: revocation.action })),
    ]);
    appendFileSync(options.callsLogFile, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  }
  return {
    proxy,
    environmentOf: (name) => environments.get(name) ?? {},
    statementsOf: (name) => statements.get(name) ?? [],
    clientConfigOf: (name) => ({
      region: scope.region,
      endpoint: proxy.endpoint,
      credentials: { accessKeyId: accessKeyIdFor(name), secretAccessKey: 'local' },
    }),
    queueUrlViaProxy,
  };
};
