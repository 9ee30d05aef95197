import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import { revalidateQuarantined } from '../../../scripts/lib/quarantine-revalidation';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { ingestRoute, runIngestPipeline } from '../../../shared/ingest/ingest-pipeline';
import { toIngestRequest } from '../../../shared/ingest/ingest-request';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import { QuarantineRecordSchema, quarantineMessage } from '../../../shared/ingest/quarantine';
import type { QueueMessage } from '../../../shared/queue/event-queue';
import type { Vendor } from '../../../shared/vendors/vendor';

const EVENTS = join(__dirname, '..', '..', '..', 'events');
const NOW = new Date('2026-11-23T10:00:00.000Z');

const fixture = (path: string): APIGatewayProxyEventV2 => {
  const parsed: APIGatewayProxyEventV2 = JSON.parse(readFileSync(join(EVENTS, path), 'utf8'));
  return parsed;
};

/** Runs the real ingest pipeline with in-memory queues; returns what it queued where. */
const ingest = async (vendor: Vendor, event: APIGatewayProxyEventV2) => {
  const events: QueueMessage[] = [];
  const quarantined: QueueMessage[] = [];
  const outcome = await runIngestPipeline(
    ingestRoute(vendor, VENDOR_DEFINITIONS),
    toIngestRequest(event, { now: NOW, requestId: 'fallback' }),
    {
      maxBodyBytes: 1_048_576,
      secrets: { current: async () => DEV_SECRETS },
      eventQueue: { send: async (message) => void events.push(message) },
      quarantineQueue: { send: async (message) => void quarantined.push(message) },
      now: () => NOW,
    },
  );
  return { outcome, events, quarantined };
};

/** The quarantine record ingest would keep for this delivery, as if validation had failed. */
const quarantinedAs = (vendor: Vendor, event: APIGatewayProxyEventV2) => {
  const request = toIngestRequest(event, { now: NOW, requestId: 'fallback' });
  const format = event.headers['content-type']?.includes('form') ? 'form' : 'json';
  const message = quarantineMessage(ingestRoute(vendor, VENDOR_DEFINITIONS), request, format, {
    reason: 'invalid_payload',
    message: 'an older schema refused it',
    issues: [{ path: 'image_id', message: 'is required' }],
  });
  return v.parse(QuarantineRecordSchema, JSON.parse(message.body));
};

describe('re-validating a quarantined delivery for redrive', () => {
  it.each([
    ['spyne', 'spyne/v2-sample-b.json'],
    ['sharinpix', 'sharinpix/new_tag_image.form.json'],
    ['image-intelligence', 'image-intelligence/match--completed.json'],
  ] as const)(
    'queues exactly the message ingest would have queued (%s, credentials and personal data removed)',
    async (vendor, path) => {
      // Prepare
      const event = fixture(path);
      const record = quarantinedAs(vendor, event);
      const ingested = await ingest(vendor, event);

      // Act
      const result = revalidateQuarantined(record);

      // Assess: the same, except that a redriven Spyne event names no signature to bind (the
      // signature is a credential, so quarantine never kept it).
      expect(ingested.events).toHaveLength(1);
      const [queued] = ingested.events;
      const { signedBy: _notKept, ...expected } = JSON.parse(queued?.body ?? '{}');
      expect(result.ok && { ...result.message, body: JSON.parse(result.message.body) }).toEqual({
        ...queued,
        body: expected,
      });
    },
  );

  it('keeps a delivery that still fails, with the reason', async () => {
    // Prepare
    const event = fixture('image-intelligence/detect--completed.json');
    const broken = {
      ...event,
      body: JSON.stringify({ id: 'job-1', status: 'COMPLETED_SUCCESSFULLY' }),
    };
    const ingested = await ingest('image-intelligence', broken);
    const record = v.parse(QuarantineRecordSchema, JSON.parse(ingested.quarantined[0]?.body ?? ''));

    // Act
    const result = revalidateQuarantined(record);

    // Assess
    expect(ingested.outcome.kind).toBe('invalid_payload');
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason: expect.stringMatching(/^invalid_payload: /) });
  });

  it('keeps a delivery whose body was not stored', () => {
    // Prepare
    const { body: _dropped, ...record } = quarantinedAs(
      'image-intelligence',
      fixture('image-intelligence/ask--completed.json'),
    );
    const withoutBody = { ...record, bodyNote: 'body omitted: too large' };

    // Act
    const result = revalidateQuarantined(withoutBody);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'body omitted: too large' });
  });
});
