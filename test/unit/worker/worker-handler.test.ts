import { lambdaContext } from '../../../local/lambda/lambda-context';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import { UNFINISHED_ATTEMPT } from '../../../shared/worker/process-event';
import { createWorkerHandler } from '../../../shared/worker/worker-handler';
import {
  envelopeOfBody,
  sqsEventOf,
  sqsRecordOf,
} from '../../integration/worker/support/envelopes';
import { RecordingLog, RecordingMetrics } from '../../integration/worker/support/test-worker';
import { InMemoryLedger, InMemoryStore } from './support/in-memory-ports';

const handlerWith = (ledger = new InMemoryLedger()) => {
  const log = new RecordingLog();
  const metrics = new RecordingMetrics();
  const published = { count: 0 };
  metrics.publishStoredMetrics = () => {
    published.count += 1;
  };
  const handler = createWorkerHandler({
    ledger,
    store: new InMemoryStore(),
    definitions: VENDOR_DEFINITIONS,
    archiveEvents: true,
    applyConcurrency: 4,
    log,
    metrics,
  });
  return { handler, log, metrics, published, ledger };
};

describe('createWorkerHandler', () => {
  it('fails only the message with a bad envelope and applies the rest of the batch', async () => {
    // Prepare
    const { handler, metrics, published, log } = handlerWith();
    const bad = sqsRecordOf('{"version":1,"vendor":"spyne"');
    const spyne = sqsRecordOf(envelopeOfBody('spyne', 'v2-sample-a'));
    const sharinpix = sqsRecordOf(envelopeOfBody('sharinpix', 'new_image'));

    // Act
    const response = await handler(sqsEventOf([spyne, bad, sharinpix]));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect([metrics.count('Applied'), metrics.count('Failed')]).toEqual([2, 1]);
    expect(published.count).toBe(1);
    expect(log.lines.filter((line) => line.level === 'error')).toEqual([
      expect.objectContaining({
        message: 'Message is not a valid event envelope',
        attributes: expect.objectContaining({ messageId: bad.messageId }),
      }),
    ]);
  });

  it('logs ids and outcomes with every line, and never a payload value', async () => {
    // Prepare
    const { handler, log } = handlerWith();
    const envelope = envelopeOfBody('sharinpix', 'new_tag_image');
    const record = sqsRecordOf(envelope);

    // Act
    await handler(sqsEventOf([record]));
    await handler(sqsEventOf([{ ...record, messageId: 'msg-retry' }]));

    // Assess
    expect(log.lines.map((line) => line.message).sort()).toEqual([
      'Duplicate event counted, not applied',
      'Event applied',
    ]);
    for (const line of log.lines) {
      expect(line.attributes).toMatchObject({ vendor: 'sharinpix', eventId: envelope.eventId });
    }
    expect(log.lines.map((line) => line.attributes.outcome).sort()).toEqual([
      'applied',
      'duplicate',
    ]);
    const logged = JSON.stringify(log.lines);
    expect(logged).not.toMatch(/cdn\.sharinpix\.com|NorthBuilding|Villa|example\.com/);
  });

  it("hands SQS's receive count to the ledger, so a redelivery notes the attempt before it", async () => {
    // Prepare
    const { handler, ledger } = handlerWith();
    const redelivered = sqsRecordOf(envelopeOfBody('spyne', 'v2-sample-a'), { receiveCount: 3 });
    const first = sqsRecordOf(envelopeOfBody('sharinpix', 'new_image'));
    const unreadable = {
      ...sqsRecordOf(envelopeOfBody('spyne', 'v2-sample-b')),
      attributes: { ...first.attributes, ApproximateReceiveCount: 'many' },
    };

    // Act
    const response = await handler(sqsEventOf([redelivered, first, unreadable]));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(ledger.calls.filter((call) => call.startsWith('failure'))).toHaveLength(1);
    const [noted] = [...ledger.entries.values()].flatMap((entry) => entry.failures);
    expect(noted).toMatchObject({
      attempt: { messageId: redelivered.messageId, receiveCount: 2 },
      error: UNFINISHED_ATTEMPT,
    });
  });

  it('logs a delivery that applied the event while another completed it as a duplicate', async () => {
    // Prepare: two vendor deliveries of one event, in two batches handled at once.
    const { handler, metrics, log } = handlerWith();
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');
    const first = sqsRecordOf(envelope);
    const second = sqsRecordOf({ ...envelope, requestId: 'vendor-retry' });

    // Act
    const responses = await Promise.all([
      handler(sqsEventOf([first])),
      handler(sqsEventOf([second])),
    ]);

    // Assess
    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
    expect([metrics.count('Applied'), metrics.count('Duplicate')]).toEqual([1, 1]);
    expect(
      log.lines.find((line) => line.attributes.outcome === 'duplicate')?.attributes,
    ).toMatchObject({ deliveries: 2, appliedConcurrently: true });
  });

  it('reports a fully failed batch as item failures instead of throwing', async () => {
    // Prepare
    const { handler } = handlerWith();
    const records = [sqsRecordOf('not json'), sqsRecordOf('[]')];

    // Act
    const response = await handler(sqsEventOf(records));

    // Assess
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      records.map((record) => record.messageId),
    );
  });

  it('names each event by its message on its log lines, not by the batch invocation', async () => {
    // Prepare
    const { handler, log } = handlerWith();
    const record = sqsRecordOf(envelopeOfBody('spyne', 'v2-sample-a'));

    // Act
    await handler(sqsEventOf([record]), lambdaContext('worker', 30_000, 'invocation-1'));
    await handler(sqsEventOf([{ ...record, messageId: 'msg-2' }]));

    // Assess
    expect(log.requestIds).toEqual([]);
    expect(log.lines.map((line) => line.attributes.messageId)).toEqual([record.messageId, 'msg-2']);
  });
});
