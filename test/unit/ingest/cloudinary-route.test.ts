import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloudinarySignatureHeaders } from '../../../shared/vendors/cloudinary/signature';
import { BODIES_DIR, bodyNames } from '../../support/vendor-bodies';
import { RECEIVED_AT } from './support/api-gateway-event';
import { ingestHarness } from './support/ingest-harness';
import { TEST_SECRETS } from './support/test-secrets';

const [CURRENT_SECRET = '', NEXT_SECRET = ''] = TEST_SECRETS.CLOUDINARY_API_SECRET.split(',');

/** A body file's exact bytes: pretty-printed, with a non-ASCII character in one of them. */
const rawBody = (name: string): string =>
  readFileSync(join(BODIES_DIR, 'cloudinary', `${name}.json`), 'utf8');

/** The headers Cloudinary sends: JSON, and the signature over exactly these bytes. */
const signedHeaders = (body: string, at: Date = RECEIVED_AT, secret: string = CURRENT_SECRET) => ({
  'content-type': 'application/json',
  ...cloudinarySignatureHeaders(body, at, secret),
});

describe('POST /webhooks/cloudinary: accepted', () => {
  it.each(bodyNames('cloudinary'))('enqueues %s signed over its raw bytes', async (name) => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('cloudinary');
    const body = rawBody(name);

    // Act
    const answer = await deliver({ body, headers: signedHeaders(body) });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: name === 'create_folder' ? 'ignored' : 'accepted',
      eventId: expect.stringMatching(/^cloudinary:/),
    });
    expect(eventQueue.messages).toHaveLength(1);
  });

  it('accepts the second secret of the rotation list and a SHA-256 signature', async () => {
    // Prepare
    const { deliver } = ingestHarness('cloudinary');
    const body = rawBody('upload');
    const timestamp = String(Math.floor(RECEIVED_AT.getTime() / 1000));
    const { createHash } = await import('node:crypto');
    const sha256 = createHash('sha256').update(body).update(timestamp).update(NEXT_SECRET);

    // Act
    const answer = await deliver({
      body,
      headers: {
        'content-type': 'application/json',
        'x-cld-timestamp': timestamp,
        'x-cld-signature': sha256.digest('hex'),
      },
    });

    // Assess
    expect(answer.status).toBe(200);
  });

  it('gives a re-signed retry of the same body the same eventId', async () => {
    // Prepare
    const { deliver } = ingestHarness('cloudinary');
    const body = rawBody('upload');
    const first = await deliver({ body, headers: signedHeaders(body) });

    // Act
    const retry = await deliver({
      body,
      headers: signedHeaders(body, new Date(RECEIVED_AT.getTime() - 360_000)),
    });

    // Assess
    expect(retry.body).toEqual(first.body);
  });

  it('queues no credential: no API key, no signature header', async () => {
    // Prepare
    const { deliver, eventQueue } = ingestHarness('cloudinary');
    const body = rawBody('upload');
    const headers = signedHeaders(body);

    // Act
    await deliver({ body, headers });

    // Assess
    const queued = JSON.stringify(eventQueue.bodies());
    expect(queued).not.toContain('614285930017442');
    expect(queued).not.toContain(headers['x-cld-signature']);
  });
});

describe('POST /webhooks/cloudinary: authentication', () => {
  const body = rawBody('resource_display_name_changed');

  it.each([
    ['no signature headers', { 'content-type': 'application/json' }],
    ['a signature by another secret', signedHeaders(body, RECEIVED_AT, 'not-the-secret')],
    ['a signature over other bytes', signedHeaders(JSON.stringify(JSON.parse(body)), RECEIVED_AT)],
    [
      'a timestamp older than 7,200 s',
      signedHeaders(body, new Date(RECEIVED_AT.getTime() - 7_201_000)),
    ],
    [
      'a timestamp more than 300 s ahead',
      signedHeaders(body, new Date(RECEIVED_AT.getTime() + 301_000)),
    ],
  ])('answers 401 for %s and stores nothing', async (_label, headers) => {
    // Prepare
    const { deliver, eventQueue, quarantineQueue } = ingestHarness('cloudinary');

    // Act
    const answer = await deliver({ body, headers });

    // Assess
    expect(answer).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(eventQueue.messages).toHaveLength(0);
    expect(quarantineQueue.messages).toHaveLength(0);
  });

  it('honours a configured window', async () => {
    // Prepare
    const { deliver } = ingestHarness('cloudinary', { signatureMaxAgeSeconds: 60 });

    // Act
    const answer = await deliver({
      body,
      headers: signedHeaders(body, new Date(RECEIVED_AT.getTime() - 61_000)),
    });

    // Assess
    expect(answer.status).toBe(401);
  });
});

describe('POST /webhooks/cloudinary: refused and quarantined', () => {
  it('answers 400 with the path for an authentic body missing its ids, and quarantines it without the signature or API key', async () => {
    // Prepare
    const { deliver, quarantineQueue } = ingestHarness('cloudinary');
    const parsed = JSON.parse(rawBody('upload')) as Record<string, unknown>;
    const body = JSON.stringify({ ...parsed, asset_id: undefined });
    const headers = signedHeaders(body);

    // Act
    const answer = await deliver({ body, headers });

    // Assess
    expect(answer).toMatchObject({
      status: 400,
      body: { error: 'invalid_payload', issues: [expect.objectContaining({ path: 'asset_id' })] },
    });
    const quarantined = JSON.stringify(quarantineQueue.bodies());
    expect(quarantineQueue.messages).toHaveLength(1);
    expect(quarantined).not.toContain(headers['x-cld-signature']);
    expect(quarantined).not.toContain('614285930017442');
  });

  it('answers 415 for a form body', async () => {
    // Prepare
    const { deliver } = ingestHarness('cloudinary');
    const body = 'p=%7B%7D';

    // Act
    const answer = await deliver({
      body,
      headers: { ...signedHeaders(body), 'content-type': 'application/x-www-form-urlencoded' },
    });

    // Assess
    expect(answer.status).toBe(415);
  });
});
