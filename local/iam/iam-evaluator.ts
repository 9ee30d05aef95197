import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { LocalArnScope, LocalStatement } from './template-bindings';

/** One AWS API call as IAM sees it. */
export interface AuthorizationRequest {
  /** `service:Action`, e.g. `dynamodb:GetItem`. */
  readonly action: string;
  readonly resource: string;
  /** Request context keys the call carries (`aws:SecureTransport`, …). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** The evaluator's answer, in IAM's own words. */
export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or `Invalid` when the evaluator refused the request. */
  readonly result: 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied' | 'Invalid';
  /** Why the evaluator refused to evaluate, when `result` is `Invalid`. */
  readonly detail?: string;
}

/** The role a function assumes, as Lambda names the session's principal. */
export const roleArnOf = (roleName: string, scope: LocalArnScope): string =>
  `arn:aws:iam::${scope.accountId}:role/${roleName}`;

/**
 * Decides one call with `@cloud-copilot/iam-simulate`, a maintained offline evaluator of AWS's
 * policy logic (actions, resource ARNs with wildcards, every condition operator, explicit deny
 * over allow), on the function's identity policy exactly as the template grants it. Statements
 * with no local resource left cannot match and are dropped. A request the evaluator rejects as
 * malformed (an action that does not take that resource type) is denied, as AWS would.
 */
export const authorize = async (
  statements: readonly LocalStatement[],
  principalArn: string,
  request: AuthorizationRequest,
  scope: LocalArnScope,
): Promise<AuthorizationDecision> => {
  const policyStatements = statements
    .filter((statement) => statement.resources.length > 0)
    .map((statement) => ({
      ...(statement.sid === undefined ? {} : { Sid: statement.sid }),
      Effect: statement.effect,
      Action: [...statement.actions],
      Resource: [...statement.resources],
      ...(statement.condition === undefined ? {} : { Condition: statement.condition }),
    }));
  const contextVariables: Record<string, string | string[]> = {
    'aws:SecureTransport': 'true',
    'aws:RequestedRegion': scope.region,
    'aws:PrincipalArn': principalArn,
    'aws:PrincipalAccount': scope.accountId,
  };
  for (const [key, value] of Object.entries(request.context ?? {})) {
    contextVariables[key] = typeof value === 'string' ? value : [...value];
  }
  const response = await runSimulation(
    {
      request: {
        principal: principalArn,
        action: request.action,
        resource: { resource: request.resource, accountId: scope.accountId },
        contextVariables,
      },
      identityPolicies:
        policyStatements.length === 0
          ? []
          : [{ name: 'role', policy: { Version: '2012-10-17', Statement: policyStatements } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === 'error') {
    return { allowed: false, result: 'Invalid', detail: JSON.stringify(response.errors) };
  }
  const result = response.overallResult;
  return { allowed: result === 'Allowed', result };
};
