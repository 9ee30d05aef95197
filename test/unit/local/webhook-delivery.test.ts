import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SigningClock } from '../../../scripts/lib/signing-clock';
import {
  replaySourceOf,
  type WebhookDelivery,
  withCredentials,
} from '../../../scripts/lib/webhook-delivery';
import {
  authenticateHeaderSecret,
  authenticateQueryToken,
} from '../../../shared/auth/authenticators';
import { authenticateSpyneDelivery } from '../../../shared/vendors/spyne/authenticate';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import type { WebhookSecrets } from '../../../shared/secrets/webhook-secrets';
import { credentialSource } from './credential-source';

const EVENTS = join(__dirname, '..', '..', '..', 'events');
const NOW = new Date('2026-11-23T10:00:00.000Z');
/** A signing clock whose now is fixed, as a single replayed file sees it. */
const clockAt = (date: Date): SigningClock => new SigningClock(() => date.getTime());
const CONFIGURED: WebhookSecrets = {
  SPYNE_SIGNING_SECRET: 'configured-signing-secret,older-secret',
  SPYNE_URL_TOKEN: 'configured-url-token',
  SHARINPIX_SECRET: 'configured-sharinpix-secret',
  IMAGE_INTELLIGENCE_TOKEN: 'configured-ii-token',
  CLOUDINARY_API_SECRET: 'configured-cloudinary-secret',
};

const load = (path: string): unknown => JSON.parse(readFileSync(join(EVENTS, path), 'utf8'));

const deliveryOf = (path: string, form = false): WebhookDelivery => {
  const source = replaySourceOf(join(EVENTS, path), load(path), { form, clock: clockAt(NOW) });
  if (source.kind !== 'delivery') throw new Error(`skipped: ${source.reason}`);
  return source.delivery;
};

