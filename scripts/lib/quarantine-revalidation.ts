import { type QueueMessage, toEventMessage } from '../../shared/queue/event-queue';
import { bodyFormatOf, parseBody } from '../../shared/ingest/ingest-request';
import { ingestRoute } from '../../shared/ingest/ingest-pipeline';
import { VENDOR_DEFINITIONS } from '../../shared/vendors/registry';
import type { QuarantineRecord } from '../../shared/ingest/quarantine';

/** A quarantined delivery after another pass through validation. */
export type Revalidation =
  | { readonly ok: true; readonly message: QueueMessage; readonly eventId: string }
  | { readonly ok: false; readonly reason: string };

const fail = (reason: string): Revalidation => ({ ok: false, reason });

/**
 * Runs a quarantined delivery through ingest's checks again, minus authentication (it passed
 * before the delivery was quarantined, and quarantine never keeps the credential): parse the kept
 * body in its recorded content type, validate it with the vendor's current definition, identify
 * the event with its original receipt time and request id, and build the same queue message
 * ingest would have sent. A delivery that still fails says why; it stays in quarantine.
 */
export const revalidateQuarantined = (record: QuarantineRecord): Revalidation => {
  if (record.body === undefined) {
    return fail(record.bodyNote ?? 'no body was kept, so there is nothing to replay');
  }
  const bytes = Buffer.from(
    record.body.data,
    record.body.encoding === 'base64' ? 'base64' : 'utf8',
  );
  const format = bodyFormatOf(record.headers['content-type']);
  if (format === undefined)
    return fail(`unsupported content type ${record.headers['content-type']}`);
  const parsed = parseBody(bytes, format);
  if (!parsed.ok) return fail(`malformed_body: ${parsed.message}`);
  const event = toEventMessage({
    vendor: record.vendor,
    definition: ingestRoute(record.vendor, VENDOR_DEFINITIONS).definition,
    delivery: { payload: parsed.payload, eventType: record.eventType },
    receivedAt: new Date(record.receivedAt),
    requestId: record.requestId,
  });
  if (!event.ok && event.reason === 'too_large') {
    return fail('the event would exceed the SQS message limit');
  }
  if (!event.ok) {
    const issues = event.issues.map((issue) => `${issue.path || '(body)'} ${issue.message}`);
    return fail(`invalid_payload: ${issues.join('; ')}`);
  }
  return { ok: true, message: event.message, eventId: event.identity.eventId };
};
