import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type DynamoDbLocal,
  LOCAL_AWS,
  startDynamoDbLocal,
} from '../../../../local/servers/dynamodb-local';
import { freePort } from '../../../../local/servers/free-port';
import { type SqsLocal, startSqsLocal } from '../../../../local/servers/sqs-local';
import { LOCAL_TABLE_NAMES, type QueueRole } from '../../../../local/stack/local-names';
import { ensureQueues, type LocalQueues } from '../../../../local/stack/queue-layout';
import { ensureTable } from '../../../../shared/store/ensure-table';
import { LEDGER_TABLE, RECORDS_TABLE } from '../../../../shared/store/table-definitions';
import { REPOSITORY_ROOT } from '../local-stack-process';
import { stackChildEnvironment } from '../../../../local/stack/spawn-local-stack';
import { StackLog } from '../stack-log';
import { FaultProxy } from './fault-proxy';
import {
  PIPELINE_CONFIG_VARIABLE,
  PIPELINE_READY_LINE,
  type PipelineConfig,
} from './pipeline-config';

/** How a suite wants the split pipeline. */
export interface SplitStackOptions {
  readonly visibilityTimeoutSeconds: number;
  readonly pollers?: number;
}

/** One running pipeline process and the tally of what it printed. */
interface PipelineProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The local pipeline split into parts a suite can break one at a time, built from the local
 * stack's own components: DynamoDB Local and local SQS run here (in the test process), the
 * gateway with the ingest and read handlers runs in one child process, the worker feed with the
 * worker in another. The gateway reaches SQS through a fault proxy (SQS can "go down" for
 * ingest); the worker reaches SQS through the same proxy and DynamoDB through a second one
 * (DynamoDB can go down or throttle for the worker only). Killing the worker process loses no
 * queued message, as in AWS, because SQS is not inside it.
 *
 * The tables, queues and redrive policy are created by the same code as `npm start`'s.
 * `queues` holds the servers' own URLs, for the suite's direct observations.
 */
export class SplitStack {
  readonly gatewayLog = new StackLog();
  /** Everything every worker process printed, across restarts. */
  readonly workerLog = new StackLog();
  /** Everything every publisher process printed, across restarts. */
  readonly publisherLog = new StackLog();
  /** The publisher's data directory: changes.jsonl, stream checkpoints, the forward cursor. */
  readonly publisherDir = mkdtempSync(join(tmpdir(), 'split-publisher-'));
  readonly #options: SplitStackOptions;
  readonly #servers: { dynamoDb: DynamoDbLocal; sqs: SqsLocal };
  readonly #gatewayPort: number;
  #gateway: PipelineProcess | undefined;
  #worker: PipelineProcess | undefined;
  #publisher: PipelineProcess | undefined;

  private constructor(
    options: SplitStackOptions,
    servers: { dynamoDb: DynamoDbLocal; sqs: SqsLocal },
    readonly sqsProxy: FaultProxy,
    readonly dynamoDbProxy: FaultProxy,
    readonly queues: LocalQueues,
    /** Direct clients for the suite's own observations (never through a proxy). */
    readonly sqs: SQSClient,
    readonly dynamoDb: DynamoDBClient,
    gatewayPort: number,
    /** The records table's stream, read by the publisher (and by a suite, for the truth). */
    readonly recordsStreamArn: string,
  ) {
    this.#options = options;
    this.#servers = servers;
    this.#gatewayPort = gatewayPort;
  }

