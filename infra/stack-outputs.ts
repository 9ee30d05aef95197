import { CfnOutput, type Stack } from 'aws-cdk-lib';
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
  const spyneSecret = secrets.ingest['ingest-spyne'].secretName;
  const sharinpixSecret = secrets.ingest['ingest-sharinpix'].secretName;
  const imageIntelligenceSecret = secrets.ingest['ingest-image-intelligence'].secretName;
  const cloudinarySecret = secrets.ingest['ingest-cloudinary'].secretName;

  output(
    'SpyneWebhookUrl',
    `${httpApi.url}webhooks/spyne`,
    'Spyne push-service URL. Signed (v2) payloads need nothing more once SPYNE_SIGNING_SECRET is set in SpyneWebhookSecretName; for unsigned v1 payloads give Spyne <url>?token=<SPYNE_URL_TOKEN from that secret>.',
  );
  output(
    'SharinpixWebhookUrl',
    `${httpApi.url}webhooks/sharinpix`,
    'SharinPix webhook URL. In the SharinPix webhook form add header X-Sharinpix-Secret with the SHARINPIX_SECRET value from SharinpixWebhookSecretName.',
  );
  output(
    'ImageIntelligenceWebhookUrl',
    `${httpApi.url}webhooks/image-intelligence`,
    'Image Intelligence webhookUrl: append ?token=<IMAGE_INTELLIGENCE_TOKEN from ImageIntelligenceWebhookSecretName>.',
  );
  output(
    'CloudinaryWebhookUrl',
    `${httpApi.url}webhooks/cloudinary`,
    'Cloudinary notification URL (a trigger or notification_url; legacy signature, no payload template). Put the signing API secret as CLOUDINARY_API_SECRET in CloudinaryWebhookSecretName.',
  );
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
  output(
    'SpyneWebhookSecretName',
    spyneSecret,
    'Secret holding SPYNE_SIGNING_SECRET and SPYNE_URL_TOKEN.',
  );
  output('SharinpixWebhookSecretName', sharinpixSecret, 'Secret holding SHARINPIX_SECRET.');
  output(
    'ImageIntelligenceWebhookSecretName',
    imageIntelligenceSecret,
    'Secret holding IMAGE_INTELLIGENCE_TOKEN.',
  );
  output('CloudinaryWebhookSecretName', cloudinarySecret, 'Secret holding CLOUDINARY_API_SECRET.');
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
