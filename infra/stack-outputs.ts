import { CfnOutput, type Stack } from 'aws-cdk-lib';
import { ingestFunctionOf } from '../shared/http/routes';
import { VENDOR_MANIFESTS } from '../shared/vendors/manifests';
import { resourceNameOf } from '../shared/vendors/vendor-manifest';
import type { ChangeEvents } from './constructs/change-events';
import type { WebhookHttpApi } from './constructs/http-api';
import type { ImageTables } from './constructs/image-tables';
import type { OperationsDashboard } from './constructs/operations-dashboard';
import type { WebhookQueues } from './constructs/webhook-queues';
import type { WebhookSecrets } from './constructs/webhook-secrets';

/** The constructs whose names and URLs become outputs. */
export interface StackOutputSources {
  readonly httpApi: WebhookHttpApi;
  readonly tables: ImageTables;
  readonly queues: WebhookQueues;
  readonly secrets: WebhookSecrets;
  readonly dashboard: OperationsDashboard;
  readonly changeEvents: ChangeEvents;
}

/**
 * Everything an operator needs after `cdk deploy`, printed by the CLI and kept in the stack's
 * outputs: where to point each vendor (and which secret holds the credential to add), where to
 * read records, and the names the README's CLI commands take. Secrets appear by name only; their
 * values stay in Secrets Manager.
 */
export const addStackOutputs = (stack: Stack, sources: StackOutputSources): void => {
  const { httpApi, tables, queues, secrets, dashboard, changeEvents } = sources;
  const output = (id: string, value: string, description: string): void => {
    new CfnOutput(stack, id, { value, description });
  };
  for (const manifest of VENDOR_MANIFESTS) {
    output(
      `${resourceNameOf(manifest.vendor)}WebhookUrl`,
      `${httpApi.url}${manifest.routePath.slice(1)}`,
      manifest.deployment.urlOutputDescription,
    );
  }
  output(
    'ReadApiBaseUrl',
    httpApi.url,
    'Read API base URL: GET images/{vendor}/{imageId} and images?vendor=V&collection=C, SigV4-signed for service execute-api.',
  );
  if (httpApi.domainName) {
    output(
      'CustomDomainTarget',
      httpApi.domainName.regionalDomainName,
      `Point a CNAME (or an alias record) for ${httpApi.customDomainName ?? 'the custom domain'} at this name; the URLs above use that domain.`,
    );
  }
  output(
    'RecordsTableName',
    tables.records.tableName,
    'Image records table (retained on stack deletion).',
  );
  output(
    'LedgerTableName',
    tables.ledger.tableName,
    'Event ledger table (retained on stack deletion).',
  );
  output(
    'WebhookQueueUrl',
    queues.queue.queueUrl,
    'Main queue: accepted events, consumed by the worker.',
  );
  output(
    'DeadLetterQueueUrl',
    queues.deadLetterQueue.queueUrl,
    'Events the worker failed 5 times; replay with npm run dlq -- redrive.',
  );
  output(
    'QuarantineQueueUrl',
    queues.quarantineQueue.queueUrl,
    'Authenticated deliveries that failed validation; replay with npm run quarantine -- redrive.',
  );
  output(
    'ChangeEventBusName',
    changeEvents.bus.eventBusName,
    "Bus of the change events (source vendor-webhooks, detail-types 'Image Record Changed' and 'Collection Completed'): attach consumer rules here.",
  );
  output(
    'ChangeEventBusArn',
    changeEvents.bus.eventBusArn,
    'ARN of the change event bus, for rules and cross-account targets.',
  );
  output(
    'ChangeStreamFailureQueueUrl',
    changeEvents.failureQueue.queueUrl,
    'Batches of record changes the publisher gave up on (shard and sequence range); the records table stream keeps them until they are 24 hours old.',
  );
  for (const manifest of VENDOR_MANIFESTS) {
    output(
      `${resourceNameOf(manifest.vendor)}WebhookSecretName`,
      secrets.ingest[ingestFunctionOf(manifest.vendor)].secretName,
      manifest.deployment.secretOutputDescription,
    );
  }
  output(
    'CursorSigningSecretName',
    secrets.cursorSigning.secretName,
    'Secret holding CURSOR_SIGNING_KEY, which signs the read API pagination token.',
  );
  output(
    'OperationsDashboardUrl',
    dashboard.url,
    'CloudWatch dashboard: webhooks per vendor and outcome, ack latency, queues, DLQ, worker errors and refused images, change events published and publisher lag, alarms.',
  );
};
