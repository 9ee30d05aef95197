import * as v from 'valibot';
import { QuarantineRecordSchema } from '../../../shared/ingest/quarantine';
import { bodyNames, loadBody } from '../../support/vendor-bodies';
import { ingestHarness } from './support/ingest-harness';
import { TEST_SECRETS } from './support/test-secrets';
import { eventNameOfBodyFile } from '../../../scripts/fixtures/build-fixtures';

const SECRET = TEST_SECRETS.SHARINPIX_SECRET;

/** Headers SharinPix sends (payload 2.0 lower-cases them). */
const sharinpixHeaders = (event: string, contentType = 'application/json') => ({
  'content-type': contentType,
  'x-sharinpix-event': event,
  'x-sharinpix-secret': SECRET,
});

/** `events/bodies/sharinpix/<event>--<variant>.json` carries its event name before `--`. */

const formBody = (payload: unknown): string =>
  new URLSearchParams({ p: JSON.stringify(payload) }).toString();

const FORM = 'application/x-www-form-urlencoded';

const supportedBodies = bodyNames('sharinpix').filter((name) => name !== 'new_publication');

describe('POST /webhooks/sharinpix: accepted', () => {
  it.each(supportedBodies)('enqueues the JSON body %s and answers 200 accepted', async (name) => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('sharinpix');

    // Act
    const answer = await deliver({
      body: loadBody('sharinpix', name),
      headers: sharinpixHeaders(eventNameOfBodyFile(name)),
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'accepted',
      eventId: expect.stringMatching(new RegExp(`^sharinpix:${eventNameOfBodyFile(name)}:`)),
    });
    expect(eventQueue.messages[0]?.attributes).toEqual({
      vendor: 'sharinpix',
      eventType: eventNameOfBodyFile(name),
      eventId: answer.body.eventId,
    });
  });

  it.each(supportedBodies)(
    'enqueues the form body (p=…) %s with the same eventId as JSON',
    async (name) => {
      // Prepare
      const { deliver } = ingestHarness('sharinpix');
      const payload = loadBody('sharinpix', name);
      const asJson = await deliver({
        body: payload,
        headers: sharinpixHeaders(eventNameOfBodyFile(name)),
      });

      // Act
      const asForm = await deliver({
        body: formBody(payload),
        headers: sharinpixHeaders(eventNameOfBodyFile(name), `${FORM}; charset=UTF-8`),
      });

      // Assess
      expect(asForm).toMatchObject({ status: 200, body: { status: 'accepted' } });
      expect(asForm.body.eventId).toBe(asJson.body.eventId);
    },
  );

  it('drops the tag event’s user and upload_done’s app_url before queueing', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('sharinpix');

    // Act
    await deliver({
      body: loadBody('sharinpix', 'new_tag_image'),
      headers: sharinpixHeaders('new_tag_image'),
    });
    await deliver({
      body: loadBody('sharinpix', 'upload_done--mobile'),
      headers: sharinpixHeaders('upload_done'),
    });

    // Assess
    const queued = eventQueue.messages.map((message) => message.body).join('\n');
    expect(eventQueue.messages).toHaveLength(2);
    expect(queued).not.toContain('jane.example@example.com');
    expect(queued).not.toContain('"user"');
    expect(queued).not.toContain('sharinpix://upload?token=');
  });

  it('answers a repeat delivery 200 accepted with the same eventId', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('sharinpix');
    const body = loadBody('sharinpix', 'new_image');
    const first = await deliver({ body, headers: sharinpixHeaders('new_image') });

    // Act
    const repeat = await deliver({
      body,
      headers: sharinpixHeaders('new_image'),
      requestId: 'Jq9zAbCdIAMEVkR=',
    });

    // Assess
    expect(repeat).toMatchObject({
      status: 200,
      body: { status: 'accepted', eventId: first.body.eventId },
    });
    expect(eventQueue.messages).toHaveLength(2);
  });

  it('answers an unsupported event 200 ignored, after enqueueing it for the ledger', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('sharinpix');

    // Act
    const answer = await deliver({
      body: loadBody('sharinpix', 'new_publication'),
      headers: sharinpixHeaders('new_publication'),
    });

    // Assess
    expect(answer).toEqual({
      status: 200,
      body: { status: 'ignored', eventId: expect.stringMatching(/^sharinpix:new_publication:/) },
      headers: expect.anything(),
    });
    expect(eventQueue.bodies()).toEqual([
      expect.objectContaining({
        supported: false,
        eventType: 'new_publication',
        eventId: answer.body.eventId,
      }),
    ]);
    expect(eventQueue.messages[0]?.body).not.toContain('jane.example');
  });

  it('never answers ignored when the queue cannot take the event', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('sharinpix');
    eventQueue.failWith = new Error('throttled');

    // Act
    const answer = await deliver({
      body: loadBody('sharinpix', 'new_publication'),
      headers: sharinpixHeaders('new_publication'),
    });

    // Assess
    expect(answer.status).toBe(503);
  });

  it('reads header names case-insensitively', async () => {
    // Prepare
    const { deliver } = ingestHarness('sharinpix');

    // Act
    const answer = await deliver({
      body: loadBody('sharinpix', 'new_image'),
      headers: {
        'Content-Type': 'application/json',
        'X-Sharinpix-Event': 'new_image',
        'X-SharinPix-Secret': SECRET,
      },
    });

    // Assess
    expect(answer.status).toBe(200);
  });
});

