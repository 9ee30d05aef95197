import type { DynamoDb } from '../../../../shared/aws/dynamodb';
import { CapacityTally } from '../../../../bench/support/capacity-tally';
import { DynamoDbImageRecordStore } from '../../../../shared/store/dynamodb-image-record-store';
import type { EventLedger } from '../../../../shared/store/event-ledger';
import type { ImageRecordStore } from '../../../../shared/store/image-record-store';
import { VENDOR_DEFINITIONS } from '../../../../shared/vendors/registry';
import type { ProcessEventDeps } from '../../../../shared/worker/process-event';
import { readWorkerConfig } from '../../../../shared/worker/worker-config';
import {
  createWorkerHandler,
  type WorkerHandler,
  type WorkerLog,
  type WorkerMetricName,
  type WorkerMetrics,
} from '../../../../shared/worker/worker-handler';
import type { TestTables } from '../../store/support/test-tables';
import { InspectableLedger } from '../../../support/inspectable-ledger';
import { localDynamoDbPort } from '../../../support/local-clients';

/** One log call the worker made. */
export interface LoggedLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

/** Records log lines, and the invocations they were told to name, instead of printing them. */
export class RecordingLog implements WorkerLog {
  readonly lines: LoggedLine[] = [];
  /** The `function_request_id` keys handed to `appendKeys`, in order. */
  readonly requestIds: unknown[] = [];
  appendKeys(keys: Record<string, unknown>): void {
    this.requestIds.push(keys.function_request_id);
  }
  info(message: string, attributes: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, attributes });
  }
  warn(message: string, attributes: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, attributes });
  }
  error(message: string, attributes: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, attributes });
  }
}

/** Adds metrics up instead of emitting EMF. */
export class RecordingMetrics implements WorkerMetrics {
  readonly counts = new Map<WorkerMetricName, number>();
  addMetric(name: WorkerMetricName, _unit: 'Count', value: number): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  publishStoredMetrics(): void {}
  count(name: WorkerMetricName): number {
    return this.counts.get(name) ?? 0;
  }
}

export interface TestWorkerOptions {
  /**
   * The stores' DynamoDB: by default the functions' own lean client on the run's DynamoDB Local;
   * a test passes another to fault or count its calls.
   */
  readonly dynamoDb?: DynamoDb;
  readonly tables: TestTables;
  readonly archiveEvents?: boolean;
  readonly now?: () => Date;
  /** Wraps the real ledger, e.g. to crash before `complete`. */
  readonly wrapLedger?: (ledger: EventLedger) => EventLedger;
  /** The vendor definitions the worker normalizes with (the registry's by default). */
  readonly definitions?: ProcessEventDeps['definitions'];
  /** Wraps the real store. */
  readonly wrapStore?: (store: ImageRecordStore) => ImageRecordStore;
}

export interface TestWorker {
  readonly handler: WorkerHandler;
  readonly ledger: InspectableLedger;
  readonly store: DynamoDbImageRecordStore;
  readonly tally: CapacityTally;
  readonly log: RecordingLog;
  readonly metrics: RecordingMetrics;
}

/** The worker as `functions/worker/handler.ts` wires it, against the test's tables. */
export const createTestWorker = (options: TestWorkerOptions): TestWorker => {
  const tally = new CapacityTally();
  const now = options.now ?? (() => new Date());
  const dynamoDb = options.dynamoDb ?? localDynamoDbPort();
  // The handler's own defaults, as functions/worker/handler.ts reads them from an unset environment.
  const config = readWorkerConfig({
    RECORDS_TABLE: options.tables.records,
    LEDGER_TABLE: options.tables.ledger,
  });
  const ledger = new InspectableLedger({
    client: dynamoDb,
    tableName: config.ledgerTable,
    dedupeWindowSeconds: config.dedupeWindowSeconds,
    archiveRetentionSeconds: config.archiveRetentionSeconds,
    onCapacity: tally.listener,
    now,
  });
  const store = new DynamoDbImageRecordStore({
    client: dynamoDb,
    tableName: config.recordsTable,
    onCapacity: tally.listener,
    now,
  });
  const log = new RecordingLog();
  const metrics = new RecordingMetrics();
  const handler = createWorkerHandler({
    ledger: options.wrapLedger ? options.wrapLedger(ledger) : ledger,
    store: options.wrapStore ? options.wrapStore(store) : store,
    definitions: options.definitions ?? VENDOR_DEFINITIONS,
    archiveEvents: options.archiveEvents ?? config.archiveEvents,
    applyConcurrency: config.applyConcurrency,
    log,
    metrics,
  });
  return { handler, ledger, store, tally, log, metrics };
};
