import type { FunctionName } from '../../shared/http/routes';
import { bundleHandlers } from '../lambda/handler-bundles';
import type { LambdaHandler } from '../lambda/invoke-handler';
import { startThreadedHandler } from '../lambda/threaded-handler';
import type { LocalWiring } from '../stack/lambda-environment';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../stack/local-names';
import { loadFunctionRoles } from './function-roles';
import { type Revocation, startLocalIam } from './local-iam';

export interface HandlerUnderIamOptions {
  /** The servers the function's calls go to once allowed. */
  readonly wiring: LocalWiring;
  readonly revoke: readonly Revocation[];
  /** Where to append the function's distinct calls (the integration runs set `IAM_CALLS_LOG`). */
  readonly callsLogFile: string | undefined;
  readonly log: (line: string) => void;
}

/** One function ready to invoke under its role, and the way to stop its thread and proxy. */
export interface HandlerUnderIam {
  readonly handler: LambdaHandler;
  /** How the roles were obtained, for the command's own log. */
  readonly roles: { readonly fromCache: boolean; readonly ms: number };
  readonly close: () => Promise<void>;
}

/**
 * One function as the local stack runs it: its role read from the CDK app, an IAM proxy in front
 * of the given servers, and its bundle in a thread of its own with its own credentials, so each
 * AWS call it makes is allowed or refused as in AWS. What `npm run invoke` uses; the stack does
 * the same for every function at once. Expects `process.env` to hold the Lambda environment.
 */
export const startHandlerUnderIam = async (
  name: FunctionName,
  options: HandlerUnderIamOptions,
): Promise<HandlerUnderIam> => {
  const [loaded, bundles] = await Promise.all([loadFunctionRoles(), bundleHandlers()]);
  const iam = await startLocalIam({
    roles: loaded.roles,
    baseEnvironment: process.env,
    dynamoDbEndpoint: options.wiring.dynamoDbEndpoint,
    sqsEndpoint: options.wiring.sqsEndpoint,
    scope: { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID },
    revoke: options.revoke,
    ...(options.callsLogFile === undefined ? {} : { callsLogFile: options.callsLogFile }),
    // One invocation exercises one function: the stacks' runs record the grants to compare.
    recordGrantsOf: [],
    log: options.log,
  });
  try {
    const threaded = await startThreadedHandler(name, iam.environmentOf(name), bundles);
    return {
      handler: threaded.handler,
      roles: { fromCache: loaded.fromCache, ms: loaded.ms },
      close: async () => {
        await threaded.close();
        await iam.proxy.close();
      },
    };
  } catch (error) {
    await iam.proxy.close();
    throw error;
  }
};
