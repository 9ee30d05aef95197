import { round } from '../support/stats';
import type { Results } from './results-schema';

type Row = readonly [string, string, string, string, string];

const kb = (bytes: number): string => `${round(bytes / 1024, 1)} KB`;
const dollars = (value: number): string => `$${value.toFixed(2)}`;
/** Cents and below show three decimals, so a small line does not read as $0.00. */
const fineDollars = (value: number): string =>
  value > 0 && value < 0.1 ? `$${value.toFixed(3)}` : dollars(value);

/** "<target> yes|NO" for a goal of the run, or '' when the row has none. */
const goalCell = (results: Results, goal: string): string => {
  const found = results.goals.find((item) => item.goal === goal);
  return found === undefined ? '' : `${found.target} ${found.holds ? 'yes' : 'NO'}`;
};

/** Every figure of a run as rows: measurement, case, ours, reference or floor, goal. */
const rowsOf = (results: Results): Row[] => {
  const rows: Row[] = [];
  for (const bundle of results.bundles) {
    rows.push([
      '1 bundle',
      bundle.name,
      kb(bundle.bytes),
      `top: ${bundle.top.map((item) => `${item.name} ${Math.round(item.bytes / 1024)}K`).join(', ')}`,
      goalCell(results, `bundle ${bundle.name}`),
    ]);
  }
  const cold = results.coldInit;
  rows.push([
    '2 cold init',
    `hello-world, median of ${cold.runs} (${cold.node})`,
    `${cold.helloMs} ms`,
    '',
    '',
  ]);
  for (const bundle of cold.bundles) {
    rows.push([
      '2 cold init',
      bundle.name,
      `${bundle.medianMs} ms (p90 ${bundle.p90Ms})`,
      `${bundle.ratioToHello}x hello-world`,
      goalCell(results, `cold init ${bundle.name}`),
    ]);
  }
  for (const item of results.ingestCpu.cases) {
    rows.push([
      '3 ingest CPU',
      `${item.name}, ${kb(item.bodyBytes)}`,
      `${item.oursMicros} us/request`,
      `floor ${item.floorMicros} us: ${item.ratio}x (${item.ratioMin}-${item.ratioMax}x over ${results.ingestCpu.processes} processes)`,
      goalCell(results, `ingest CPU ${item.name}`),
    ]);
  }
  const sdkFloor = results.ingestCpu.sdkFloorReference;
  if (sdkFloor !== undefined) {
    rows.push([
      '3 ingest CPU',
      `reference: floor with the SDK's SQS client, ${kb(sdkFloor.bodyBytes)}`,
      `${sdkFloor.oursMicros} us/request`,
      `lean floor ${sdkFloor.floorMicros} us: ${sdkFloor.ratio}x (${sdkFloor.ratioMin}-${sdkFloor.ratioMax}x)`,
      '',
    ]);
  }
  const read = results.memory.readCpu;
  rows.push([
    '3 read CPU',
    read.name,
    `${read.oursMicros} us/request`,
    `hello-world ${read.floorMicros} us (for the memory curve)`,
    '',
  ]);
  for (const item of results.worker.cases) {
    rows.push([
      '4 worker',
      `${item.name} [${item.kind}]`,
      `${item.writeUnits} WRU (${item.indexWriteUnits} index), ${item.readUnits} RRU, ${item.dynamoDbCalls} calls`,
      `floor ${item.floorWriteUnits} WRU, ${item.images + 1} calls`,
      '',
    ]);
  }
  const throughput = results.worker.throughput;
  rows.push([
    '4 worker',
    `events/s in one process (${throughput.events} events of the mix)`,
    `${throughput.eventsPerSecond}/s, ${throughput.cpuMicrosPerEvent} us CPU/event`,
    `floor ${throughput.floorEventsPerSecond}/s, ${throughput.floorCpuMicrosPerEvent} us`,
    goalCell(results, 'worker events per second'),
  ]);
  const projection = results.worker.indexProjection;
  rows.push([
    '4 worker',
    `byCollection ALL (deployed) vs KEYS_ONLY: index WRU/webhook, RRU/${projection.pageSize}-record page`,
    `ALL ${projection.indexWriteUnitsAll} WRU, ${projection.pageReadUnitsAll} RRU`,
    `KEYS_ONLY ${projection.indexWriteUnitsKeysOnly} WRU, ${projection.pageReadUnitsKeysOnly} RRU; even at ${projection.breakEvenPagesPerWebhook} pages/webhook`,
    '',
  ]);
  const changes = results.changeEvents;
  for (const item of changes.cases) {
    rows.push([
      '4 change events',
      item.name,
      `${item.imageRecordChanged} changed + ${item.collectionCompleted} completed`,
      `${item.streamRecords} stream records; ${item.billedEvents} billed, largest ${kb(item.largestEntryBytes)}; outbox ${item.outboxWriteUnits} WRU, count ${item.publisherReadUnits} RRU`,
      '',
    ]);
  }
  rows.push([
    '4 change events',
    'per webhook of the priced mix (weighted)',
    `${changes.mix.total} (${changes.mix.imageRecordChanged} changed + ${changes.mix.collectionCompleted} completed)`,
    `${changes.mix.streamRecords} stream records, ${changes.mix.billedEvents} billed events`,
    '',
  ]);
  const publisher = changes.publisher;
  rows.push([
    '4 change events',
    `publisher bundle over the throughput run's stream (${publisher.streamRecords} records, ${publisher.recordsPerBatch}/batch)`,
    `${publisher.cpuMicrosPerBatch} us CPU/batch, ${publisher.cpuMicrosPerRecord} us/record`,
    `${publisher.events} change events put`,
    '',
  ]);
  const e2e = results.endToEnd;
  rows.push([
    '5 end to end',
    `${e2e.requests} new webhooks, ${e2e.concurrency} clients`,
    `${e2e.requestsPerSecond} req/s`,
    `ack p50 ${e2e.ackP50Ms} ms, p99 ${e2e.ackP99Ms} ms`,
    goalCell(results, `end to end, ${e2e.concurrency} clients`),
  ]);
  rows.push([
    '5 end to end',
    `ack -> record visible (${e2e.visibilityRequests} webhooks)`,
    `p50 ${e2e.visibleP50Ms} ms, p99 ${e2e.visibleP99Ms} ms`,
    `${e2e.failures} failed; stack healthy in ${e2e.timeToHealthyMs} ms`,
    '',
  ]);
  rows.push([
    '5 end to end',
    `ack -> change events forwarded (${e2e.changeRequests} webhooks)`,
    `first p50 ${e2e.ackToFirstChangeP50Ms} ms, p99 ${e2e.ackToFirstChangeP99Ms}; all p50 ${e2e.ackToAllChangesP50Ms}, p99 ${e2e.ackToAllChangesP99Ms}`,
    `ack p50 ${e2e.changeAckP50Ms} ms, p99 ${e2e.changeAckP99Ms}; ack -> visible above; ${e2e.changeEventsReceived} of ${e2e.changeEventsExpected} received (${e2e.changeEventsRepeated} repeats), ${e2e.webhooksMissingChanges} webhooks short`,
    '',
  ]);
  const cost = results.cost;
  for (const item of cost.mix) {
    rows.push([
      '6 cost mix',
      `${round(item.share * 100, 2)}% ${item.name}`,
      `${dollars(item.dollarsPerMillion)}/M`,
      `${item.images} images`,
      '',
    ]);
  }
  for (const line of cost.lines) {
    rows.push(['6 cost', line.item, `${dollars(line.dollarsPerMillion)}/M`, line.basis, '']);
  }
  rows.push([
    '6 cost',
    `TOTAL per million webhooks without change events (${cost.imagesPerWebhook} images each)`,
    `${dollars(cost.totalPerMillion)}/M`,
    `REST API ${dollars(cost.restApiTotalPerMillion)}/M; DynamoDB at floor ${dollars(cost.floorTotalPerMillion)}/M`,
    goalCell(results, 'cost per million webhooks'),
  ]);
  for (const line of cost.changeLines) {
    rows.push([
      '6 cost changes',
      line.item,
      `${fineDollars(line.dollarsPerMillion)}/M`,
      line.basis,
      '',
    ]);
  }
  rows.push([
    '6 cost changes',
    `Change events per million webhooks (${results.changeEvents.mix.total} events each)`,
    `${dollars(cost.changeEventsPerMillion)}/M`,
    'stream, outbox, publisher, counts, EventBridge',
    '',
  ]);
  rows.push([
    '6 cost',
    'TOTAL per million webhooks with change events',
    `${dollars(cost.totalWithChangesPerMillion)}/M`,
    `without: ${dollars(cost.totalPerMillion)}/M`,
    '',
  ]);
  const logs = results.logs;
  rows.push([
    '6 cost logs',
    `CloudWatch Logs, outside the ratio (${logs.totalBytes} B/webhook: ingest ${logs.ingestBytes}, worker ${logs.workerBytes}, publisher ${logs.publisherBytes}, platform ${logs.platformBytes})`,
    `${fineDollars(logs.dollarsPerMillion)}/M`,
    logs.basis,
    goalCell(results, 'CloudWatch Logs per webhook'),
  ]);
  rows.push([
    '6 cost logs',
    `API Gateway access log, beside it (${logs.accessLogBytes} B per request, the deployed format)`,
    `${fineDollars(logs.accessLogDollarsPerMillion)}/M`,
    'one JSON line per request; API Gateway writes it, not the functions',
    '',
  ]);
  for (const line of cost.notCounted) {
    rows.push([
      '6 not counted',
      line.item,
      line.dollarsPerMillion > 0 ? `${fineDollars(line.dollarsPerMillion)}/M` : '',
      line.basis,
      '',
    ]);
  }
  return rows;
};

