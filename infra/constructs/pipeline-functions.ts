import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '../../shared/http/routes';
import { FUNCTION_ENVIRONMENT_DEFAULTS } from '../function-environment';
import {
  INGEST_SIZING,
  READ_SIZING,
  WORKER_BATCH_SIZE,
  WORKER_BATCHING_WINDOW,
  WORKER_MAX_CONCURRENCY,
  WORKER_LEASE_SECONDS,
  WORKER_SIZING,
} from '../function-sizing';
import type { ImageTables } from './image-tables';
import { ServiceFunction } from './lambda-functions';
import type { WebhookQueues } from './webhook-queues';
import type { IngestFunctionName, WebhookSecrets } from './webhook-secrets';

/**
 * The DynamoDB calls the worker makes, per table, exactly as its adapters issue them:
 * - records: a conditional PutItem per image, preceded by one eventually consistent GetItem when
 *   the event expects its image to exist already (SharinPix image_processed, tag, delete and
 *   prediction events; see `DynamoDbImageRecordStore.apply`); and for image aliases (Cloudinary
 *   public ids, `DynamoDbImageAliasStore`), a consistent GetItem and an UpdateItem per alias;
 * - ledger: conditional UpdateItem for the claim and for completion.
 * The local stack enforces these grants on every call the worker makes, and a test compares the
 * calls recorded during the integration and reliability runs against them, so IAM cannot fall
 * behind the code unnoticed.
 */
export const WORKER_TABLE_ACTIONS = {
  records: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  ledger: ['dynamodb:UpdateItem'],
} as const;

/** What the read API calls: GetItem on the table for one record, Query on the index for a page. */
export const READ_TABLE_ACTIONS = {
  table: ['dynamodb:GetItem'],
  collectionIndex: ['dynamodb:Query'],
} as const;

/**
 * What the event source mapping needs to poll the queue on the worker's behalf. This is the
 * AWS-documented minimum for SQS triggers; `grantConsumeMessages` would add ChangeMessageVisibility
 * and GetQueueUrl, which the mapping does not use.
 */
export const WORKER_QUEUE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
] as const;

interface IngestFunctionSpec {
  readonly logicalId: string;
  readonly description: string;
}

const INGEST_FUNCTIONS: Readonly<Record<IngestFunctionName, IngestFunctionSpec>> = {
  'ingest-spyne': {
    logicalId: 'IngestSpyneFunction',
    description: 'POST /webhooks/spyne: authenticate (JWT or URL token), validate, enqueue, ack',
  },
  'ingest-sharinpix': {
    logicalId: 'IngestSharinpixFunction',
    description:
      'POST /webhooks/sharinpix: authenticate (X-Sharinpix-Secret), validate, enqueue, ack',
  },
  'ingest-image-intelligence': {
    logicalId: 'IngestImageIntelligenceFunction',
    description:
      'POST /webhooks/image-intelligence: authenticate (URL token), validate, enqueue, ack',
  },
  'ingest-cloudinary': {
    logicalId: 'IngestCloudinaryFunction',
    description:
      'POST /webhooks/cloudinary: authenticate (X-Cld-Signature digest), validate, enqueue, ack',
  },
};

/** The fixed logical id of each function, for the README's `sam local invoke` commands. */
export const FUNCTION_LOGICAL_IDS: Readonly<Record<FunctionName, string>> = {
  'ingest-spyne': INGEST_FUNCTIONS['ingest-spyne'].logicalId,
  'ingest-sharinpix': INGEST_FUNCTIONS['ingest-sharinpix'].logicalId,
  'ingest-image-intelligence': INGEST_FUNCTIONS['ingest-image-intelligence'].logicalId,
  'ingest-cloudinary': INGEST_FUNCTIONS['ingest-cloudinary'].logicalId,
  worker: 'WorkerFunction',
  read: 'ReadFunction',
};

/** The resources the functions are wired to and granted on; each grant names one of them. */
export interface PipelineFunctionsProps {
  readonly queues: WebhookQueues;
  readonly tables: ImageTables;
  readonly secrets: WebhookSecrets;
  /** How long every function's logs are kept (context `logRetentionDays`). */
  readonly logRetention: logs.RetentionDays;
  /** Where every function's Powertools metrics go (the stack name, which carries the stage). */
  readonly metricsNamespace: string;
  /**
   * Extra, empty environment variables per function, declared only so `sam local invoke
   * --env-vars` can fill them (SAM only overrides variables the template declares). Empty in the
   * deployed template.
   */
  readonly localInvokePlaceholders: Readonly<
    Record<FunctionName, Readonly<Record<string, string>>>
  >;
}

/**
 * The five functions and exactly the permissions each one uses, written as explicit statements
 * rather than `grant*` helpers so every action is named here and scoped to one resource:
 * - ingest: SendMessage to the main and quarantine queues, GetSecretValue on its own secret;
 * - worker: item operations on the two tables, and the queue polling the event source mapping does;
 * - read: GetItem/Query on the records table and its index, GetSecretValue on the cursor key.
 */
export class PipelineFunctions extends Construct {
  readonly byName: Readonly<Record<FunctionName, ServiceFunction>>;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const { queues, tables, secrets, logRetention, metricsNamespace, localInvokePlaceholders } =
      props;

