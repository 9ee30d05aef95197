import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { EnqueueError } from '../../../shared/queue/event-queue';
import { loadBody } from '../../support/vendor-bodies';
import { ingestHarness } from './support/ingest-harness';
import { TEST_SECRETS } from './support/test-secrets';

/** Captures everything Powertools writes: JSON lines, info and EMF to stdout, warn and error to stderr. */
const captureOutput = () => {
  const lines: string[] = [];
  const collect = (chunk: string | Uint8Array): boolean => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(collect),
    jest.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  return {
    records: (): Array<Record<string, unknown>> => lines.map((line) => JSON.parse(line)),
    text: (): string => lines.join('\n'),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
};

/** The Powertools log and metrics ingest is built with in Lambda, writing to captured output. */
const powertoolsUnderTest = () => ({
  log: new Logger({ serviceName: 'ingest-test' }),
  metrics: new Metrics({ namespace: 'IngestTest', serviceName: 'ingest-test' }),
});

const SHARINPIX_HEADERS = {
  'content-type': 'application/json',
  'x-sharinpix-event': 'new_tag_image',
  'x-sharinpix-secret': TEST_SECRETS.SHARINPIX_SECRET,
};

describe('ingest on the Powertools log and metrics', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env.POWERTOOLS_DEV;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('logs an accepted delivery with requestId, vendor, eventId and outcome, in one line', async () => {
    // Prepare
    const output = captureOutput();
    const { deliver } = ingestHarness('sharinpix', powertoolsUnderTest());

    // Act
    let answer: Awaited<ReturnType<typeof deliver>>;
    try {
      answer = await deliver({
        body: loadBody('sharinpix', 'new_tag_image'),
        headers: SHARINPIX_HEADERS,
      });
    } finally {
      output.restore();
    }

    // Assess
    const records = output.records();
    // The stack's Accepted metric filter reads `outcome`, `service` and `vendor` from this line, so
    // no EMF line follows it.
    expect(records).toEqual([
      expect.objectContaining({
        message: 'webhook enqueued',
        service: 'ingest-test',
        requestId: 'Jq9yXhKpIAMEVjQ=',
        vendor: 'sharinpix',
        eventId: answer.body.eventId,
        outcome: 'accepted',
        status: 200,
      }),
    ]);
  });

  it('writes one line per accepted delivery in a warm container, and nothing else', async () => {
    // Prepare: one container's Powertools instances, as in Lambda, and three deliveries.
    const output = captureOutput();
    const { deliver } = ingestHarness('sharinpix', powertoolsUnderTest());
    const body = loadBody('sharinpix', 'new_tag_image');

    // Act
    try {
      for (let index = 0; index < 3; index += 1) {
        await deliver({ body, headers: SHARINPIX_HEADERS });
      }
    } finally {
      output.restore();
    }

    // Assess: no EMF line (nothing was counted) and no warning about a dimension left behind.
    expect(output.records().map((record) => record.message)).toEqual([
      'webhook enqueued',
      'webhook enqueued',
      'webhook enqueued',
    ]);
  });

  it('counts a rejection with its reason, and never logs secrets, tokens, bodies or user data', async () => {
    // Prepare
    const output = captureOutput();
    const { deliver } = ingestHarness('sharinpix', powertoolsUnderTest());
    const body = loadBody('sharinpix', 'new_tag_image') as Record<string, unknown>;

    // Act
    try {
      await deliver({
        body: { ...body, tag: 'not-a-tag' },
        headers: SHARINPIX_HEADERS,
        rawQueryString: 'token=abc123',
      });
      await deliver({
        body,
        headers: { ...SHARINPIX_HEADERS, 'x-sharinpix-secret': 'guessed-secret-77' },
      });
    } finally {
      output.restore();
    }

    // Assess
    const records = output.records();
    expect(records.find((record) => record.outcome === 'invalid_payload')).toMatchObject({
      vendor: 'sharinpix',
      status: 400,
      quarantined: true,
      issuePaths: ['tag'],
    });
    expect(records.find((record) => record.outcome === 'unauthorized')).toMatchObject({
      authFailure: 'credential_mismatch',
      status: 401,
    });
    const metrics = records.filter((record) => '_aws' in record);
    expect(metrics).toEqual([
      expect.objectContaining({ Rejected: 1, Quarantined: 1, reason: 'invalid_payload' }),
      expect.objectContaining({ Rejected: 1, reason: 'unauthorized' }),
    ]);
    const text = output.text();
    for (const forbidden of [
      TEST_SECRETS.SHARINPIX_SECRET,
      'guessed-secret-77',
      'abc123',
      'jane.example',
      'Jane Example',
      'not-a-tag',
    ]) {
      expect(text).not.toContain(forbidden);
    }
  });

  it('logs a queue failure with its error name and counts EnqueueFailed', async () => {
    // Prepare
    const output = captureOutput();
    const { deliver, eventQueue } = ingestHarness('sharinpix', powertoolsUnderTest());
    eventQueue.failWith = new EnqueueError('SendMessage failed: TimeoutError', 'https://queue', {
      cause: new Error('socket hang up'),
    });

    // Act
    try {
      await deliver({ body: loadBody('sharinpix', 'new_tag_image'), headers: SHARINPIX_HEADERS });
    } finally {
      output.restore();
    }

    // Assess
    const records = output.records();
    expect(records.find((record) => record.outcome === 'unavailable')).toMatchObject({
      cause: 'enqueue_failed',
      errorName: 'EnqueueError',
      errorMessage: 'SendMessage failed: TimeoutError',
      status: 503,
      eventId: expect.stringMatching(/^sharinpix:new_tag_image:/),
    });
    expect(records.find((record) => '_aws' in record)).toMatchObject({ EnqueueFailed: 1 });
  });
});
