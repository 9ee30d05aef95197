import * as path from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '../../shared/http/routes';
import type { FunctionSizing } from '../function-sizing';
import {
  FUNCTION_BUNDLING,
  functionEsbuildArgs,
  PROJECT_ROOT,
} from '../bundling/function-bundling';
import { pinLogicalId } from './pinned-logical-id';

/**
 * The runtime every function runs on: nodejs24.x, the newest Lambda Node runtime (nodejs22.x is
 * deprecated on 2027-04-30). The handler tests run on Node 24 as well as on the machine's Node 20
 * (`npm test` runs them under the `node` dev dependency too), so the local stack and Lambda agree.
 */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * arm64 (Graviton): about 20 % cheaper per GB-second than x86 with equal or better performance
 * for this I/O-bound JSON work; the bundle is pure JavaScript, so nothing is architecture-specific.
 */
export const FUNCTION_ARCHITECTURE = lambda.Architecture.ARM_64;

/** What differs between the five functions; everything else is fixed by `ServiceFunction`. */
export interface ServiceFunctionProps {
  /** Which function of `FUNCTION_NAMES`; also its folder under `functions/`. */
  readonly functionName: FunctionName;
  /** The fixed CloudFormation logical id, e.g. `WorkerFunction`. */
  readonly logicalId: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Unset for every function; `function-sizing.ts` says why. */
  readonly reservedConcurrentExecutions: number | undefined;
  /**
   * The namespace its Powertools metrics go to: the stack name, so two stages in one account keep
   * their metrics, and the alarms on them, apart.
   */
  readonly metricsNamespace: string;
  /** How long the function's log group keeps lines (context `logRetentionDays`). */
  readonly logRetention: logs.RetentionDays;
  /** Which of Lambda's own log records reach the log group (see `FunctionSizing`). */
  readonly systemLogLevel: FunctionSizing['systemLogLevel'];
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The one way this app builds a Lambda function, so the five functions cannot drift apart in
 * runtime, architecture, bundling, logging or permissions boilerplate.
 *
 * - Bundling: `FUNCTION_BUNDLING` (minified, tree-shaken ESM with the AWS SDK bundled in, dead SDK
 *   code replaced by stubs), the same options the benchmark measures. Source maps are off: stack
 *   traces from minified code are acceptable because every log line carries the handler's
 *   context (vendor, eventId, request id).
 * - Logging: a dedicated log group with a retention period (never the implicit never-expiring one)
 *   and the Lambda JSON log format, which Powertools' structured lines fit into.
 * - Permissions: a role of its own that may write to that log group only. No managed policy
 *   (AWSLambdaBasicExecutionRole allows every log group in the account); the caller adds exactly
 *   the data-plane statements the function uses.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    pinLogicalId(this.logGroup, `${props.logicalId}LogGroup`);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}: its own log group plus explicit data-plane grants`,
    });
    pinLogicalId(this.role, `${props.logicalId}Role`);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, 'functions', props.functionName, 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel[props.systemLogLevel],
      environment: {
        POWERTOOLS_SERVICE_NAME: props.functionName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: FUNCTION_BUNDLING.target,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        banner: FUNCTION_BUNDLING.banner,
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: FUNCTION_BUNDLING.sourcemap,
        bundleAwsSDK: true,
        externalModules: [],
        tsconfig: FUNCTION_BUNDLING.tsconfig,
        esbuildArgs: functionEsbuildArgs(),
        logLevel: LogLevel.WARNING,
      },
    });
    pinLogicalId(this.function, props.logicalId);
  }
}