describe('POST /webhooks/sharinpix: authentication', () => {
  it.each([
    ['a missing secret header', { 'x-sharinpix-secret': undefined }],
    ['a wrong secret', { 'x-sharinpix-secret': 'sharinpix-shared-9d3a61' }],
    ['an empty secret', { 'x-sharinpix-secret': '' }],
    ['the secret as a query token instead', { 'x-sharinpix-secret': undefined }],
  ])('answers 401 for %s, and stores nothing', async (_label, override) => {
    // Prepare
    const { deliver, eventQueue, quarantineQueue } = ingestHarness('sharinpix');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...sharinpixHeaders('new_image'), ...override })) {
      if (value !== undefined) headers[name] = value;
    }

    // Act
    const answer = await deliver({
      body: loadBody('sharinpix', 'new_image'),
      headers,
      rawQueryString: `token=${SECRET}`,
    });

    // Assess
    expect(answer).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(Object.keys(answer.body)).toEqual(['error']);
    expect(eventQueue.messages).toHaveLength(0);
    expect(quarantineQueue.messages).toHaveLength(0);
  });

  it('authenticates before parsing: an unauthenticated bad body gets 401, not 400', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('sharinpix');

    // Act
    const notJson = await deliver({
      body: '{not json',
      headers: { 'content-type': 'application/json', 'x-sharinpix-event': 'new_image' },
    });
    const badSchema = await deliver({
      body: { id: 42 },
      headers: { 'content-type': 'application/json', 'x-sharinpix-event': 'new_image' },
    });

    // Assess
    expect([notJson.status, badSchema.status]).toEqual([401, 401]);
    expect(quarantineQueue.messages).toHaveLength(0);
  });
});

