import { MAX_JSON_OBJECT_BYTES } from '../../../shared/json/json-value';
import { queueMessageBytes, SQS_MAX_MESSAGE_BYTES } from '../../../shared/queue/event-queue';
import { MAX_ISSUE_TEXT_LENGTH } from '../../../shared/validation/validation-issue';
import { spyne } from '../../../shared/vendors/spyne/definition';
import { loadBody } from '../../support/vendor-bodies';
import { ingestHarness } from './support/ingest-harness';
import { TEST_SECRETS } from './support/test-secrets';

/**
 * Regressions found by the reliability fuzz suite: bodies under the 1 MiB limit whose size sits
 * in one field. Before the fixes, a Spyne SKU with a huge `sku_meta_data` was accepted and then
 * dead-lettered forever (its records exceed DynamoDB's item limit); it is now accepted without the
 * blob, which no record could hold (the record caps would drop it anyway), and an invalid Image
 * Intelligence body quoting a huge value got a 503 on every retry (the issue messages quoted the
 * value, so the quarantine message outgrew SQS).
 */
describe('bodies whose size sits in one field', () => {
  it('accepts a SKU whose free-form metadata blob is over the limit, without the blob (200, queued, the path named)', async () => {
    // Prepare
    const { deliver, eventQueue, quarantineQueue } = ingestHarness('spyne');
    const body = {
      ...(loadBody('spyne', 'v2-sample-a') as Record<string, unknown>),
      sku_meta_data: { notes: 'n'.repeat(MAX_JSON_OBJECT_BYTES) },
    };

    // Act
    const answer = await deliver({
      body,
      headers: { 'content-type': 'application/json' },
      rawQueryString: `token=${TEST_SECRETS.SPYNE_URL_TOKEN}`,
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'accepted' });
    expect(quarantineQueue.messages).toHaveLength(0);
    expect(eventQueue.messages).toHaveLength(1);
    const queued = JSON.parse(eventQueue.messages[0]?.body ?? '{}') as Record<string, unknown>;
    expect(queued.dropped).toEqual([
      { path: 'sku_meta_data', message: `must be at most ${MAX_JSON_OBJECT_BYTES} bytes as JSON` },
    ]);
    expect(JSON.stringify(queued.payload)).not.toContain('nnnn');
  });

  it('keeps a blob of exactly the limit', () => {
    // Prepare
    const blob = { n: '' };
    blob.n = 'n'.repeat(MAX_JSON_OBJECT_BYTES - Buffer.byteLength(JSON.stringify(blob)));
    const body = {
      ...(loadBody('spyne', 'v1-single-image') as Record<string, unknown>),
      sku_meta_data: blob,
    };

    // Act
    const read = spyne.read({ payload: body });

    // Assess
    expect(Buffer.byteLength(JSON.stringify(blob))).toBe(MAX_JSON_OBJECT_BYTES);
    expect(read.ok).toBe(true);
  });

  it('answers an authentic invalid body quoting a huge value with a short 400 and a quarantine record that fits SQS', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('image-intelligence');
    const huge = '"'.repeat(500_000);
    const body = loadBody('image-intelligence', 'detect--all-error') as Record<string, unknown>;
    const text = JSON.stringify({
      ...body,
      imageResults: [
        { id: 'img-1', url: 'https://x.example/1.jpg', status: 'UNKNOWN_ERROR', objects: [huge] },
      ],
    });

    // Act
    const answer = await deliver({
      body: text,
      headers: { 'content-type': 'application/json' },
      rawQueryString: `token=${TEST_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`,
    });

    // Assess
    expect(Buffer.byteLength(text)).toBeLessThan(SQS_MAX_MESSAGE_BYTES);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_payload');
    const issues = answer.body.issues;
    expect(Array.isArray(issues) && issues.length > 0).toBe(true);
    for (const issue of Array.isArray(issues) ? issues : []) {
      expect(String(issue.message).length).toBeLessThanOrEqual(MAX_ISSUE_TEXT_LENGTH);
      expect(String(issue.path).length).toBeLessThanOrEqual(MAX_ISSUE_TEXT_LENGTH);
    }
    const [quarantined] = quarantineQueue.messages;
    expect(quarantined && queueMessageBytes(quarantined)).toBeLessThanOrEqual(
      SQS_MAX_MESSAGE_BYTES,
    );
  });
});
