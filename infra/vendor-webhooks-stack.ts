import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PipelineAlarms } from './constructs/alarms';
import { WebhookHttpApi } from './constructs/http-api';
import { ImageTables } from './constructs/image-tables';
import { PipelineFunctions } from './constructs/pipeline-functions';
import { WebhookQueues } from './constructs/webhook-queues';
import { WebhookSecrets } from './constructs/webhook-secrets';
import { localInvokePlaceholders } from './function-environment';
import { WORKER_BATCHING_WINDOW, WORKER_SIZING } from './function-sizing';
import { acknowledgeNagFindings } from './nag-suppressions';
import { addStackOutputs } from './stack-outputs';

/** The app context the stack depends on, already validated by `buildVendorWebhooksApp`. */
export interface VendorWebhooksStackProps extends StackProps {
  /** Email address subscribed to the alarm topic; no subscription when absent. */
  readonly alarmEmail: string | undefined;
  /** Declare the empty variables `sam local invoke --env-vars` needs (never for deploys). */
  readonly localInvoke: boolean;
}

/**
 * The whole pipeline in one stack: HTTP API → ingest functions → SQS (DLQ, quarantine) → worker →
 * DynamoDB ← read function, with secrets, least-privilege roles, alarms and outputs. Each concern
 * lives in its own construct; this class only wires them together.
 */
export class VendorWebhooksStack extends Stack {
  readonly queues: WebhookQueues;
  readonly tables: ImageTables;
  readonly secrets: WebhookSecrets;
  readonly functions: PipelineFunctions;
  readonly httpApi: WebhookHttpApi;
  readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: VendorWebhooksStackProps) {
    super(scope, id, props);

    this.queues = new WebhookQueues(this, 'Queues', {
      workerTimeout: WORKER_SIZING.timeout,
      workerBatchingWindow: WORKER_BATCHING_WINDOW,
    });
    this.tables = new ImageTables(this, 'Tables');
    this.secrets = new WebhookSecrets(this, 'Secrets');
    this.functions = new PipelineFunctions(this, 'Functions', {
      queues: this.queues,
      tables: this.tables,
      secrets: this.secrets,
      localInvokePlaceholders: localInvokePlaceholders(props.localInvoke),
    });
    this.httpApi = new WebhookHttpApi(this, 'Api', {
      functionFor: (name) => this.functions.functionFor(name),
    });
    this.alarms = new PipelineAlarms(this, 'Alarms', {
      queue: this.queues.queue,
      queueVisibilityTimeout: this.queues.visibilityTimeout,
      deadLetterQueue: this.queues.deadLetterQueue,
      quarantineQueue: this.queues.quarantineQueue,
      api: this.httpApi.api,
      worker: this.functions.byName.worker.function,
      alarmEmail: props.alarmEmail,
    });

    addStackOutputs(this, {
      httpApi: this.httpApi,
      tables: this.tables,
      queues: this.queues,
      secrets: this.secrets,
    });
    acknowledgeNagFindings({
      functions: this.functions,
      httpApi: this.httpApi,
      queues: this.queues,
      secrets: this.secrets,
    });
  }
}
