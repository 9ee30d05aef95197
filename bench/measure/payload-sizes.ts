import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../../local/servers/dynamodb-local';
import {
  envelopeMessage,
  type EventEnvelope,
  queueableEnvelopeMessage,
  queueMessageBytes,
} from '../../shared/queue/event-queue';
import { DynamoDbEventLedger } from '../../shared/store/dynamodb-event-ledger';
import { ensureTable } from '../../shared/store/ensure-table';
import { LEDGER_TABLE } from '../../shared/store/table-definitions';
import { parseEnvelope } from '../../shared/worker/worker-handler';
import { readWorkerConfig } from '../../shared/worker/worker-config';
import { FUNCTION_MEMORY_MB, ingestMemoryMb } from '../cost/function-memory';
import { PRICES } from '../cost/prices';
import { CapacityTally } from '../support/capacity-tally';
import { envelopeFor, httpEventOf, jsonDeliveryOf, spyneSkuOfBytes } from '../inputs/bench-bodies';
import type { PayloadSizeRow, PayloadSizesResult } from '../report/results-schema';
import type { BenchSizes } from '../support/bench-sizes';
import type { BuiltBundles } from '../support/build-bundles';
import { startStubServer } from '../support/child-process';
import { lambdaLikeEnvironment } from '../support/lambda-environment';
import { round } from '../support/stats';
import { sqsRequests } from './cost-model';
import { probeCpuCases } from './ingest-cpu';
import { leanDynamoDb } from '../support/bench-dynamodb';

const KIB = 1024;

/** The body sizes the table prints. */
export const PAYLOAD_SIZES_KIB = [1, 64, 256, 512, 1024] as const;

/** The sizes scanned for the claim-check crossover (only SQS and the ledger are priced there). */
const SCAN_SIZES_KIB = [
  1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 96, 128, 256, 512, 1024,
] as const;

/** API Gateway's HTTP API meters each started 512 KB of a request as one request. */
const HTTP_API_METER_BYTES = 512 * KIB;

/** S3 request prices (us-east-1, S3 Standard), per million: PUT and GET. Storage for a short TTL is left out. */
export const S3_PUT_PER_MILLION = 5.0;
export const S3_GET_PER_MILLION = 0.4;

const WORKER = readWorkerConfig({ RECORDS_TABLE: 'records', LEDGER_TABLE: 'ledger' });

/** The claim-check envelope: the same head, the payload replaced by the object's key. */
const pointerOf = (envelope: EventEnvelope): EventEnvelope => ({
  ...envelope,
  payload: { bodyKey: `bodies/${envelope.vendor}/${envelope.eventId}.json` },
});

const cpuMicrosOf = (work: () => void, iterations: number): number => {
  work();
  const before = process.cpuUsage();
  for (let index = 0; index < iterations; index += 1) work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / iterations;
};

/** Ledger write units of one event's completion with its archive, from DynamoDB. */
const ledgerUnits = async (
  ledger: DynamoDbEventLedger,
  tally: CapacityTally,
  envelope: EventEnvelope,
): Promise<number> => {
  // A key of its own per call (the same event is measured carried and by claim-check), with an
  // id as long as the event's, so the item's size is the event's.
  const eventId = `${randomUUID()}${envelope.eventId}`.slice(0, envelope.eventId.length);
  tally.reset();
  await ledger.complete({
    eventId,
    deliveryId: envelope.requestId,
    vendor: envelope.vendor,
    eventType: envelope.eventType,
    receivedAt: envelope.receivedAt,
    status: 'completed',
    imagesApplied: 1,
    ...(WORKER.archiveEvents ? { archive: envelope } : {}),
  });
  return tally.totals().writeUnits;
};

const lambdaDollars = (cpuMicros: number, memoryMb: number): number =>
  (cpuMicros / 1e6) * (memoryMb / 1024) * PRICES.lambdaArmPerGbSecond * 1e6;

