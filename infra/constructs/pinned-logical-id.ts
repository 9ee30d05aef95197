import { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ServiceError } from '../../shared/errors/service-error';

/** A construct had no CloudFormation resource to name. */
export class LogicalIdPinError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly constructPath: string,
    readonly logicalId: string,
  ) {
    super(
      `cannot pin logical id ${logicalId}: ${constructPath} has no default CloudFormation child`,
    );
    this.name = 'LogicalIdPinError';
  }
}

/**
 * Gives an L2 construct's main resource a fixed, readable logical id (e.g. `WorkerFunction`)
 * instead of CDK's path hash. The README's `sam local invoke` commands, the env-vars files keyed by
 * logical id and the alarm/output wiring name resources by these ids, so they must not move when a
 * construct is regrouped.
 */
export const pinLogicalId = (construct: IConstruct, logicalId: string): void => {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement))
    throw new LogicalIdPinError(construct.node.path, logicalId);
  resource.overrideLogicalId(logicalId);
};
