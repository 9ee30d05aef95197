import type { Context } from 'aws-lambda';
import { capturedLines, readableLines } from '../../../local/logs/handler-lines';
import { captureWrites, installOutputCapture } from '../../../local/logs/output-capture';
import { createLogger } from '../../../shared/observability/logger';
import { withReadableLogs } from '../../../local/logs/readable-handler';
import { lambdaContext } from '../../../local/lambda/lambda-context';

const AT = new Date('2026-12-01T12:01:03.000Z');
const record = (fields: Record<string, unknown>) =>
  capturedLines([{ stream: 'stdout', text: `${JSON.stringify(fields)}\n` }]);
const response = (statusCode: number, body: unknown) => ({
  statusCode,
  body: JSON.stringify(body),
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('readable lines', () => {
  it('prints one line for an accepted delivery: time, vendor, outcome, eventId, duration', () => {
    // Prepare
    const lines = record({ level: 'INFO', message: 'webhook enqueued', eventId: 'spyne:a:b:c' });

    // Act
    const printed = readableLines({
      functionName: 'ingest-spyne',
      at: AT,
      durationMs: 4,
      event: {},
      result: response(200, { status: 'accepted', eventId: 'spyne:a:b:c' }),
      lines,
      level: 'INFO',
    });

    // Assess
    expect(printed).toEqual(['12:01:03 ✓ spyne accepted spyne:a:b:c 4 ms']);
  });

  it('folds a refusal’s reason into its one line: issue paths, or the logged auth failure', () => {
    // Prepare
    const invalid = {
      functionName: 'ingest-image-intelligence',
      at: AT,
      durationMs: 3,
      event: {},
      result: response(400, {
        error: 'invalid_payload',
        issues: [{ path: 'createdAt' }, { path: 'jobResults' }],
      }),
      lines: record({ level: 'WARN', message: 'webhook rejected', issuePaths: ['createdAt'] }),
      level: 'INFO' as const,
    };
    const unauthorized = {
      ...invalid,
      result: response(401, { error: 'unauthorized' }),
      lines: record({ level: 'WARN', message: 'webhook rejected', authFailure: 'bad_signature' }),
    };

    // Act
    const printed = [...readableLines(invalid), ...readableLines(unauthorized)];

    // Assess
    expect(printed).toEqual([
      '12:01:03 ✗ image-intelligence 400 invalid_payload: createdAt, jobResults 3 ms',
      '12:01:03 ✗ image-intelligence 401 unauthorized (bad_signature) 3 ms',
    ]);
  });

  it('prints one line per worker batch with its events by outcome, and each error below it', () => {
    // Prepare
    const lines = [
      ...record({ level: 'INFO', message: 'Event applied', outcome: 'applied', eventId: 'e1' }),
      ...record({ level: 'INFO', message: 'Duplicate', outcome: 'duplicate', eventId: 'e1' }),
      ...record({ level: 'INFO', message: 'Duplicate', outcome: 'duplicate', eventId: 'e1' }),
      ...record({
        level: 'ERROR',
        message: 'Event failed; the message will be retried',
        outcome: 'failed',
        eventId: 'e2',
        error: { name: 'TimeoutError', message: 'socket hang up' },
      }),
    ];

    // Act
    const printed = readableLines({
      functionName: 'worker',
      at: AT,
      durationMs: 12,
      event: { Records: [{}, {}, {}, {}] },
      result: { batchItemFailures: [{ itemIdentifier: 'm4' }] },
      lines,
      level: 'INFO',
    });

    // Assess
    expect(printed).toEqual([
      '12:01:03 ✗ worker 4 messages: 1 applied, 2 duplicates, 1 failed 12 ms',
      '    error: Event failed; the message will be retried e2 (TimeoutError: socket hang up)',
    ]);
  });

  it('prints a read with its route, status and the parameters a 400 names', () => {
    // Prepare
    const event = {
      rawPath: '/images',
      rawQueryString: 'vendor=spyne&collection=sku:1',
      requestContext: { http: { method: 'GET' } },
    };

    // Act
    const printed = readableLines({
      functionName: 'read',
      at: AT,
      durationMs: 1,
      event,
      result: response(400, { error: 'invalid_request', issues: [{ path: 'collection' }] }),
      lines: [],
      level: 'INFO',
    });

    // Assess
    expect(printed).toEqual([
      '12:01:03 ✗ read GET /images?vendor=spyne&collection=sku:1 400 invalid_request: collection 1 ms',
    ]);
  });
});

describe('handlers wrapped for readable logs', () => {
  beforeAll(() => installOutputCapture());

  /** A handler that logs a JSON record naming itself, halfway through a slow invocation. */
  const loggingHandler =
    (name: string, delayMs: number) => async (_event: unknown, context: Context) => {
      await sleep(delayMs);
      process.stdout.write(
        `${JSON.stringify({ level: 'INFO', message: 'Event applied', outcome: 'applied', function_name: name, requestId: context.awsRequestId })}\n`,
      );
      await sleep(delayMs);
      return { batchItemFailures: [] };
    };

  it('attributes each record to the overlapping invocation that wrote it', async () => {
    // Prepare
    const printed: string[] = [];
    const counts: number[] = [];
    const options = {
      settings: { format: 'json' as const, level: 'INFO' as const },
      print: (line: string) => printed.push(line),
      onWorkerBatch: (batch: { applied: number }) => counts.push(batch.applied),
    };
    const slow = withReadableLogs('worker', loggingHandler('slow', 30), options);
    const fast = withReadableLogs('worker', loggingHandler('fast', 5), options);

    // Act
    await Promise.all([
      slow({ Records: [{}] }, lambdaContext('worker', 1000, 'request-slow')),
      fast({ Records: [{}] }, lambdaContext('worker', 1000, 'request-fast')),
    ]);

    // Assess
    expect(printed.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ function_name: 'fast', requestId: 'request-fast' }),
      expect.objectContaining({ function_name: 'slow', requestId: 'request-slow' }),
    ]);
    expect(counts).toEqual([1, 1]);
  });

  it('keeps Powertools JSON in json mode, leaving out records below the level asked for', async () => {
    // Prepare
    const printed: string[] = [];
    const handler = withReadableLogs(
      'read',
      async () => {
        process.stdout.write(`${JSON.stringify({ level: 'INFO', message: 'served' })}\n`);
        process.stdout.write(
          `${JSON.stringify({ level: 'ERROR', message: 'Read request failed' })}\n`,
        );
        return response(200, {});
      },
      { settings: { format: 'json', level: 'WARN' }, print: (line) => printed.push(line) },
    );

    // Act
    const result = await handler({}, lambdaContext('read', 1000));

    // Assess
    expect(result).toEqual(response(200, {}));
    expect(printed).toEqual(['{"level":"ERROR","message":"Read request failed"}']);
  });

  it('passes a thrown error on after printing what the handler logged', async () => {
    // Prepare
    const printed: string[] = [];
    const handler = withReadableLogs(
      'read',
      async () => {
        process.stdout.write(
          `${JSON.stringify({ level: 'ERROR', message: 'boom', errorName: 'Oops' })}\n`,
        );
        throw new Error('boom');
      },
      { settings: { format: 'pretty', level: 'INFO' }, print: (line) => printed.push(line) },
    );

    // Act
    const outcome = handler({}, lambdaContext('read', 1000));

    // Assess
    await expect(outcome).rejects.toThrow('boom');
    expect(printed).toEqual(['    error: boom (Oops)']);
  });
});

describe('handler loggers', () => {
  beforeAll(() => installOutputCapture());

  it('name their own function even when handlers share a process', async () => {
    // Prepare
    const workerLogger = createLogger();
    const ingestLogger = createLogger();
    workerLogger.addContext(lambdaContext('worker', 1000));
    ingestLogger.addContext(lambdaContext('ingest-spyne', 1000));

    // Act
    const { writes } = await captureWrites(async () => {
      workerLogger.info('Event applied');
      ingestLogger.info('webhook enqueued');
      workerLogger.info('Event applied');
    });

    // Assess
    const names = capturedLines(writes).map((line) =>
      line.kind === 'record' ? line.record.function_name : undefined,
    );
    expect(names).toEqual(['worker', 'ingest-spyne', 'worker']);
  });
});
