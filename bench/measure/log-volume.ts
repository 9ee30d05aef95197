import { randomUUID } from 'node:crypto';
import { ACCESS_LOG_FIELDS } from '../../infra/access-log-fields';
import {
  type FunctionSizing,
  INGEST_SIZING,
  PUBLISHER_BATCH_SIZE,
  PUBLISHER_SIZING,
  WORKER_BATCH_SIZE,
  WORKER_SIZING,
} from '../../infra/function-sizing';
import { FUNCTION_MEMORY_MB } from '../cost/function-memory';
import { PRICES } from '../cost/prices';
import { INGEST_FUNCTION_OF, WEBHOOK_MIX } from '../cost/webhook-mix';
import type {
  ChangeEventsResult,
  IngestCpuResult,
  LogsResult,
  WorkerResult,
} from '../report/results-schema';
import { round } from '../support/stats';

/**
 * The system log records Lambda writes per invocation with the JSON log format the stack
 * deploys (`platform.start` and `platform.report`; a cold start adds `platform.initStart` and
 * `platform.initReport`, not counted), with a request id and figures of realistic width.
 */
export const platformBytesPerInvocation = (memoryMb: number): number => {
  const requestId = randomUUID();
  const time = '2026-11-23T10:00:00.000Z';
  const start = { time, type: 'platform.start', record: { requestId, version: '$LATEST' } };
  const report = {
    time,
    type: 'platform.report',
    record: {
      requestId,
      metrics: {
        durationMs: 12.345,
        billedDurationMs: 13,
        memorySizeMB: memoryMb,
        maxMemoryUsedMB: 104,
      },
      status: 'success',
    },
  };
  return [start, report].reduce(
    (sum, record) => sum + Buffer.byteLength(`${JSON.stringify(record)}\n`),
    0,
  );
};

/**
 * A typical value of each `$context` variable the access log format names, for a webhook POST
 * accepted with 200 (a SharinPix delivery: the mix's most common route). A variable API Gateway
 * leaves empty is written `-`.
 */
const ACCESS_LOG_SAMPLE: Readonly<Record<string, string>> = {
  '$context.requestId': 'Jq9yXhKpIAMEVjQ=',
  '$context.requestTime': '07/Dec/2026:10:00:00 +0000',
  '$context.routeKey': 'POST /webhooks/sharinpix',
  '$context.httpMethod': 'POST',
  '$context.path': '/webhooks/sharinpix',
  '$context.protocol': 'HTTP/1.1',
  '$context.status': '200',
  '$context.responseLength': '68',
  '$context.responseLatency': '24',
  '$context.integrationStatus': '200',
  '$context.integrationLatency': '22',
  '$context.integrationErrorMessage': '-',
  '$context.error.message': '-',
  '$context.authorizer.error': '-',
  '$context.identity.sourceIp': '203.0.113.24',
  '$context.identity.userAgent': 'SharinPix-Webhooks/1.0 (+https://sharinpix.com)',
  '$context.identity.userArn': '-',
};

/**
 * Bytes of the access log line API Gateway writes per request, with the deployed format
 * (`infra/access-log-fields.ts`) and the sample values above. Throws for a variable without a
 * sample, so a field added to the format is sized, not skipped.
 */
export const accessLogLineBytes = (
  fields: Readonly<Record<string, string>> = ACCESS_LOG_FIELDS,
): number => {
  const line: Record<string, string> = {};
  for (const [name, variable] of Object.entries(fields)) {
    const sample = ACCESS_LOG_SAMPLE[variable];
    if (sample === undefined) throw new Error(`no sample value for ${variable} in the access log`);
    line[name] = sample;
  }
  return Buffer.byteLength(`${JSON.stringify(line)}\n`);
};

/** A function's platform bytes per invocation: none where its system log level drops them. */
const platformBytesOf = (sizing: FunctionSizing, memoryMb: number): number =>
  sizing.systemLogLevel === 'INFO' ? platformBytesPerInvocation(memoryMb) : 0;

/**
 * CloudWatch Logs bytes per webhook of the mix, priced at ingestion ($0.50/GB) on a line of its
 * own, outside the goal's ratio: what the handler bundles wrote to stdout in this run (JSON lines
 * and EMF metrics, which Lambda's JSON log format passes through as they are), per webhook:
 *
 * - ingest: the measured bytes per request of the function that receives each kind of webhook,
 *   weighted by the mix (a repeat delivery is a SharinPix one);
 * - worker: its bytes per event over the mix in the throughput run;
 * - publisher: its bytes per stream record, times the mix's stream records per webhook;
 * - platform: the start and report records of each invocation whose function keeps them
 *   (`systemLogLevel` INFO): a tenth of a worker batch and the webhook's share of a 100-record
 *   publisher batch; ingest (WARN) writes none.
 *
 * API Gateway's access log line per request (`accessLogBytes`) goes to CloudWatch Logs too, at the
 * same price; it is printed beside the total, not in it, as the total is what the handlers write.
 */
export const logVolume = (
  ingest: IngestCpuResult,
  worker: WorkerResult,
  changes: ChangeEventsResult,
): LogsResult => {
  const totalShare = WEBHOOK_MIX.reduce((sum, entry) => sum + entry.share, 0);
  const ingestBytes = WEBHOOK_MIX.reduce((sum, entry) => {
    const found = ingest.cases.find(
      (item) => item.functionName === INGEST_FUNCTION_OF[entry.scenario],
    );
    if (found === undefined) throw new Error(`no ingest log bytes for ${entry.scenario}`);
    return sum + (entry.share / totalShare) * found.logBytes;
  }, 0);
  const workerBytes = worker.throughput.logBytesPerEvent;
  const publisherBytes = changes.publisher.logBytesPerRecord * changes.mix.streamRecords;
  const platformBytes =
    platformBytesOf(INGEST_SIZING, INGEST_SIZING.memorySize) +
    platformBytesOf(WORKER_SIZING, FUNCTION_MEMORY_MB.worker) / WORKER_BATCH_SIZE +
    (platformBytesOf(PUBLISHER_SIZING, FUNCTION_MEMORY_MB.publisher) * changes.mix.streamRecords) /
      PUBLISHER_BATCH_SIZE;
  const totalBytes = ingestBytes + workerBytes + publisherBytes + platformBytes;
  const accessLogBytes = accessLogLineBytes();
  return {
    ingestBytes: round(ingestBytes, 0),
    workerBytes: round(workerBytes, 0),
    publisherBytes: round(publisherBytes, 0),
    platformBytes: round(platformBytes, 0),
    totalBytes: round(totalBytes, 0),
    dollarsPerMillion: round((totalBytes / 1024 ** 3) * PRICES.logsIngestionPerGb * 1e6, 3),
    accessLogBytes,
    accessLogDollarsPerMillion: round(
      (accessLogBytes / 1024 ** 3) * PRICES.logsIngestionPerGb * 1e6,
      3,
    ),
    basis: `$${PRICES.logsIngestionPerGb.toFixed(2)}/GB ingested; handler stdout as measured, platform start + report records where the system log level keeps them`,
  };
};
