import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { HealthReport } from '../gateway/gateway-server';
import { LOCAL_AWS } from '../servers/dynamodb-local';
import type { WorkerEventCounts } from '../logs/handler-lines';
import type { WorkerFeedStats } from '../worker-feed/worker-feed';
import { QUEUE_ROLES, type QueueRole } from './local-names';
import type { LocalQueues } from './queue-layout';

/** Where the stack is in its life; only `running` can be healthy. */
export type StackPhase = 'starting' | 'running' | 'stopping';

/** What `/health` probes. */
export interface StackProbeTargets {
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly queues: LocalQueues;
}

/**
 * The worker as `/health` shows it: the feed's batches and messages (deleted or left to the
 * visibility timeout), and the events inside them by outcome, so applied events and counted
 * duplicates are told apart.
 */
export interface WorkerHealth extends WorkerFeedStats {
  readonly events: WorkerEventCounts;
}

/** Health probes must answer fast: one attempt, one second. */
const PROBE_CLIENT_CONFIG = {
  ...LOCAL_AWS,
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 1000, requestTimeout: 1000 },
} as const;

/** `ECONNREFUSED` says more than the SDK's generic `Error` name when a server is down. */
const reason = (error: unknown): string => {
  if (typeof error !== 'object' || error === null) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const name = 'name' in error && typeof error.name === 'string' ? error.name : 'Error';
  return code ?? name;
};

/**
 * `GET /health` for the local stack: 200 only when the stack is running and DynamoDB Local and
 * the SQS server both answer right now (so a killed DynamoDB Local shows up at once), with queue
 * depths (the DLQ's among them), the worker feed's counters and the change events' (published,
 * the stream feed's position and retries, forwarding) in the body.
 */
export class StackHealth {
  #phase: StackPhase = 'starting';
  #targets: StackProbeTargets | undefined;
  #dynamoDb: DynamoDBClient | undefined;
  #sqs: SQSClient | undefined;
  #feedStats: (() => WorkerHealth) | undefined;
  #iamStats: (() => Readonly<Record<string, unknown>>) | undefined;
  #changeStats: (() => Readonly<Record<string, unknown>>) | undefined;

  /** Points the probes at the servers once they exist. */
  attach(
    targets: StackProbeTargets,
    feedStats: () => WorkerHealth,
    iamStats?: () => Readonly<Record<string, unknown>>,
    changeStats?: () => Readonly<Record<string, unknown>>,
  ): void {
    this.#iamStats = iamStats;
    this.#changeStats = changeStats;
    this.#targets = targets;
    this.#dynamoDb = new DynamoDBClient({
      ...PROBE_CLIENT_CONFIG,
      endpoint: targets.dynamoDbEndpoint,
    });
    this.#sqs = new SQSClient({ ...PROBE_CLIENT_CONFIG, endpoint: targets.sqsEndpoint });
    this.#feedStats = feedStats;
  }

  setPhase(phase: StackPhase): void {
    this.#phase = phase;
  }

  get phase(): StackPhase {
    return this.#phase;
  }

  readonly report = async (): Promise<HealthReport> => {
    const targets = this.#targets;
    if (this.#phase !== 'running' || !targets || !this.#dynamoDb || !this.#sqs) {
      return { ready: false, body: { status: this.#phase } };
    }
    const dynamoDb = this.#dynamoDb;
    const sqs = this.#sqs;
    const [dynamoDbStatus, queueDepths] = await Promise.all([
      dynamoDb.send(new ListTablesCommand({ Limit: 1 })).then(
        () => 'ok',
        (error: unknown) => `unreachable (${reason(error)})`,
      ),
      Promise.all(
        QUEUE_ROLES.map(async (role: QueueRole) => {
          const output = await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: targets.queues[role].url,
              AttributeNames: [
                'ApproximateNumberOfMessages',
                'ApproximateNumberOfMessagesNotVisible',
              ],
            }),
          );
          const visible = Number(output.Attributes?.ApproximateNumberOfMessages ?? '0');
          const inFlight = Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0');
          return [role, { messages: Math.max(0, visible - inFlight), inFlight }] as const;
        }),
      ).then(
        (entries) => Object.fromEntries(entries),
        (error: unknown) => `unreachable (${reason(error)})`,
      ),
    ]);
    const sqsOk = typeof queueDepths !== 'string';
    const ready = dynamoDbStatus === 'ok' && sqsOk;
    return {
      ready,
      body: {
        status: ready ? 'ok' : 'degraded',
        dynamodb: dynamoDbStatus,
        sqs: sqsOk ? 'ok' : queueDepths,
        queues: sqsOk ? queueDepths : {},
        worker: this.#feedStats?.() ?? {},
        iam: this.#iamStats?.() ?? { enforced: false },
        changes: this.#changeStats?.() ?? {},
      },
    };
  };

  close(): void {
    this.#dynamoDb?.destroy();
    this.#sqs?.destroy();
  }
}
