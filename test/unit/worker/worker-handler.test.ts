import { lambdaContext } from '../../../local/lambda/lambda-context';
import type { ClaimOutcome, ClaimRequest } from '../../../shared/store/event-ledger';
import { LeaseHeldError } from '../../../shared/store/store-errors';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import { createWorkerHandler } from '../../../shared/worker/worker-handler';
import {
  envelopeOfBody,
  sqsEventOf,
  sqsRecordOf,
} from '../../integration/worker/support/envelopes';
import { RecordingLog, RecordingMetrics } from '../../integration/worker/support/test-worker';
import { InMemoryLedger, InMemoryStore } from './support/in-memory-ports';

/** A ledger whose claims of one event meet another delivery's lease. */
class LeasedLedger extends InMemoryLedger {
  constructor(private readonly leasedEventId: string) {
    super();
  }
  override async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    if (request.eventId === this.leasedEventId) {
      throw new LeaseHeldError(request.eventId, '2026-11-23T12:02:00.000Z');
    }
    return super.claim(request);
  }
}

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
  return { handler, log, metrics, published };
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

  it('defers a message that meets a live lease without reporting an error', async () => {
    // Prepare
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');
    const { handler, metrics, log } = handlerWith(new LeasedLedger(envelope.eventId));
    const record = sqsRecordOf(envelope);

    // Act
    const response = await handler(sqsEventOf([record]));

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect([metrics.count('Deferred'), metrics.count('Failed')]).toEqual([1, 0]);
    expect(log.lines.map((line) => line.level)).toEqual(['info']);
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