/**
 * Cost by body size: Spyne SKUs grown image by image to 1, 64, 256, 512 KiB and 1 MiB, priced
 * for the items that grow with the body, carried as today and through an S3 claim-check.
 *
 * - HTTP API: one request per started 512 KB.
 * - Ingest Lambda: the Spyne bundle's measured CPU at that body (the CPU probe, against the SQS
 *   stub), billed in 1 ms steps at the configured memory, plus its request.
 * - SQS: the queue message as ingest builds it (`queueableEnvelopeMessage`), in 64 KB chunks: send, and
 *   the batched receive and delete.
 * - Ledger: the real `DynamoDbEventLedger` completion against DynamoDB Local, its one write per
 *   event, which stores the envelope gzip-compressed (`archive`); units from DynamoDB. The check
 *   before it reads no entry for a new event, whatever the body, and is left out.
 * - Worker Lambda: the body's share of the worker, parsing the message (`parseEnvelope`) and
 *   compressing the archive, measured in this process.
 *
 * The record writes follow the images, not the bytes, and are left out. The claim-check puts the
 * body in S3 at ingest and gets it in the worker; the message and the ledger carry a key instead,
 * measured the same way. A body whose message passes SQS's 1 MiB even with its payload compressed
 * is refused (413).
 */
export const measurePayloadSizes = async (
  bundles: BuiltBundles,
  workDir: string,
  sizes: BenchSizes,
  dynamoDbEndpoint: string,
): Promise<PayloadSizesResult> => {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoDbEndpoint });
  const tableName = `bench-payload-ledger-${process.pid}-${Date.now().toString(36)}`;
  try {
    await ensureTable(client, LEDGER_TABLE, tableName);
    const tally = new CapacityTally();
    const ledger = new DynamoDbEventLedger({
      client: leanDynamoDb(dynamoDbEndpoint),
      tableName,
      dedupeWindowSeconds: WORKER.dedupeWindowSeconds,
      archiveRetentionSeconds: WORKER.archiveRetentionSeconds,
      onCapacity: tally.listener,
    });

    const bodyOf = (kib: number) => {
      const file = spyneSkuOfBytes(kib * KIB);
      const envelope = envelopeFor(file);
      // The message ingest sends (the payload compressed when the plain one would not fit); a
      // body that fits neither way is refused, and priced as its plain message would be.
      const queueable = queueableEnvelopeMessage(envelope);
      const message = queueable ?? envelopeMessage(envelope);
      return {
        kib,
        file,
        envelope,
        message,
        accepted: queueable !== undefined,
        messageBytes: queueMessageBytes(message),
      };
    };
    type Body = ReturnType<typeof bodyOf>;
    const bodyBytes = (body: Body): number => Buffer.byteLength(jsonDeliveryOf(body.file).body);
    const s3Dollars = S3_PUT_PER_MILLION + S3_GET_PER_MILLION;
    const bodyCarrying = async (body: Body) => {
      const pointer = pointerOf(body.envelope);
      const pointerBytes = queueMessageBytes(envelopeMessage(pointer));
      const carriedUnits = await ledgerUnits(ledger, tally, body.envelope);
      const pointerUnits = await ledgerUnits(ledger, tally, pointer);
      return {
        carriedUnits,
        carried: {
          sqs: sqsRequests(body.messageBytes) * PRICES.sqsPerMillion,
          ledgerWrites: carriedUnits * PRICES.dynamoDbWritePerMillion,
        },
        claimCheck: {
          sqs: sqsRequests(pointerBytes) * PRICES.sqsPerMillion,
          ledgerWrites: pointerUnits * PRICES.dynamoDbWritePerMillion,
          s3: s3Dollars,
        },
      };
    };

    const scan = [];
    for (const kib of SCAN_SIZES_KIB) {
      const body = bodyOf(kib);
      const { carried, claimCheck } = await bodyCarrying(body);
      scan.push({
        bodyBytes: bodyBytes(body),
        carriedDollars: round(carried.sqs + carried.ledgerWrites, 3),
        claimCheckDollars: round(claimCheck.sqs + claimCheck.ledgerWrites + claimCheck.s3, 3),
      });
    }
    const cheaperAt = scan.findIndex((item) => item.claimCheckDollars < item.carriedDollars);

    const bodies = PAYLOAD_SIZES_KIB.map(bodyOf);
    const accepted = bodies.filter((body) => body.accepted);
    const iterationsFor = (kib: number): number =>
      kib <= 1
        ? sizes.cpuIterationsSmall
        : Math.max(1, Math.round(sizes.cpuIterationsLarge / Math.max(1, kib / 64)));
    const stub = await startStubServer(bundles.get('sqs-stub-server').file);
    let measured;
    try {
      measured = await probeCpuCases(bundles, workDir, {
        label: 'payload',
        warmup: Math.min(sizes.cpuWarmup, 20),
        rounds: sizes.cpuRounds,
        processes: 1,
        environment: lambdaLikeEnvironment('ingest-spyne', { awsStub: stub.endpoint }),
        cases: accepted.map((body, index) => ({
          name: `spyne ${body.kib} KiB`,
          ours: bundles.get('ingest-spyne').file,
          floor: bundles.get('ingest-floor').file,
          iterations: iterationsFor(body.kib),
          event: httpEventOf(body.file, `bench-payload-${index}`),
        })),
      });
    } finally {
      await stub.stop();
    }
    // A refused body's CPU is extrapolated from the two largest measured ones.
    const points = measured.map((item, index) => ({
      kib: accepted[index]?.kib,
      bytes: item.bodyBytes,
      micros: item.oursMicros,
    }));
    const [below, last] = points.slice(-2);
    const ingestCpuAt = (kib: number, bytes: number): { micros: number; measured: boolean } => {
      const found = points.find((point) => point.kib === kib);
      if (found !== undefined) return { micros: found.micros, measured: true };
      if (below === undefined || last === undefined || last.bytes === below.bytes) {
        return { micros: last?.micros ?? 0, measured: false };
      }
      const slope = (last.micros - below.micros) / (last.bytes - below.bytes);
      return { micros: last.micros + slope * (bytes - last.bytes), measured: false };
    };

    const rows: PayloadSizeRow[] = [];
    for (const body of bodies) {
      const bytes = bodyBytes(body);
      const { carriedUnits, carried, claimCheck } = await bodyCarrying(body);
      const ingestCpu = ingestCpuAt(body.kib, bytes);
      const messageBody = body.message.body;
      const workerBodyCpu = cpuMicrosOf(
        () => gzipSync(JSON.stringify(parseEnvelope('bench', messageBody))),
        Math.max(1, Math.round(256 / body.kib)),
      );
      const httpApiRequests = Math.max(1, Math.ceil(bytes / HTTP_API_METER_BYTES));
      const httpApi = httpApiRequests * PRICES.httpApiPerMillion;
      const ingestLambda =
        PRICES.lambdaRequestsPerMillion +
        lambdaDollars(
          Math.max(1000, Math.ceil(ingestCpu.micros / 1000) * 1000),
          ingestMemoryMb('ingest-spyne'),
        );
      const workerLambda = lambdaDollars(workerBodyCpu, FUNCTION_MEMORY_MB.worker);
      const costs = (part: { sqs: number; ledgerWrites: number; s3: number }) => {
        const total =
          httpApi + ingestLambda + part.sqs + part.ledgerWrites + workerLambda + part.s3;
        return {
          httpApi: round(httpApi, 3),
          ingestLambda: round(ingestLambda, 3),
          sqs: round(part.sqs, 3),
          ledgerWrites: round(part.ledgerWrites, 3),
          workerLambda: round(workerLambda, 3),
          s3: round(part.s3, 3),
          total: round(total, 2),
        };
      };
      rows.push({
        label: body.kib >= 1024 ? `${body.kib / 1024} MiB` : `${body.kib} KiB`,
        bodyBytes: bytes,
        images: Array.isArray(body.file.body.image_data) ? body.file.body.image_data.length : 0,
        accepted: body.accepted,
        envelopeBytes: body.messageBytes,
        archiveBytes: gzipSync(JSON.stringify(body.envelope)).byteLength,
        ledgerWriteUnits: round(carriedUnits, 1),
        httpApiRequests,
        sqsRequests: round(sqsRequests(body.messageBytes), 2),
        ingestCpuMicros: round(ingestCpu.micros, 0),
        ingestCpuMeasured: ingestCpu.measured,
        workerBodyCpuMicros: round(workerBodyCpu, 0),
        carried: costs({ ...carried, s3: 0 }),
        claimCheck: costs(claimCheck),
      });
    }
    return {
      body: 'Spyne v2 SKUs of as many images as fit, padded to the exact size',
      rows,
      scan,
      crossoverAboveBytes: cheaperAt < 0 ? 0 : (scan[cheaperAt]?.bodyBytes ?? 0),
      crossoverBelowBytes: cheaperAt <= 0 ? 0 : (scan[cheaperAt - 1]?.bodyBytes ?? 0),
      claimCheckBasis: `S3 PutObject $${S3_PUT_PER_MILLION.toFixed(2)}/M + GetObject $${S3_GET_PER_MILLION.toFixed(2)}/M, storage left out (short TTL); the message and ledger carry the key`,
    };
  } finally {
    client.destroy();
  }
};
