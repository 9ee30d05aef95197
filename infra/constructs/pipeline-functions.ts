import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  byFunction,
  type FunctionName,
  type IngestFunctionName,
  ingestFunctionOf,
} from '../../shared/http/routes';
import { VENDOR_MANIFESTS } from '../../shared/vendors/manifests';
import { resourceNameOf } from '../../shared/vendors/vendor-manifest';
import { FUNCTION_ENVIRONMENT_DEFAULTS } from '../function-environment';
import {
  PUBLISHER_BATCH_SIZE,
  PUBLISHER_MAX_RECORD_AGE,
  PUBLISHER_RETRY_ATTEMPTS,
  PUBLISHER_SIZING,
  READ_SIZING,
  sizingOf,
  WORKER_BATCH_SIZE,
  WORKER_BATCHING_WINDOW,
  WORKER_MAX_CONCURRENCY,
  WORKER_SIZING,
} from '../function-sizing';
import type { ChangeEvents } from './change-events';
import type { ImageTables } from './image-tables';
import { ServiceFunction } from './lambda-functions';
import { pinLogicalId } from './pinned-logical-id';
import type { WebhookQueues } from './webhook-queues';
import type { WebhookSecrets } from './webhook-secrets';

/**
 * The DynamoDB calls the worker makes, per table, exactly as its adapters issue them:
 * - records: a conditional PutItem per image, preceded by one eventually consistent GetItem when
 *   the event expects its image to exist already (processing, tag, delete and prediction
 *   events; see `DynamoDbImageRecordStore.apply`); and for image aliases (public ids,
 *   `DynamoDbImageAliasStore`), a consistent GetItem and an UpdateItem per alias;
 * - ledger: one eventually consistent BatchGetItem per SQS batch that reads ahead the entries of
 *   all its events for their checks (`DynamoDbEventLedger.readAhead`), and a GetItem for a check
 *   the read-ahead did not cover (keys left unprocessed, a second delivery of one event in the
 *   batch); conditional UpdateItem for the completion, for counting a duplicate, for a failure
 *   note and for a signature binding.
 * The local stack enforces these grants on every call the worker makes, and a test compares the
 * calls recorded during the integration and reliability runs against them, so IAM cannot fall
 * behind the code unnoticed.
 */
export const WORKER_TABLE_ACTIONS = {
  records: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  ledger: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
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

/**
 * What the stream mapping does with the publisher's role, as AWS documents it for DynamoDB stream
 * triggers: describe the stream to find its shards, get an iterator per shard, read records. No
 * `ListStreams`: the mapping is given the stream's ARN and never lists streams.
 */
export const PUBLISHER_STREAM_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetShardIterator',
  'dynamodb:GetRecords',
] as const;

/**
 * What the publisher's own code calls: Query on the collection index to count a completed
 * collection (`countCollectionImages`), and PutEvents on the bus (`EventBridgeChangeBus`).
 */
export const PUBLISHER_CODE_ACTIONS = {
  collectionIndex: ['dynamodb:Query'],
  bus: ['events:PutEvents'],
} as const;

/** The stream mapping's on-failure destination: Lambda sends to it with the function's role. */
export const PUBLISHER_FAILURE_QUEUE_ACTIONS = ['sqs:SendMessage'] as const;

interface IngestFunctionSpec {
  readonly logicalId: string;
  readonly description: string;
}

/** Each vendor's ingest function: `Ingest<Vendor>Function`, described by its manifest. */
const INGEST_FUNCTIONS: Readonly<Record<IngestFunctionName, IngestFunctionSpec>> =
  Object.fromEntries(
    VENDOR_MANIFESTS.map((manifest): [IngestFunctionName, IngestFunctionSpec] => [
      ingestFunctionOf(manifest.vendor),
      {
        logicalId: `Ingest${resourceNameOf(manifest.vendor)}Function`,
        description: manifest.deployment.functionDescription,
      },
    ]),
  ) as Record<IngestFunctionName, IngestFunctionSpec>;

/** The fixed logical id of each function, for the README's `sam local invoke` commands. */
export const FUNCTION_LOGICAL_IDS: Readonly<Record<FunctionName, string>> = byFunction(
  (vendor) => INGEST_FUNCTIONS[ingestFunctionOf(vendor)].logicalId,
  { worker: 'WorkerFunction', read: 'ReadFunction', publisher: 'PublisherFunction' },
);

