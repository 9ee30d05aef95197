import { Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { ChangeEvents } from './constructs/change-events';
import type { WebhookHttpApi } from './constructs/http-api';
import type { PipelineFunctions } from './constructs/pipeline-functions';
import type { WebhookQueues } from './constructs/webhook-queues';
import { VENDOR_CREDENTIALS, VENDOR_NAMES } from './nag-suppressions';

/** One Control Tower control this stack does not meet on some resources, and why. */
export interface GuardExemption {
  /** The cfn-guard rule name the validator reports. */
  readonly rule: string;
  /** The Control Tower control id, for people. */
  readonly control: string;
  readonly reason: string;
}

/**
 * Every Control Tower control the stack is exempt from, each with its reason, in one place. Each
 * is recorded on exactly the resources it concerns (never app-wide), so a new resource breaking
 * the same control still fails the synth; a test pins the list of exempted resources.
 */
export const GUARD_EXEMPTIONS = {
  webhookRouteWithoutGatewayAuth: {
    rule: 'api_gw_v2_authorization_type_configured_check',
    control: 'CT.APIGATEWAY.PR.5',
    reason: `Vendor webhook route: ${VENDOR_NAMES} cannot sign AWS requests or obtain tokens from us, so the gateway cannot authenticate them. The ingest function authenticates every request (${VENDOR_CREDENTIALS}, compared in constant time) before anything is stored, and answers 401 otherwise. The read routes use AWS_IAM.`,
  },
  logRetentionUnderAYear: {
    rule: 'cloudwatch_log_group_retention_period_check',
    control: 'CT.CLOUDWATCH.PR.2',
    reason:
      'Retention is set per deployment (context logRetentionDays and accessLogRetentionDays, defaults 30 and 90 days). The logs are operational: every accepted event is kept in the ledger and every record in its table, so a year of logs would add cost and no evidence.',
  },
  logGroupsWithServiceEncryption: {
    rule: 'cloudwatch_log_group_encrypted_check',
    control: 'CT.CLOUDWATCH.PR.3',
    reason:
      'CloudWatch Logs encrypts every log group at rest with service-managed keys. The lines hold no credentials or personal data (the access log omits query strings and headers; functions log ids and outcomes), so a customer-managed KMS key would add a key policy to get wrong and a monthly cost without protecting anything more.',
  },
  apiInvokePermissionScopedBySourceArn: {
    rule: 'lambda_function_public_access_prohibited_check',
    control: 'CT.LAMBDA.PR.2',
    reason:
      'This permission lets API Gateway invoke the function only from this API and route: its SourceArn is the route ARN, built with Fn::Join from the API id, region and account. The rule accepts a SourceArn only as a plain string or a Ref/GetAtt, so it cannot see the condition that is there.',
  },
  functionsOutsideVpc: {
    rule: 'lambda_inside_vpc_check',
    control: 'CT.LAMBDA.PR.3',
    reason:
      'The functions reach only AWS APIs (SQS, DynamoDB, Secrets Manager, CloudWatch), authorized by IAM over TLS, and nothing in a VPC. Placing them in one would need NAT or four interface endpoints per AZ, adding cost and cold-start latency against the 10 s vendor deadline for no network boundary that IAM does not already give.',
  },
  parkingQueueWithoutDeadLetterQueue: {
    rule: 'sqs_dlq_check',
    control: 'CT.SQS.PR.1',
    reason:
      'A parking queue: the dead-letter queue, the quarantine queue and the change stream failure queue are where failed and refused messages wait for an operator. Nothing consumes them automatically, so nothing can fail on them, and a DLQ behind them would never receive a message. Operators move messages back with npm run dlq -- redrive and npm run quarantine -- redrive; the change stream failure queue names a stream range to read again.',
  },
} as const satisfies Record<string, GuardExemption>;

/**
 * The validator's rule namespace: CDK matches an acknowledgment `<namespace>::<rule>` against
 * the violations that plugin reports, on the acknowledged construct and everything under it.
 */
export const GUARD_RULE_NAMESPACE = 'cdk-validator-cfnguard';

/**
 * Acknowledges one finding on the CloudFormation resource itself, not the L2: an acknowledgment
 * covers a construct's whole subtree, and an L2 also owns permissions or policies that must stay
 * checked. CDK records the reason in the construct's metadata and lists the finding as
 * acknowledged in the validation report.
 */
const exempt = (construct: IConstruct, exemption: GuardExemption): void => {
  const resource = construct.node.defaultChild ?? construct;
  Validations.of(resource).acknowledge({
    id: `${GUARD_RULE_NAMESPACE}::${exemption.rule}`,
    reason: `${exemption.control}: ${exemption.reason}`,
  });
};

/** The constructs that carry exemptions; passed in so nothing is looked up by path. */
export interface GuardSubjects {
  readonly functions: PipelineFunctions;
  readonly httpApi: WebhookHttpApi;
  readonly queues: WebhookQueues;
  readonly changeEvents: ChangeEvents;
}

/** Records each exemption on exactly the resources it concerns. */
export const exemptGuardFindings = (subjects: GuardSubjects): void => {
  const { functions, httpApi, queues, changeEvents } = subjects;

  for (const { definition, route } of httpApi.routes) {
    if (!definition.iamAuth) exempt(route, GUARD_EXEMPTIONS.webhookRouteWithoutGatewayAuth);
    for (const child of route.node.findAll()) {
      if (child instanceof lambda.CfnPermission) {
        exempt(child, GUARD_EXEMPTIONS.apiInvokePermissionScopedBySourceArn);
      }
    }
  }

  const logGroups = [
    httpApi.accessLogGroup,
    ...Object.values(functions.byName).map((serviceFunction) => serviceFunction.logGroup),
  ];
  for (const logGroup of logGroups) {
    exempt(logGroup, GUARD_EXEMPTIONS.logRetentionUnderAYear);
    exempt(logGroup, GUARD_EXEMPTIONS.logGroupsWithServiceEncryption);
  }

  for (const serviceFunction of Object.values(functions.byName)) {
    exempt(serviceFunction.function, GUARD_EXEMPTIONS.functionsOutsideVpc);
  }

  for (const queue of [queues.deadLetterQueue, queues.quarantineQueue, changeEvents.failureQueue]) {
    exempt(queue, GUARD_EXEMPTIONS.parkingQueueWithoutDeadLetterQueue);
  }
};
