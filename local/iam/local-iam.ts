import { appendFileSync } from 'node:fs';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes';
import type { Env } from '../../shared/config/env';
import type { FunctionRoles } from './function-roles';
import { authorize, roleArnOf } from './iam-evaluator';
import { type IamProxy, startIamProxy } from './iam-proxy';
import { localSecretsFor } from './local-secrets';
import {
  type LocalArnScope,
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
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly scope: LocalArnScope;
  readonly revoke: readonly Revocation[];
  readonly callsLogFile?: string;
  readonly log: (line: string) => void;
}

export interface LocalIam {
  readonly proxy: IamProxy;
  /** The environment a function's thread gets: its own credentials, endpoints through the proxy. */
  readonly environmentOf: (name: FunctionName) => Readonly<Record<string, string>>;
  readonly statementsOf: (name: FunctionName) => readonly LocalStatement[];
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
    upstreams: { dynamodb: options.dynamoDbEndpoint, sqs: options.sqsEndpoint },
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
  for (const name of FUNCTION_NAMES) {
    const env: Record<string, string> = {
      ...base,
      ...secrets.variables[name],
      AWS_ACCESS_KEY_ID: accessKeyIdFor(name),
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_ENDPOINT_URL_SQS: proxy.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.endpoint,
    };
    // The SQS client sends each call to its QueueUrl's host, as in AWS where that host is the
    // service's: the queue URLs a function gets name the proxy, which restores the server's.
    for (const [variable, value] of Object.entries(env)) {
      if (value.startsWith(`${options.sqsEndpoint}/`)) {
        env[variable] = proxy.endpoint + value.slice(options.sqsEndpoint.length);
      }
    }
    environments.set(name, env);
    const role = roles.functions[name];
    const resolved = localStatementsOf(
      role,
      localResourcesOf(role, env, roles.resourceTypes, scope),
      scope,
    );
    const revoked = options.revoke
      .filter((revocation) => revocation.functionName === name)
      .map((revocation) => revocation.action);
    statements.set(name, withoutRevoked(resolved, revoked));
  }
  if (options.callsLogFile !== undefined) {
    // The grants as this stack enforces them, beside its calls: what the grants table compares.
    const lines = FUNCTION_NAMES.flatMap((name) => [
      ...(statements.get(name) ?? [])
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
  };
};
