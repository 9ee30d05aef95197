import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type EventEnvelope, toEventEnvelope } from '../../../../shared/queue/event-queue';
import { VENDOR_DEFINITIONS } from '../../../../shared/vendors/registry';
import type { Vendor } from '../../../../shared/vendors/vendor';
import { loadBody } from '../../../support/vendor-bodies';
import { eventNameOfBodyFile } from '../../../../scripts/fixtures/build-fixtures';

/**
 * The envelope ingest would queue for a vendor body: read and identified by the vendor's own
 * definition, built by the same `toEventEnvelope` ingest uses.
 */
export const envelopeOf = (
  vendor: Vendor,
  payload: unknown,
  options: { eventType?: string; receivedAt?: Date; requestId?: string } = {},
): EventEnvelope => {
  const definition = VENDOR_DEFINITIONS[vendor];
  if (definition === undefined) throw new Error(`no definition for ${vendor}`);
  const event = definition.read({
    payload,
    ...(options.eventType ? { eventType: options.eventType } : {}),
  });
  if (!event.ok) throw new Error(`fixture fails its schema: ${JSON.stringify(event.issues)}`);
  const receivedAt = options.receivedAt ?? new Date('2026-11-23T10:00:00.000Z');
  return toEventEnvelope({
    vendor,
    event: event.value,
    identity: definition.identify(event.value, receivedAt),
    receivedAt,
    // Fixed by default, so envelopes (and their compressed archives) have reproducible sizes.
    requestId: options.requestId ?? 'test-request-0001',
  });
};

/**
 * The envelope of a stored body `events/bodies/<vendor>/<name>.json`. For SharinPix the event
 * name comes from the file name (`new_image--unprocessed` → `new_image`), as the header would.
 */
export const envelopeOfBody = (
  vendor: Vendor,
  name: string,
  options: { receivedAt?: Date } = {},
): EventEnvelope =>
  envelopeOf(vendor, loadBody(vendor, name), {
    ...options,
    ...(vendor === 'sharinpix' ? { eventType: eventNameOfBodyFile(name) } : {}),
  });

/** One SQS record as the event source mapping delivers it. */
export const sqsRecordOf = (
  body: EventEnvelope | string,
  options: { messageId?: string; receiveCount?: number } = {},
): SQSRecord => ({
  messageId: options.messageId ?? randomUUID(),
  receiptHandle: `receipt-${randomUUID()}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: String(options.receiveCount ?? 1),
    SentTimestamp: '1795435200000',
    SenderId: 'AROAEXAMPLE:ingest',
    ApproximateFirstReceiveTimestamp: '1795435200000',
  },
  messageAttributes: {},
  md5OfBody: 'not-checked-by-the-worker',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:vendor-webhooks-events',
  awsRegion: 'us-east-1',
});

/** A batch of records. */
export const sqsEventOf = (records: readonly SQSRecord[]): SQSEvent => ({ Records: [...records] });
