import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { ChangeEvents } from './constructs/change-events';
import type { WebhookHttpApi } from './constructs/http-api';
import type { PipelineFunctions } from './constructs/pipeline-functions';
import type { WebhookQueues } from './constructs/webhook-queues';
import { ingestFunctionOf } from '../shared/http/routes';
import { VENDOR_MANIFESTS } from '../shared/vendors/manifests';
import {
  INGEST_FUNCTION_NAMES,
  type IngestFunctionName,
  type WebhookSecrets,
} from './constructs/webhook-secrets';

/** `A, B and C`. */
const listed = (items: readonly string[], conjunction: string): string =>
  items.length < 2
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1) ?? ''}`;

/** The vendors by the names people know them by, for the reasons below. */
export const VENDOR_NAMES = listed(
  VENDOR_MANIFESTS.map((manifest) => manifest.displayName),
  'and',
);

/** Each vendor's credential in a few words, once each. */
export const VENDOR_CREDENTIALS = listed(
  [...new Set(VENDOR_MANIFESTS.map((manifest) => manifest.deployment.credential))],
  'or',
);

/** One cdk-nag AwsSolutions finding this stack accepts, on one resource, and why. */
export interface NagAcknowledgment {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Each accepted finding, with its reason. Kept in one place, so a reviewer sees every exception
 * the stack makes to the AwsSolutions pack; a test pins the exact list of acknowledged resources.
 */
export const NAG_REASONS = {
  webhookRouteWithoutGatewayAuth: {
    ruleId: 'AwsSolutions-APIG4',
    reason: `Vendor webhook route: ${VENDOR_NAMES} cannot sign AWS requests or obtain tokens from us, so the gateway cannot authenticate them. The ingest function authenticates every request (${VENDOR_CREDENTIALS}, compared in constant time) before anything is stored, and answers 401 otherwise.`,
  },
  pinnedRuntime: {
    ruleId: 'AwsSolutions-L1',
    reason:
      'Pinned to nodejs24.x, the runtime the project targets and tests against (bundles are built for node24). Moving to a newer runtime is a deliberate change made with the code, not a side effect of a CDK upgrade.',
  },
  quarantineHasNoDeadLetterQueue: {
    ruleId: 'AwsSolutions-SQS3',
    reason:
      'The quarantine queue is itself a parking queue: nothing consumes it, so nothing can fail on it and a DLQ behind it would never receive a message. Operators inspect it and move messages back with npm run quarantine -- redrive.',
  },
  changeStreamFailureQueueHasNoDeadLetterQueue: {
    ruleId: 'AwsSolutions-SQS3',
    reason:
      "The change stream failure queue is itself the dead-letter destination of the publisher's stream mapping: Lambda parks the shard and sequence range of a batch it gave up on there. Nothing consumes it, so nothing can fail on it; its depth alarms.",
  },
} as const satisfies Record<string, NagAcknowledgment>;

/** Why each secret is rotated by hand, not by a Secrets Manager rotation Lambda. */
export const SECRET_ROTATION_REASONS: Readonly<Record<IngestFunctionName | 'cursor', string>> = {
  ...(Object.fromEntries(
    VENDOR_MANIFESTS.map((manifest) => [
      ingestFunctionOf(manifest.vendor),
      manifest.secrets.rotation,
    ]),
  ) as Record<IngestFunctionName, string>),
  cursor:
    "CURSOR_SIGNING_KEY only signs short-lived pagination tokens of the IAM-protected read API; it grants no access by itself. Rotating it invalidates outstanding 'next' tokens, so it is rotated by hand with put-secret-value when needed.",
};

const SECRET_ROTATION_RULE = 'AwsSolutions-SMG4';

/**
 * Acknowledges on the L2's CloudFormation resource itself, not the L2: an acknowledgment covers a
 * construct's whole subtree, and an L2 function or queue also owns its event source mapping,
 * permissions or queue policy, which must stay checked.
 */
const acknowledge = (construct: IConstruct, finding: NagAcknowledgment): void => {
  const resource = construct.node.defaultChild ?? construct;
  Validations.of(resource).acknowledge({ id: finding.ruleId, reason: finding.reason });
};

/** The constructs that carry acknowledged findings; passed in so nothing is looked up by path. */
export interface NagSubjects {
  readonly functions: PipelineFunctions;
  readonly httpApi: WebhookHttpApi;
  readonly queues: WebhookQueues;
  readonly secrets: WebhookSecrets;
  readonly changeEvents: ChangeEvents;
}

/**
 * Records the accepted findings on exactly the resources they concern (never on the stack), so a
 * new resource with the same problem still fails the synth.
 */
export const acknowledgeNagFindings = (subjects: NagSubjects): void => {
  const { functions, httpApi, queues, secrets, changeEvents } = subjects;

  for (const { definition, route } of httpApi.routes) {
    if (!definition.iamAuth) acknowledge(route, NAG_REASONS.webhookRouteWithoutGatewayAuth);
  }

  for (const serviceFunction of Object.values(functions.byName)) {
    acknowledge(serviceFunction.function, NAG_REASONS.pinnedRuntime);
  }

  acknowledge(queues.quarantineQueue, NAG_REASONS.quarantineHasNoDeadLetterQueue);
  acknowledge(changeEvents.failureQueue, NAG_REASONS.changeStreamFailureQueueHasNoDeadLetterQueue);

  for (const name of INGEST_FUNCTION_NAMES) {
    acknowledge(secrets.ingest[name], {
      ruleId: SECRET_ROTATION_RULE,
      reason: SECRET_ROTATION_REASONS[name],
    });
  }
  acknowledge(secrets.cursorSigning, {
    ruleId: SECRET_ROTATION_RULE,
    reason: SECRET_ROTATION_REASONS.cursor,
  });
};