/** A Markdown-style table of `rows` under `header`, columns padded to their widest cell. */
const tableOf = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] => {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    `| ${header.map((_, column) => (row[column] ?? '').padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)];
};

/** The memory curve of every function: modelled duration and $ per million invocations. */
const memoryTable = (results: Results): string[] => {
  const memory = results.memory;
  const steps = memory.functions[0]?.points.map((point) => point.memoryMb) ?? [];
  const header = [
    'function',
    'invocation',
    'CPU',
    'I/O',
    ...steps.map((mb) => `${mb} MB`),
    'knee',
    'configured',
  ];
  const rows = memory.functions.map((curve) => [
    curve.name,
    curve.invocation,
    `${round(curve.cpuMicros / 1000, 2)} ms`,
    `${curve.ioWaitMs} ms`,
    ...curve.points.map(
      (point) =>
        `${point.durationMs} ms ${fineDollars(point.dollarsPerMillion)}${point.memoryMb === curve.recommendedMb ? ' *' : ''}`,
    ),
    `${curve.recommendedMb} MB`,
    `${curve.configuredMb} MB ${curve.configuredOnKnee ? 'on the knee' : 'off the knee'}`,
  ]);
  return [
    `Memory (modelled from the measured CPU: duration = CPU x max(1, 1769 MB / memory) + I/O waits, billed in 1 ms steps; $ per million invocations, requests + arm64 GB-s; * = knee, the cheapest within ${memory.latencyFactor}x of the fastest)`,
    ...tableOf(header, rows),
    ...memory.functions.map((curve) => `  ${curve.name} I/O: ${curve.ioBasis}`),
  ];
};

/** $ per million webhooks by body size, carried through SQS and the ledger, or by claim-check. */
const payloadTable = (results: Results): string[] => {
  const payload = results.payloadSizes;
  const header = [
    'body',
    'images',
    'message',
    'archive (gzip)',
    'ledger WRU',
    'ingest CPU',
    'HTTP API',
    'ingest',
    'SQS',
    'ledger',
    'worker',
    'carried $/M',
    'claim-check $/M',
  ];
  const rows = payload.rows.map((row) => [
    `${row.label} (${kb(row.bodyBytes)})`,
    String(row.images),
    kb(row.envelopeBytes),
    kb(row.archiveBytes),
    String(row.ledgerWriteUnits),
    `${round(row.ingestCpuMicros / 1000, 2)} ms${row.ingestCpuMeasured ? '' : ' (extrapolated)'}`,
    fineDollars(row.carried.httpApi),
    fineDollars(row.carried.ingestLambda),
    fineDollars(row.carried.sqs),
    fineDollars(row.carried.ledgerWrites),
    fineDollars(row.carried.workerLambda),
    row.accepted ? dollars(row.carried.total) : 'refused (413)',
    `${dollars(row.claimCheck.total)} (SQS ${fineDollars(row.claimCheck.sqs)}, ledger ${fineDollars(row.claimCheck.ledgerWrites)})`,
  ]);
  const crossover =
    payload.crossoverAboveBytes === 0
      ? 'the claim-check is never cheaper over the scanned sizes'
      : `the claim-check is cheaper from ${kb(payload.crossoverAboveBytes)} (carried is cheaper at ${kb(payload.crossoverBelowBytes)})`;
  return [
    `Cost by body size (${payload.body}; items that grow with the body, per million webhooks)`,
    ...tableOf(header, rows),
    `  Claim-check: ${payload.claimCheckBasis}. Scan of SQS + ledger + S3: ${crossover}.`,
  ];
};

/** The one table `npm run bench` prints, then the memory curves and the cost by body size. */
export const formatResultsTable = (results: Results): string => {
  const header: Row = ['measurement', 'case', 'ours', 'reference / floor', 'goal'];
  const held = results.goals.filter((goal) => goal.holds).length;
  return [
    `Benchmark (${results.mode}) ${results.startedAt}, ${results.durationSeconds} s, ${results.machine.cpus} CPUs, Node ${results.machine.node}; prices ${results.cost.region}, ${results.cost.priceDate}`,
    ...tableOf(header, rowsOf(results)),
    `Goals held: ${held} of ${results.goals.length}.${
      results.mode === 'full' ? ` Run length: ${goalCell(results, 'full bench run')}.` : ''
    }`,
    '',
    ...memoryTable(results),
    '',
    ...payloadTable(results),
  ].join('\n');
};