    const ingest = (name: IngestFunctionName): ServiceFunction => {
      const spec = INGEST_FUNCTIONS[name];
      const secret = secrets.ingest[name];
      const fn = new ServiceFunction(this, spec.logicalId, {
        functionName: name,
        logicalId: spec.logicalId,
        description: spec.description,
        ...INGEST_SIZING,
        logRetention,
        metricsNamespace,
        environment: {
          ...localInvokePlaceholders[name],
          QUEUE_URL: queues.queue.queueUrl,
          QUARANTINE_QUEUE_URL: queues.quarantineQueue.queueUrl,
          MAX_BODY_BYTES: FUNCTION_ENVIRONMENT_DEFAULTS.MAX_BODY_BYTES,
          SIGNATURE_MAX_AGE_SECONDS: FUNCTION_ENVIRONMENT_DEFAULTS.SIGNATURE_MAX_AGE_SECONDS,
          WEBHOOK_SECRETS_ARN: secret.secretArn,
          SECRETS_CACHE_SECONDS: FUNCTION_ENVIRONMENT_DEFAULTS.SECRETS_CACHE_SECONDS,
        },
      });
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'EnqueueToMainAndQuarantine',
          actions: ['sqs:SendMessage'],
          resources: [queues.queue.queueArn, queues.quarantineQueue.queueArn],
        }),
      );
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadOwnWebhookSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secret.secretArn],
        }),
      );
      return fn;
    };

    const worker = new ServiceFunction(this, FUNCTION_LOGICAL_IDS.worker, {
      functionName: 'worker',
      logicalId: FUNCTION_LOGICAL_IDS.worker,
      description: 'SQS batch worker: dedupe in the ledger, normalize, order-safe record writes',
      ...WORKER_SIZING,
      logRetention,
      metricsNamespace,
      environment: {
        ...localInvokePlaceholders.worker,
        RECORDS_TABLE: tables.records.tableName,
        LEDGER_TABLE: tables.ledger.tableName,
        DEDUPE_WINDOW_SECONDS: FUNCTION_ENVIRONMENT_DEFAULTS.DEDUPE_WINDOW_SECONDS,
        LEASE_SECONDS: String(WORKER_LEASE_SECONDS),
        ARCHIVE_EVENTS: FUNCTION_ENVIRONMENT_DEFAULTS.ARCHIVE_EVENTS,
        ARCHIVE_RETENTION_SECONDS: FUNCTION_ENVIRONMENT_DEFAULTS.ARCHIVE_RETENTION_SECONDS,
      },
    });
    worker.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAndWriteImageRecords',
        actions: [...WORKER_TABLE_ACTIONS.records],
        resources: [tables.records.tableArn],
      }),
    );
    worker.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ClaimAndCompleteLedgerEntries',
        actions: [...WORKER_TABLE_ACTIONS.ledger],
        resources: [tables.ledger.tableArn],
      }),
    );
    const queuePolling = worker.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PollWebhookQueue',
        actions: [...WORKER_QUEUE_ACTIONS],
        resources: [queues.queue.queueArn],
      }),
    );
    const mapping = worker.function.addEventSourceMapping('WebhookQueueMapping', {
      eventSourceArn: queues.queue.queueArn,
      batchSize: WORKER_BATCH_SIZE,
      maxBatchingWindow: WORKER_BATCHING_WINDOW,
      maxConcurrency: WORKER_MAX_CONCURRENCY,
      reportBatchItemFailures: true,
    });
    // Lambda checks the role can poll when it creates the mapping, so the policy must exist first.
    if (queuePolling.policyDependable) mapping.node.addDependency(queuePolling.policyDependable);

    const read = new ServiceFunction(this, FUNCTION_LOGICAL_IDS.read, {
      functionName: 'read',
      logicalId: FUNCTION_LOGICAL_IDS.read,
      description: 'GET /images/...: one record or one page of a collection (IAM-authorized)',
      ...READ_SIZING,
      logRetention,
      metricsNamespace,
      environment: {
        ...localInvokePlaceholders.read,
        RECORDS_TABLE: tables.records.tableName,
        CURSOR_SECRET_ARN: secrets.cursorSigning.secretArn,
      },
    });
    read.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'GetImageRecords',
        actions: [...READ_TABLE_ACTIONS.table],
        resources: [tables.records.tableArn],
      }),
    );
    read.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QueryCollectionIndex',
        actions: [...READ_TABLE_ACTIONS.collectionIndex],
        resources: tables.recordsDefinition.globalIndexes.map(
          (index) => `${tables.records.tableArn}/index/${index.indexName}`,
        ),
      }),
    );
    read.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCursorSigningKey',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secrets.cursorSigning.secretArn],
      }),
    );

    this.byName = {
      'ingest-spyne': ingest('ingest-spyne'),
      'ingest-sharinpix': ingest('ingest-sharinpix'),
      'ingest-image-intelligence': ingest('ingest-image-intelligence'),
      'ingest-cloudinary': ingest('ingest-cloudinary'),
      worker,
      read,
    };
  }

  /** The Lambda function behind a route, for the API integrations. */
  functionFor(name: FunctionName): lambda.IFunction {
    return this.byName[name].function;
  }
}