/** The resources the functions are wired to and granted on; each grant names one of them. */
export interface PipelineFunctionsProps {
  readonly queues: WebhookQueues;
  readonly tables: ImageTables;
  readonly secrets: WebhookSecrets;
  /** The bus the publisher puts change events on, and its stream mapping's on-failure queue. */
  readonly changeEvents: ChangeEvents;
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
 * The seven functions and exactly the permissions each one uses, written as explicit statements
 * rather than `grant*` helpers so every action is named here and scoped to one resource:
 * - ingest: SendMessage to the main and quarantine queues, GetSecretValue on its own secret;
 * - worker: item operations on the two tables, and the queue polling the event source mapping does;
 * - read: GetItem/Query on the records table and its index, GetSecretValue on the cursor key;
 * - publisher: the stream reads its mapping does, Query on the collection index, PutEvents on the
 *   bus, and SendMessage to the mapping's on-failure queue.
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
        ...sizingOf(name),
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
      // `Accepted`, as an EMF metric would be (same namespace, name and dimensions), counted from
      // the accepted delivery's log line instead of a second line per webhook.
      const accepted = new logs.MetricFilter(this, `${spec.logicalId}AcceptedFilter`, {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.outcome', '=', 'accepted'),
        metricNamespace: metricsNamespace,
        metricName: 'Accepted',
        metricValue: '1',
        unit: cloudwatch.Unit.COUNT,
        dimensions: { service: '$.service', vendor: '$.vendor' },
      });
      pinLogicalId(accepted, `${spec.logicalId}AcceptedMetricFilter`);
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

    const publisher = this.#publisher(props);

    this.byName = byFunction((vendor) => ingest(ingestFunctionOf(vendor)), {
      worker,
      read,
      publisher,
    });
  }

  /**
   * The publisher, fed by the records table's stream through a Lambda event source mapping rather
   * than an EventBridge Pipe. A Pipe would still need this function as its enrichment (stream
   * images carry the deflated record state, `changed` is a diff of two decoded records, and a
   * completion needs a count from the collection index), so it would add a second hop and its
   * own per-request charge for nothing the mapping lacks: the mapping has the same partial batch
   * failures, bisection, bounded retries, maximum record age and on-failure destination, and the
   * local stack can feed the very same handler the very same event shape.
   *
   * The mapping keeps per-shard order (parallelization factor 1), so an image's changes are
   * published in the order they were committed and the last event for an image carries its
   * current record.
   */
  #publisher(props: PipelineFunctionsProps): ServiceFunction {
    const { tables, changeEvents, logRetention, metricsNamespace, localInvokePlaceholders } = props;
    const streamArn = tables.records.tableStreamArn;
    if (streamArn === undefined) throw new Error('the records table has no stream');
    const publisher = new ServiceFunction(this, FUNCTION_LOGICAL_IDS.publisher, {
      functionName: 'publisher',
      logicalId: FUNCTION_LOGICAL_IDS.publisher,
      description:
        'Records table stream → change events on EventBridge (Image Record Changed, Collection Completed)',
      ...PUBLISHER_SIZING,
      logRetention,
      metricsNamespace,
      environment: {
        ...localInvokePlaceholders.publisher,
        // The bus's name when the stack created it, its ARN when it was given (another account's
        // bus can only be named by ARN).
        EVENT_BUS_NAME: changeEvents.busCreated
          ? changeEvents.bus.eventBusName
          : changeEvents.bus.eventBusArn,
        RECORDS_TABLE: tables.records.tableName,
      },
    });
    const streamReads = publisher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadRecordsTableStream',
        actions: [...PUBLISHER_STREAM_ACTIONS],
        resources: [streamArn],
      }),
    );
    publisher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CountCompletedCollections',
        actions: [...PUBLISHER_CODE_ACTIONS.collectionIndex],
        resources: tables.recordsDefinition.globalIndexes.map(
          (index) => `${tables.records.tableArn}/index/${index.indexName}`,
        ),
      }),
    );
    publisher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PutChangeEvents',
        actions: [...PUBLISHER_CODE_ACTIONS.bus],
        resources: [changeEvents.bus.eventBusArn],
      }),
    );
    const failureSends = publisher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ParkUnpublishedStreamBatches',
        actions: [...PUBLISHER_FAILURE_QUEUE_ACTIONS],
        resources: [changeEvents.failureQueue.queueArn],
      }),
    );
    const mapping = publisher.function.addEventSourceMapping('RecordsStreamMapping', {
      eventSourceArn: streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: PUBLISHER_BATCH_SIZE,
      parallelizationFactor: 1,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: PUBLISHER_RETRY_ATTEMPTS,
      maxRecordAge: PUBLISHER_MAX_RECORD_AGE,
      // The destination is named directly: `SqsDlq` would also grant GetQueueAttributes and
      // GetQueueUrl, which the mapping does not use.
      onFailure: {
        bind: () => ({ destination: changeEvents.failureQueue.queueArn }),
      },
    });
    // Lambda checks the role can read the stream (and send to the destination) when it creates
    // the mapping, so the policy must exist first.
    for (const statement of [streamReads, failureSends]) {
      if (statement.policyDependable) mapping.node.addDependency(statement.policyDependable);
    }
    return publisher;
  }

  /** The Lambda function behind a route, for the API integrations. */
  functionFor(name: FunctionName): lambda.IFunction {
    return this.byName[name].function;
  }
}