describe('POST /webhooks/sharinpix: rejections', () => {
  it('answers a missing event header 400 invalid_payload at headers.x-sharinpix-event, and quarantines', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('sharinpix');
    const { 'x-sharinpix-event': _event, ...headers } = sharinpixHeaders('new_image');

    // Act
    const answer = await deliver({ body: loadBody('sharinpix', 'new_image'), headers });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: 'invalid_payload',
      message: expect.any(String),
      issues: [{ path: 'headers.x-sharinpix-event', message: expect.any(String) }],
    });
    expect(quarantineQueue.messages).toHaveLength(1);
  });

  it('quarantines an invalid tag event without user, app_url or the secret header', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('sharinpix');
    const body = loadBody('sharinpix', 'new_tag_image') as Record<string, unknown>;
    const broken = { ...body, tag: { name: 'Villa' }, app_url: 'sharinpix://upload?token=abc' };

    // Act
    const answer = await deliver({ body: broken, headers: sharinpixHeaders('new_tag_image') });

    // Assess
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_payload' } });
    const [raw] = quarantineQueue.messages;
    const parsed = JSON.parse(raw?.body ?? '{}');
    expect(v.safeParse(QuarantineRecordSchema, parsed).success).toBe(true);
    expect(parsed).toMatchObject({
      vendor: 'sharinpix',
      reason: 'invalid_payload',
      eventType: 'new_tag_image',
      body: { encoding: 'utf8' },
      headers: { 'x-sharinpix-event': 'new_tag_image', 'content-type': 'application/json' },
    });
    const storedBody = JSON.parse(parsed.body.data);
    expect(storedBody.tag).toEqual({ name: 'Villa' });
    expect(storedBody.user).toBeUndefined();
    expect(storedBody.app_url).toBeUndefined();
    expect(raw?.body).not.toContain('jane.example');
    expect(raw?.body).not.toContain(SECRET);
    expect(raw?.body).not.toContain('x-sharinpix-secret');
    expect(raw?.attributes).toEqual({ vendor: 'sharinpix', reason: 'invalid_payload' });
  });

  it('quarantines an invalid form body with user removed from its p field', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('sharinpix');
    const body = loadBody('sharinpix', 'delete_tag_image') as Record<string, unknown>;
    const broken = { ...body, id: '' };

    // Act
    const answer = await deliver({
      body: `${formBody(broken)}&source=salesforce`,
      headers: sharinpixHeaders('delete_tag_image', FORM),
    });

    // Assess
    expect(answer.status).toBe(400);
    const parsed = JSON.parse(quarantineQueue.messages[0]?.body ?? '{}');
    const form = new URLSearchParams(parsed.body.data);
    expect(form.get('source')).toBe('salesforce');
    expect(JSON.parse(form.get('p') ?? '{}')).toMatchObject({ id: '', tag: expect.any(Object) });
    expect(JSON.parse(form.get('p') ?? '{}').user).toBeUndefined();
    expect(quarantineQueue.messages[0]?.body).not.toContain('jane.example');
  });

  it.each([
    ['a body that is not JSON', '{"id": ', 'application/json', 'body is not valid JSON'],
    ['a form without p', 'q=%7B%7D', FORM, 'form field "p" is missing'],
    ['a form whose p is not JSON', 'p=%7Bnope', FORM, 'form field "p" is not valid JSON'],
    ['a form with p twice', 'p=%7B%7D&p=%7B%7D', FORM, 'form field "p" appears more than once'],
  ])(
    'answers %s 400 malformed_body and quarantines it with the body withheld',
    async (_label, body, contentType, message) => {
      // Prepare
      const { deliver, quarantineQueue } = ingestHarness('sharinpix');

      // Act
      const answer = await deliver({ body, headers: sharinpixHeaders('new_image', contentType) });

      // Assess
      expect(answer).toEqual({
        status: 400,
        body: { error: 'malformed_body', message },
        headers: expect.anything(),
      });
      const parsed = JSON.parse(quarantineQueue.messages[0]?.body ?? '{}');
      expect(parsed).toMatchObject({
        reason: 'malformed_body',
        message,
        bodyNote: expect.any(String),
      });
      expect(parsed.body).toBeUndefined();
    },
  );

  it('withholds a body that parses but is too deep to re-serialize, rather than storing it raw', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('sharinpix');
    const depth = 200_000;
    const deep = `{"id":"x","user":{"email":"jane.example@example.com"},"processing_error":${'['.repeat(depth)}${']'.repeat(depth)}}`;

    // Act
    const answer = await deliver({ body: deep, headers: sharinpixHeaders('new_image') });

    // Assess
    expect(answer.status).toBe(400);
    const raw = quarantineQueue.messages[0]?.body ?? '';
    expect(JSON.parse(raw)).toMatchObject({ bodyNote: expect.stringContaining('withheld') });
    expect(raw).not.toContain('jane.example');
  });

  it('answers 415 for a content type SharinPix does not send, before authenticating', async () => {
    // Prepare
    const { deliver, secrets } = ingestHarness('sharinpix');

    // Act
    const answer = await deliver({
      body: 'p=%7B%7D',
      headers: { ...sharinpixHeaders('new_image', 'multipart/form-data; boundary=x') },
    });

    // Assess
    expect(answer).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    expect(secrets.calls).toBe(0);
  });

  it('answers 413 for a body over the limit', async () => {
    // Prepare
    const { deliver } = ingestHarness('sharinpix', { maxBodyBytes: 2048 });

    // Act
    const answer = await deliver({
      body: 'p='.padEnd(4096, 'x'),
      headers: sharinpixHeaders('new_image', FORM),
    });

    // Assess
    expect(answer).toMatchObject({
      status: 413,
      body: { error: 'payload_too_large', limitBytes: 2048 },
    });
  });

  it('answers 503 with Retry-After when the queue is down', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('sharinpix');
    eventQueue.failWith = new Error('unreachable');

    // Act
    const answer = await deliver({
      body: loadBody('sharinpix', 'new_image'),
      headers: sharinpixHeaders('new_image'),
    });

    // Assess
    expect(answer).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(answer.headers['retry-after']).toBe('30');
  });

  it('answers 503, not 400, when an authentic invalid delivery cannot be quarantined', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('sharinpix');
    quarantineQueue.failWith = new Error('quarantine queue unreachable');

    // Act
    const answer = await deliver({ body: { id: 7 }, headers: sharinpixHeaders('new_image') });

    // Assess
    expect(answer).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(answer.headers['retry-after']).toBe('30');
  });
});