  /** Starts the servers, tables, queues and proxies, then the gateway (not the worker). */
  static async start(options: SplitStackOptions): Promise<SplitStack> {
    const [dynamoDbPort, sqsPort, sqsProxyPort, dynamoDbProxyPort, gatewayPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const [dynamoDbServer, sqsServer] = await Promise.all([
      startDynamoDbLocal({ port: dynamoDbPort }),
      startSqsLocal({ port: sqsPort }),
    ]);
    const dynamoDb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoDbServer.endpoint });
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: sqsServer.endpoint });
    await ensureTable(dynamoDb, RECORDS_TABLE, LOCAL_TABLE_NAMES.records);
    await ensureTable(dynamoDb, LEDGER_TABLE, LOCAL_TABLE_NAMES.ledger);
    const queues = await ensureQueues(sqs, {
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });
    const described = await dynamoDb.send(
      new DescribeTableCommand({ TableName: LOCAL_TABLE_NAMES.records }),
    );
    const stack = new SplitStack(
      options,
      { dynamoDb: dynamoDbServer, sqs: sqsServer },
      await FaultProxy.start(sqsServer.endpoint, sqsProxyPort),
      await FaultProxy.start(dynamoDbServer.endpoint, dynamoDbProxyPort),
      queues,
      sqs,
      dynamoDb,
      gatewayPort,
      described.Table?.LatestStreamArn ?? '',
    );
    stack.#gateway = await stack.#spawn(
      {
        role: 'gateway',
        port: gatewayPort,
        sqsEndpoint: stack.sqsProxy.endpoint,
        dynamoDbEndpoint: dynamoDbServer.endpoint,
      },
      stack.gatewayLog,
    );
    return stack;
  }

  /** The gateway's URL: webhooks and reads. */
  get url(): string {
    return `http://127.0.0.1:${this.#gatewayPort}`;
  }

  /** DynamoDB Local itself (not through the fault proxy), for a suite's own reads. */
  get dynamoDbEndpoint(): string {
    return this.#servers.dynamoDb.endpoint;
  }

  get tables(): typeof LOCAL_TABLE_NAMES {
    return LOCAL_TABLE_NAMES;
  }

  /** Starts a worker process (the event source mapping and the worker handler). */
  async startWorker(): Promise<void> {
    if (this.workerRunning()) throw new Error('a worker is already running');
    this.#worker = await this.#spawn(
      {
        role: 'worker',
        sqsEndpoint: this.sqsProxy.endpoint,
        dynamoDbEndpoint: this.dynamoDbProxy.endpoint,
      },
      this.workerLog,
    );
  }

  /**
   * Starts a publisher process: the stream feed on the records table's stream, the publisher
   * handler and the local change bus (changes.jsonl in `publisherDir`), forwarding to `forwardUrl`
   * when given. It reads DynamoDB directly, not through the worker's fault proxy. A restarted one
   * resumes from the checkpoint the last one saved.
   */
  async startPublisher(options: { forwardUrl?: string } = {}): Promise<void> {
    const child = this.#publisher?.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      throw new Error('a publisher is already running');
    }
    this.#publisher = await this.#spawn(
      {
        role: 'publisher',
        sqsEndpoint: this.#servers.sqs.endpoint,
        dynamoDbEndpoint: this.#servers.dynamoDb.endpoint,
        dataDir: this.publisherDir,
        recordsStreamArn: this.recordsStreamArn,
        ...(options.forwardUrl === undefined ? {} : { forwardUrl: options.forwardUrl }),
      },
      this.publisherLog,
    );
  }

  /** Stops the publisher: SIGTERM lets it finish its batch; SIGKILL is a crash. */
  async stopPublisher(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const publisher = this.#publisher;
    if (!publisher) return;
    if (publisher.child.exitCode === null && publisher.child.signalCode === null) {
      publisher.child.kill(signal);
    }
    await publisher.exited;
    this.#publisher = undefined;
  }

  workerRunning(): boolean {
    const child = this.#worker?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Stops the worker: SIGTERM lets it finish its batches; SIGKILL is a crash. */
  async stopWorker(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    if (this.workerRunning()) worker.child.kill(signal);
    await worker.exited;
    this.#worker = undefined;
  }

  /** Visible and in-flight messages of a queue, read directly from the server. */
  async depth(role: QueueRole): Promise<{ visible: number; inFlight: number }> {
    const output = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queues[role].url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const visible = Number(output.Attributes?.ApproximateNumberOfMessages ?? '0');
    const inFlight = Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0');
    return { visible: Math.max(0, visible - inFlight), inFlight };
  }

  /** Waits until `check` holds on two readings in a row; returns the time until the first. */
  async until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
    const startedAt = Date.now();
    let firstAt: number | undefined;
    for (;;) {
      if (await check()) {
        if (firstAt !== undefined) return firstAt - startedAt;
        firstAt = Date.now();
      } else {
        firstAt = undefined;
      }
      if (Date.now() - startedAt > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  /** Waits until the main queue holds nothing, visible or in flight. */
  untilMainQueueEmpty(timeoutMs: number): Promise<number> {
    return this.until(
      async () => {
        const main = await this.depth('main');
        return main.visible === 0 && main.inFlight === 0;
      },
      timeoutMs,
      'the main queue to drain',
    );
  }

  /** Crash signs in any process's output. */
  crashLines(): string[] {
    return [
      ...this.gatewayLog.crashLines,
      ...this.workerLog.crashLines,
      ...this.publisherLog.crashLines,
    ];
  }

  async stop(): Promise<void> {
    await this.stopWorker('SIGKILL');
    await this.stopPublisher('SIGKILL');
    rmSync(this.publisherDir, { recursive: true, force: true });
    const gateway = this.#gateway;
    if (gateway && gateway.child.exitCode === null) {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
    }
    await this.sqsProxy.close();
    await this.dynamoDbProxy.close();
    this.sqs.destroy();
    this.dynamoDb.destroy();
    await this.#servers.sqs.stop();
    await this.#servers.dynamoDb.stop();
  }

  /**
   * The queues as the handlers see them: the SDK sends each queue call to the host in its
   * QueueUrl (not to the configured endpoint), so the URLs must name the proxy too.
   */
  #queuesViaProxy(): LocalQueues {
    const proxied = (queue: LocalQueues[QueueRole]) => {
      const url = new URL(queue.url);
      return { ...queue, url: `${this.sqsProxy.endpoint}${url.pathname}` };
    };
    return {
      main: proxied(this.queues.main),
      dlq: proxied(this.queues.dlq),
      quarantine: proxied(this.queues.quarantine),
    };
  }

  async #spawn(
    part: Pick<
      PipelineConfig,
      | 'role'
      | 'port'
      | 'sqsEndpoint'
      | 'dynamoDbEndpoint'
      | 'dataDir'
      | 'recordsStreamArn'
      | 'forwardUrl'
    >,
    log: StackLog,
  ): Promise<PipelineProcess> {
    const config: PipelineConfig = {
      ...part,
      queues: this.#queuesViaProxy(),
      tables: LOCAL_TABLE_NAMES,
      visibilityTimeoutSeconds: this.#options.visibilityTimeoutSeconds,
      pollers: this.#options.pollers ?? 2,
    };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/reliability/support/split-stack/pipeline-process.ts'],
      {
        cwd: REPOSITORY_ROOT,
        env: { ...stackChildEnvironment(), [PIPELINE_CONFIG_VARIABLE]: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let ready = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (text.includes(PIPELINE_READY_LINE)) ready = true;
      log.consume('stdout', text);
    });
    child.stderr?.on('data', (chunk: Buffer) => log.consume('stderr', chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const deadline = Date.now() + 60_000;
    while (!ready) {
      if (child.exitCode !== null)
        throw new Error(`the ${part.role} process exited:\n${log.tail()}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the ${part.role} process did not start:\n${log.tail()}`);
      }
      await sleep(50);
    }
    return { child, exited };
  }
}
