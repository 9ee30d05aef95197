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
  for (const item of results.worker.cases) {
    rows.push([
      '4 worker',
      `${item.name} [${item.kind}]`,
      `${item.writeUnits} WRU (${item.indexWriteUnits} index), ${item.readUnits} RRU, ${item.sdkCalls} calls`,
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
    '',
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
    '',
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

/** The one table `npm run bench` prints. */
export const formatResultsTable = (results: Results): string => {
  const header: Row = ['measurement', 'case', 'ours', 'reference / floor', 'goal'];
  const rows = [header, ...rowsOf(results)];
  const widths = header.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: Row) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  const held = results.goals.filter((goal) => goal.holds).length;
  return [
    `Benchmark (${results.mode}) ${results.startedAt}, ${results.durationSeconds} s, ${results.machine.cpus} CPUs, Node ${results.machine.node}; prices ${results.cost.region}, ${results.cost.priceDate}`,
    line(header),
    rule,
    ...rows.slice(1).map(line),
    `Goals held: ${held} of ${results.goals.length}.`,
  ].join('\n');
};