describe('reading replayable files', () => {
  it('delivers a plain SharinPix body as JSON with the event name from the file name', () => {
    // Prepare
    const path = 'bodies/sharinpix/new_tag_image--second-tag.json';

    // Act
    const delivery = deliveryOf(path);

    // Assess
    expect(delivery.path).toBe('/webhooks/sharinpix');
    expect(delivery.headers['x-sharinpix-event']).toBe('new_tag_image');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(JSON.parse(delivery.body.toString('utf8'))).toEqual(load(path));
  });

  it('delivers the form variant (p=<json>) with --form', () => {
    // Prepare
    const path = 'bodies/sharinpix/new_image.json';

    // Act
    const delivery = deliveryOf(path, true);

    // Assess
    expect(delivery.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(delivery.body.toString('utf8'));
    expect(JSON.parse(form.get('p') ?? '')).toEqual(load(path));
  });

  it('takes body, headers and query of a generated API Gateway event, without its host header', () => {
    // Prepare
    const path = 'image-intelligence/detect--completed.json';

    // Act
    const delivery = deliveryOf(path);

    // Assess
    expect(delivery.vendor).toBe('image-intelligence');
    expect(delivery.path).toBe('/webhooks/image-intelligence');
    expect(delivery.query).toBe(`token=${DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`);
    expect(delivery.headers.host).toBeUndefined();
    expect(JSON.parse(delivery.body.toString('utf8'))).toEqual(
      load('bodies/image-intelligence/detect--completed.json'),
    );
  });

  it('skips SQS events, read-API events, sam env files and plain bodies outside a vendor folder', () => {
    // Prepare
    const cases = [
      ['worker/spyne--v1-sample.json', load('worker/spyne--v1-sample.json')],
      ['read/get-image.json', load('read/get-image.json')],
      ['elsewhere/body.json', { project_id: 'p' }],
      ['sam-local-env.json', load('sam-local-env.json')],
    ] as const;

    // Act
    const sources = cases.map(([path, json]) =>
      replaySourceOf(join(EVENTS, path), json, { form: false, clock: clockAt(NOW) }),
    );

    // Assess
    expect(sources.map((source) => source.kind)).toEqual(['skip', 'skip', 'skip', 'skip']);
    expect(sources[0]).toMatchObject({ reason: expect.stringContaining('SQS event') });
    expect(sources[1]).toMatchObject({
      reason: 'not a webhook (GET /images/spyne/img-0f0d6707-d264-44fe-82ce-ab912b0a8ea0)',
    });
    expect(sources[2]).toMatchObject({ reason: expect.stringContaining('cannot tell the vendor') });
    expect(sources[3]).toMatchObject({
      reason: 'environment variables for sam local invoke --env-vars',
    });
  });
});

describe('putting the configured credentials on a delivery', () => {
  it('re-signs a Spyne v2 body with the first configured signing secret, fresh', () => {
    // Prepare
    const delivery = deliveryOf('spyne/v2-sample-a.json');

    // Act
    const signed = withCredentials(delivery, CONFIGURED, clockAt(NOW));

    // Assess
    const payload: unknown = JSON.parse(signed.body.toString('utf8'));
    expect(
      authenticateSpyneDelivery(credentialSource(signed.query), payload, CONFIGURED, NOW),
    ).toMatchObject({ ok: true });
    expect(
      authenticateSpyneDelivery(
        credentialSource(delivery.query),
        JSON.parse(delivery.body.toString('utf8')),
        CONFIGURED,
        NOW,
      ).ok,
    ).toBe(false);
  });

  it('replaces the URL token of an unsigned Spyne v1 body', () => {
    // Prepare
    const delivery = deliveryOf('bodies/spyne/v1-sample.json');

    // Act
    const withToken = withCredentials(delivery, CONFIGURED, clockAt(NOW));

    // Assess
    const payload: unknown = JSON.parse(withToken.body.toString('utf8'));
    expect(
      authenticateSpyneDelivery(credentialSource(withToken.query), payload, CONFIGURED, NOW),
    ).toEqual({
      ok: true,
    });
    expect(withToken.query).toBe('token=configured-url-token');
  });

  it('sets the SharinPix secret header and the Image Intelligence token', () => {
    // Prepare
    const sharinpix = deliveryOf('sharinpix/new_image.form.json');
    const imageIntelligence = deliveryOf('bodies/image-intelligence/match--completed.json');

    // Act
    const sharinpixOut = withCredentials(sharinpix, CONFIGURED, clockAt(NOW));
    const imageIntelligenceOut = withCredentials(imageIntelligence, CONFIGURED, clockAt(NOW));

    // Assess
    expect(
      authenticateHeaderSecret(
        credentialSource('', sharinpixOut.headers),
        'x-sharinpix-secret',
        CONFIGURED.SHARINPIX_SECRET,
      ),
    ).toMatchObject({ ok: true });
    expect(sharinpixOut.body.equals(sharinpix.body)).toBe(true);
    expect(
      authenticateQueryToken(
        credentialSource(imageIntelligenceOut.query),
        CONFIGURED.IMAGE_INTELLIGENCE_TOKEN,
      ),
    ).toMatchObject({ ok: true });
  });

  it('leaves a credential alone when it is not configured', () => {
    // Prepare
    const delivery = deliveryOf('image-intelligence/detect--completed.json');

    // Act
    const unchanged = withCredentials(
      delivery,
      { ...CONFIGURED, IMAGE_INTELLIGENCE_TOKEN: '' },
      clockAt(NOW),
    );

    // Assess
    expect(unchanged.query).toBe(delivery.query);
  });
});

describe('signing clock', () => {
  it('gives two deliveries for one Spyne SKU distinct seconds, and other vendors now', () => {
    // Prepare
    const clock = clockAt(NOW);
    const sku = { project_id: 'p1', sku_id: 's1' };

    // Act
    const first = clock.timeFor('spyne', sku);
    const second = clock.timeFor('spyne', sku);
    const otherSku = clock.timeFor('spyne', { project_id: 'p1', sku_id: 's2' });
    const cloudinary = clock.timeFor('cloudinary', {});

    // Assess
    expect(first).toBe(NOW.getTime());
    expect(Math.floor(second / 1000)).toBe(Math.floor(NOW.getTime() / 1000) - 1);
    expect(otherSku).toBe(NOW.getTime());
    expect(cloudinary).toBe(NOW.getTime());
  });

  it('replays two Spyne bodies of one SKU with two different signatures', () => {
    // Prepare
    const clock = clockAt(NOW);
    const path = 'bodies/spyne/v2-sample-a.json';
    const body = load(path);

    // Act
    const signatures = [body, { ...(body as Record<string, unknown>), note: 'edited' }].map(
      (json) => {
        const source = replaySourceOf(join(EVENTS, path), json, { form: false, clock });
        if (source.kind !== 'delivery') throw new Error(`skipped: ${source.reason}`);
        const delivered = withCredentials(source.delivery, CONFIGURED, clock);
        return (JSON.parse(delivered.body.toString('utf8')) as { signature: string }).signature;
      },
    );

    // Assess
    expect(signatures[0]).not.toBe(signatures[1]);
  });
});
