import * as v from 'valibot';
import { toIngestRequest } from '../../../shared/ingest/ingest-request';
import { ingestRoute } from '../../../shared/ingest/ingest-pipeline';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import { QuarantineRecordSchema, quarantineMessage } from '../../../shared/ingest/quarantine';
import { queueMessageBytes, SQS_MAX_MESSAGE_BYTES } from '../../../shared/queue/event-queue';
import { apiGatewayEvent } from './support/api-gateway-event';

const FALLBACKS = { now: new Date(), requestId: 'fallback' };

const recordOf = (body: string): v.InferOutput<typeof QuarantineRecordSchema> =>
  v.parse(QuarantineRecordSchema, JSON.parse(body));

describe('quarantineMessage', () => {
  it('drops credential headers and the token, keeps the rest, and hashes the bytes as received', () => {
    // Prepare
    const route = ingestRoute('image-intelligence', VENDOR_DEFINITIONS);
    const request = toIngestRequest(
      apiGatewayEvent({
        path: '/webhooks/image-intelligence',
        body: '{"id":1}',
        headers: {
          authorization: 'Basic dXNlcjpwYXNz',
          'proxy-authorization': 'Basic cHJveHk6cHc=',
          cookie: 'sid=4f1c9a',
          'x-api-key': 'apikey-77e1',
          'x-sharinpix-secret': 'shp-secret-0b2d',
          'x-request-source': 'scheduler',
        },
        rawQueryString: 'token=tok-a81f&token=tok-c3d9&job=42',
      }),
      FALLBACKS,
    );

    // Act
    const message = quarantineMessage(route, request, 'json', {
      reason: 'invalid_payload',
      message: 'body does not match',
      issues: [{ path: 'id', message: 'must be a string id' }],
    });

    // Assess
    const record = recordOf(message.body);
    expect(Object.keys(record.headers).sort()).toEqual([
      'content-length',
      'host',
      'user-agent',
      'x-forwarded-for',
      'x-forwarded-proto',
      'x-request-source',
    ]);
    expect(record.queryString).toBe('job=42');
    expect(record.bodyBytes).toBe(8);
    expect(record.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    for (const secret of [
      'tok-a81f',
      'tok-c3d9',
      'shp-secret-0b2d',
      'apikey-77e1',
      'sid=4f1c9a',
      'dXNlcjpwYXNz',
      'cHJveHk6cHc=',
    ]) {
      expect(message.body.includes(secret)).toBe(false);
    }
  });

  it('redacts issue messages under a redacted key, which could quote personal data', () => {
    // Prepare
    const route = ingestRoute('sharinpix', VENDOR_DEFINITIONS);
    const request = toIngestRequest(
      apiGatewayEvent({ path: '/webhooks/sharinpix', body: '{"user":{"email":7}}' }),
      FALLBACKS,
    );

    // Act
    const message = quarantineMessage(route, request, 'json', {
      reason: 'invalid_payload',
      message: 'body does not match',
      issues: [
        {
          path: 'user.email',
          message: 'Invalid type: Expected string but received "jane@example.com"',
        },
        { path: 'id', message: 'is required' },
      ],
    });

    // Assess
    expect(recordOf(message.body).issues).toEqual([
      { path: 'user.email', message: '(redacted)' },
      { path: 'id', message: 'is required' },
    ]);
  });

  it('omits the body, with a note, when keeping it would exceed the SQS maximum', () => {
    // Prepare
    const route = ingestRoute('image-intelligence', VENDOR_DEFINITIONS);
    const huge = `{"id":"${'\u00e9'.repeat(524_200)}"}`;
    const request = toIngestRequest(
      apiGatewayEvent({ path: '/webhooks/image-intelligence', body: huge }),
      FALLBACKS,
    );

    // Act
    const message = quarantineMessage(route, request, 'json', {
      reason: 'invalid_payload',
      message: 'm',
      issues: [],
    });

    // Assess
    const record = recordOf(message.body);
    expect(queueMessageBytes(message)).toBeLessThanOrEqual(SQS_MAX_MESSAGE_BYTES);
    expect(record.body === undefined).toBe(true);
    expect(record.bodyNote).toMatch(/exceed the SQS limit/);
    expect(record.bodyBytes).toBe(Buffer.byteLength(huge));
  });
});
