import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { HTTP_ROUTES } from '../shared/http/routes';
import { ALARM_THRESHOLD_DEFAULTS, type StackConfig } from './stack-config';
import { PipelineAlarms } from './constructs/alarms';
import { WebhookHttpApi } from './constructs/http-api';
import { ChangeEvents } from './constructs/change-events';
import { ImageTables } from './constructs/image-tables';
import { OperationsDashboard } from './constructs/operations-dashboard';
import { FUNCTION_LOGICAL_IDS, PipelineFunctions } from './constructs/pipeline-functions';
import { WebhookQueues } from './constructs/webhook-queues';
import { WebhookSecrets } from './constructs/webhook-secrets';
import { localInvokePlaceholders } from './function-environment';
import { WORKER_BATCHING_WINDOW, WORKER_SIZING } from './function-sizing';
import { exemptGuardFindings } from './guard-exemptions';
import { acknowledgeNagFindings } from './nag-suppressions';
import { addStackOutputs } from './stack-outputs';

/** The app context the stack depends on, already validated by `readStackConfig`. */
export interface VendorWebhooksStackProps extends StackProps {
  readonly config: StackConfig;
}

/**
 * The whole pipeline in one stack: HTTP API → ingest functions → SQS (DLQ, quarantine) → worker →
 * DynamoDB ← read function, and the records table's stream → publisher → EventBridge, with
 * secrets, least-privilege roles, alarms and outputs. Each concern lives in its own construct;
 * this class only wires them together.
 */
export class VendorWebhooksStack extends Stack {
  readonly queues: WebhookQueues;
  readonly tables: ImageTables;
  readonly secrets: WebhookSecrets;
  readonly changeEvents: ChangeEvents;
  readonly functions: PipelineFunctions;
  readonly httpApi: WebhookHttpApi;
  readonly alarms: PipelineAlarms;
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: VendorWebhooksStackProps) {
    super(scope, id, props);
    const { config } = props;
    // CloudWatch Logs only takes its own retention values, which the config schema enforces.
    const retention = (days: number): logs.RetentionDays => days as logs.RetentionDays;

    this.queues = new WebhookQueues(this, 'Queues', {
      workerTimeout: WORKER_SIZING.timeout,
      workerBatchingWindow: WORKER_BATCHING_WINDOW,
    });
    this.tables = new ImageTables(this, 'Tables');
    this.secrets = new WebhookSecrets(this, 'Secrets', { namePrefix: this.stackName });
    this.changeEvents = new ChangeEvents(this, 'ChangeEvents', {
      existingBusArn: config.changeEventBusArn,
      busNamePrefix: this.stackName,
    });
    this.functions = new PipelineFunctions(this, 'Functions', {
      queues: this.queues,
      tables: this.tables,
      secrets: this.secrets,
      changeEvents: this.changeEvents,
      logRetention: retention(config.logRetentionDays),
      metricsNamespace: this.stackName,
      localInvokePlaceholders: localInvokePlaceholders(config.localInvoke),
    });
    this.httpApi = new WebhookHttpApi(this, 'Api', {
      functionFor: (name) => this.functions.functionFor(name),
      apiName: this.stackName,
      throttleOverrides: config.throttles,
      accessLogRetention: retention(config.accessLogRetentionDays),
      customDomain:
        config.customDomainName !== undefined && config.customDomainCertificateArn !== undefined
          ? {
              domainName: config.customDomainName,
              certificateArn: config.customDomainCertificateArn,
            }
          : undefined,
    });
    const webhookFunctionNames = new Set(
      HTTP_ROUTES.filter((route) => !route.iamAuth).map((route) => route.functionName),
    );
    this.alarms = new PipelineAlarms(this, 'Alarms', {
      queue: this.queues.queue,
      queueVisibilityTimeout: this.queues.visibilityTimeout,
      deadLetterQueue: this.queues.deadLetterQueue,
      quarantineQueue: this.queues.quarantineQueue,
      api: this.httpApi.api,
      accessLogGroup: this.httpApi.accessLogGroup,
      worker: this.functions.byName.worker.function,
      publisher: this.functions.byName.publisher.function,
      changeStreamFailureQueue: this.changeEvents.failureQueue,
      ingestFunctions: [...webhookFunctionNames].map((name) => ({
        logicalId: FUNCTION_LOGICAL_IDS[name],
        function: this.functions.functionFor(name),
      })),
      thresholds: { ...ALARM_THRESHOLD_DEFAULTS, ...config.alarmThresholds },
      namePrefix: this.stackName,
      metricsNamespace: this.stackName,
      alarmEmail: config.alarmEmail,
    });

    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      namePrefix: this.stackName,
      metricsNamespace: this.stackName,
      api: this.httpApi.api,
      accessLogGroup: this.httpApi.accessLogGroup,
      queue: this.queues.queue,
      deadLetterQueue: this.queues.deadLetterQueue,
      quarantineQueue: this.queues.quarantineQueue,
      worker: this.functions.byName.worker.function,
      workerLogGroup: this.functions.byName.worker.logGroup,
      publisher: this.functions.byName.publisher.function,
      publisherLogGroup: this.functions.byName.publisher.logGroup,
      changeStreamFailureQueue: this.changeEvents.failureQueue,
      alarms: this.alarms.alarms,
    });

    addStackOutputs(this, {
      dashboard: this.dashboard,
      httpApi: this.httpApi,
      tables: this.tables,
      queues: this.queues,
      secrets: this.secrets,
      changeEvents: this.changeEvents,
    });
    exemptGuardFindings({
      functions: this.functions,
      httpApi: this.httpApi,
      queues: this.queues,
      changeEvents: this.changeEvents,
    });
    acknowledgeNagFindings({
      functions: this.functions,
      httpApi: this.httpApi,
      queues: this.queues,
      secrets: this.secrets,
      changeEvents: this.changeEvents,
    });
  }
}
