import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { CredentialSource } from '../../../shared/auth/auth-result';
import {
  authenticateHeaderSecret,
  authenticateQueryToken,
} from '../../../shared/auth/authenticators';
import { authenticateSpyneDelivery } from '../../../shared/vendors/spyne/authenticate';
import type { WebhookSecrets } from '../../../shared/secrets/webhook-secrets';
import { runScript } from './support/stack-process';

jest.setTimeout(60_000);

/** Secrets other than the dev defaults, so the test proves replay uses the configured ones. */
const SECRETS: WebhookSecrets & Record<string, string> = {
  SPYNE_SIGNING_SECRET: 'staging-spyne-signing-secret',
  SPYNE_URL_TOKEN: 'staging-spyne-url-token',
  SHARINPIX_SECRET: 'staging-sharinpix-secret',
  IMAGE_INTELLIGENCE_TOKEN: 'staging-ii-token',
  CLOUDINARY_API_SECRET: 'staging-cloudinary-secret',
};

interface Captured {
  readonly path: string;
  readonly query: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const sourceOf = (request: Captured): CredentialSource => ({
  header: (name) => {
    const value = request.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(',') : value;
  },
  queryValues: (name) => new URLSearchParams(request.query).getAll(name),
});

/** A stand-in for a deployed API: records each request and answers with `answer`. */
const captureServer = async (answer: (index: number) => { status: number; body: unknown }) => {
  const captured: Captured[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [path = '', query = ''] = (request.url ?? '').split('?');
      captured.push({
        path,
        query,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const { status, body } = answer(captured.length);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    captured,
    close: () => new Promise((r) => server.close(r)),
  };
};

describe('npm run replay', () => {
  it('posts bodies and API Gateway fixtures with the configured credentials, one line each', async () => {
    // Prepare
    const server = await captureServer((index) => ({
      status: 200,
      body: { status: 'accepted', eventId: `event-${index}` },
    }));
    const files = [
      'events/bodies/spyne/v2-sample-a.json',
      'events/bodies/spyne/v1-single-image.json',
      'events/sharinpix/new_image.form.json',
      'events/bodies/image-intelligence/detect--completed.json',
      'events/worker/spyne--v1-sample.json',
    ];

    // Act
    const result = await runScript('replay', [...files, '--url', server.url], SECRETS);
    await server.close();

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'events/bodies/spyne/v2-sample-a.json  200 accepted event-1',
      'events/bodies/spyne/v1-single-image.json  200 accepted event-2',
      'events/sharinpix/new_image.form.json  200 accepted event-3',
      'events/bodies/image-intelligence/detect--completed.json  200 accepted event-4',
      `4 deliveries to ${server.url}: 4 accepted, 0 duplicates, 0 ignored, 0 rejected; 1 file skipped (--verbose lists them)`,
    ]);
    const [spyneV2, spyneV1, sharinpix, imageIntelligence] = server.captured;
    const now = new Date();
    expect(spyneV2?.path).toBe('/webhooks/spyne');
    expect(
      authenticateSpyneDelivery(
        sourceOf(spyneV2 ?? missingRequest()),
        JSON.parse(spyneV2?.body ?? ''),
        SECRETS,
        now,
      ),
    ).toMatchObject({ ok: true });
    expect(
      authenticateSpyneDelivery(
        sourceOf(spyneV1 ?? missingRequest()),
        JSON.parse(spyneV1?.body ?? ''),
        SECRETS,
        now,
      ),
    ).toMatchObject({ ok: true });
    expect(sharinpix?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sharinpix?.headers['x-sharinpix-event']).toBe('new_image');
    expect(
      authenticateHeaderSecret(
        sourceOf(sharinpix ?? missingRequest()),
        'x-sharinpix-secret',
        SECRETS.SHARINPIX_SECRET,
      ),
    ).toMatchObject({ ok: true });
    expect(imageIntelligence?.path).toBe('/webhooks/image-intelligence');
    expect(
      authenticateQueryToken(
        sourceOf(imageIntelligence ?? missingRequest()),
        SECRETS.IMAGE_INTELLIGENCE_TOKEN,
      ),
    ).toMatchObject({ ok: true });
  });

  it('names skipped files with --verbose', async () => {
    // Prepare
    const server = await captureServer(() => ({ status: 200, body: {} }));

    // Act
    const result = await runScript('replay', [
      'events/worker/spyne--v1-sample.json',
      'events/sam-local-env.json',
      '--verbose',
      '--url',
      server.url,
    ]);
    await server.close();

    // Assess
    expect(result.code).toBe(0);
    expect(server.captured).toHaveLength(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'events/worker/spyne--v1-sample.json  skipped: an SQS event for the worker (try npm run invoke -- worker <file>)',
      'events/sam-local-env.json  skipped: environment variables for sam local invoke --env-vars',
      `0 deliveries to ${server.url}: 0 accepted, 0 duplicates, 0 ignored, 0 rejected; 2 files skipped`,
    ]);
  });

  it('reports refusals and exits 1 when any delivery was not accepted', async () => {
    // Prepare
    const server = await captureServer(() => ({ status: 401, body: { error: 'unauthorized' } }));

    // Act
    const result = await runScript('replay', [
      'events/bodies/sharinpix/new_image.json',
      '--url',
      server.url,
    ]);
    await server.close();

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      'events/bodies/sharinpix/new_image.json  401 unauthorized',
      `1 delivery to ${server.url}: 0 accepted, 0 duplicates, 0 ignored, 1 rejected (1 unauthorized)`,
    ]);
  });
});

/** Placeholder for a request that never arrived; its checks then fail loudly. */
const missingRequest = (): Captured => ({ path: '', query: '', headers: {}, body: '{}' });
