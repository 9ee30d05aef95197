import { SAMPLE_CLOUDINARY_BODY } from '../../../shared/vendors/cloudinary/manifest';
import { SAMPLE_IMAGE_INTELLIGENCE_BODY } from '../../../shared/vendors/image-intelligence/manifest';
import {
  SAMPLE_SHARINPIX_BODY,
  SAMPLE_SHARINPIX_EVENT,
} from '../../../shared/vendors/sharinpix/manifest';
import { SAMPLE_SPYNE_BODY } from '../../../shared/vendors/spyne/manifest';
import type { StackFile } from '../../../local/stack/stack-file';
import { sampleCurls, secretsInUse, startBanner } from '../../../local/stack/start-banner';
import { authenticateSpyneDelivery } from '../../../shared/vendors/spyne/authenticate';
import { authenticateRawBodyDigest } from '../../../shared/auth/authenticators';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { VENDOR_MANIFESTS } from '../../../shared/vendors/manifests';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import { credentialSource } from './credential-source';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const URL = 'http://127.0.0.1:3000';

/** The single-quoted `--data` argument of a printed curl, as the shell would pass it. */
const dataOf = (curl: string): unknown => {
  const quoted = /--data '((?:[^']|'\\'')*)'/.exec(curl)?.[1] ?? '';
  return JSON.parse(quoted.replaceAll("'\\''", "'"));
};

const STACK: StackFile = {
  pid: 4242,
  startedAt: NOW.toISOString(),
  gatewayUrl: URL,
  dynamoDbEndpoint: 'http://127.0.0.1:8000',
  sqsEndpoint: 'http://127.0.0.1:9324',
  region: 'us-east-1',
  queues: {
    main: { name: 'vendor-webhooks-events', url: 'http://q/main', arn: 'arn:main' },
    dlq: { name: 'vendor-webhooks-events-dlq', url: 'http://q/dlq', arn: 'arn:dlq' },
    quarantine: { name: 'vendor-webhooks-quarantine', url: 'http://q/quarantine', arn: 'arn:q' },
  },
  tables: { records: 'vendor-webhooks-records', ledger: 'vendor-webhooks-ledger' },
  dataDir: '/srv/project/.data',
  inMemory: false,
  visibilityTimeoutSeconds: 30,
  dynamoDbPid: 4243,
};

describe('the sample deliveries printed at start', () => {
  it.each(
    VENDOR_MANIFESTS.map((manifest) => [
      manifest.vendor,
      manifest.local.sample.body,
      manifest.local.sample.eventType,
    ]),
  )('%s passes its vendor schema', (vendor, payload, eventType) => {
    // Prepare
    const definition = VENDOR_DEFINITIONS[vendor];

    // Act
    const read = definition?.read({ payload, eventType });

    // Assess
    expect(read?.ok).toBe(true);
  });

  it('covers every vendor, and the first ones with the bodies they always printed', () => {
    // Act
    const samples = VENDOR_MANIFESTS.map((manifest) => manifest.local.sample);

    // Assess
    expect(samples.map((sample) => sample.body)).toEqual([
      SAMPLE_SPYNE_BODY,
      SAMPLE_SHARINPIX_BODY,
      SAMPLE_IMAGE_INTELLIGENCE_BODY,
      SAMPLE_CLOUDINARY_BODY,
    ]);
    expect(samples[1]?.eventType).toBe(SAMPLE_SHARINPIX_EVENT);
  });
});

describe('the curl lines printed at start', () => {
  it('signs the Spyne body with the signing secret in use, so the real authenticator accepts it', () => {
    // Prepare
    const secrets = secretsInUse({ SPYNE_SIGNING_SECRET: 'rotated-secret' });

    // Act
    const [spyne] = sampleCurls(URL, secrets, NOW);

    // Assess
    const payload = dataOf(spyne ?? '');
    const check = (signingSecret: string) =>
      authenticateSpyneDelivery(
        credentialSource(''),
        payload,
        { ...DEV_SECRETS, SPYNE_SIGNING_SECRET: signingSecret },
        NOW,
      );
    expect(check('rotated-secret')).toMatchObject({ ok: true });
    expect(check(DEV_SECRETS.SPYNE_SIGNING_SECRET).ok).toBe(false);
  });

  it('puts dev defaults inline: the SharinPix headers and the Image Intelligence token', () => {
    // Prepare
    const secrets = secretsInUse({});

    // Act
    const [, sharinpix, imageIntelligence] = sampleCurls(URL, secrets, NOW);

    // Assess
    expect(sharinpix).toContain(`-H 'x-sharinpix-event: new_image'`);
    expect(sharinpix).toContain(`-H 'x-sharinpix-secret: ${DEV_SECRETS.SHARINPIX_SECRET}'`);
    expect(imageIntelligence).toContain(
      `'${URL}/webhooks/image-intelligence?token=${DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN}'`,
    );
    expect(dataOf(imageIntelligence ?? '')).toEqual(SAMPLE_IMAGE_INTELLIGENCE_BODY);
  });

  it('signs the Cloudinary sample over the exact bytes it sends, so the real authenticator accepts it', () => {
    // Prepare
    const secrets = secretsInUse({});

    // Act
    const [, , , cloudinary = ''] = sampleCurls(URL, secrets, NOW);

    // Assess
    const header = (name: string) => new RegExp(`-H '${name}: ([^']*)'`).exec(cloudinary)?.[1];
    const data = (/--data '((?:[^']|'\\'')*)'/.exec(cloudinary)?.[1] ?? '').replaceAll(
      "'\\''",
      "'",
    );
    const check = (secret: string) =>
      authenticateRawBodyDigest(
        {
          signatureHeader: 'x-cld-signature',
          timestampHeader: 'x-cld-timestamp',
          algorithms: ['sha1', 'sha256'],
          mode: 'suffix',
          maxAgeSeconds: 7200,
          maxFutureSeconds: 300,
        },
        { ...credentialSource(''), header, body: Buffer.from(data, 'utf8') },
        secret,
        NOW,
      );
    expect(cloudinary).toContain(`'${URL}/webhooks/cloudinary'`);
    expect(JSON.parse(data)).toEqual(SAMPLE_CLOUDINARY_BODY);
    expect(check(DEV_SECRETS.CLOUDINARY_API_SECRET)).toEqual({ ok: true });
    expect(check('another-secret').ok).toBe(false);
  });

  it('never prints a secret that came from the environment: it references the variable', () => {
    // Prepare
    const secrets = secretsInUse({
      SHARINPIX_SECRET: 'real-sharinpix-secret',
      IMAGE_INTELLIGENCE_TOKEN: 'real-token',
    });

    // Act
    const banner = startBanner({
      info: STACK,
      env: { SHARINPIX_SECRET: 'real-sharinpix-secret', IMAGE_INTELLIGENCE_TOKEN: 'real-token' },
      startupMs: 4200,
      restored: { main: 0, dlq: 0, quarantine: 0 },
      recoveredFromCrash: false,
      iamEnforced: true,
      now: NOW,
    });
    const curls = sampleCurls(URL, secrets, NOW);

    // Assess
    expect(banner).not.toContain('real-sharinpix-secret');
    expect(banner).not.toContain('real-token');
    expect(banner).toContain('SHARINPIX_SECRET          (from the environment; value not shown)');
    expect(curls[1]).toContain(`-H 'x-sharinpix-secret: '"\${SHARINPIX_SECRET}"`);
    expect(curls[2]).toContain(
      `'${URL}/webhooks/image-intelligence?token='"\${IMAGE_INTELLIGENCE_TOKEN}"`,
    );
  });

  it('falls back to the v1 URL token when Spyne signing is disabled, and says when a vendor is shut out', () => {
    // Prepare
    const secrets = secretsInUse({ SPYNE_SIGNING_SECRET: '', SHARINPIX_SECRET: '' });

    // Act
    const [spyne, sharinpix] = sampleCurls(URL, secrets, NOW);

    // Assess
    expect(spyne).toContain(`'${URL}/webhooks/spyne?token=${DEV_SECRETS.SPYNE_URL_TOKEN}'`);
    expect(dataOf(spyne ?? '')).toEqual(SAMPLE_SPYNE_BODY);
    expect(sharinpix).toBe('# SharinPix: SHARINPIX_SECRET is empty; every delivery is refused');
  });
});

describe('the start banner', () => {
  it('lists the webhook URLs, the secrets with their source, the read URLs and where data lives', () => {
    // Prepare
    const env = {};

    // Act
    const banner = startBanner({
      info: STACK,
      env,
      startupMs: 4200,
      restored: { main: 2, dlq: 1, quarantine: 0 },
      recoveredFromCrash: false,
      iamEnforced: true,
      now: NOW,
    });

    // Assess
    expect(banner).toContain('Local stack healthy in 4.2 s.');
    expect(banner).toContain(`${URL}/webhooks/spyne`);
    expect(banner).toContain(`${URL}/webhooks/sharinpix`);
    expect(banner).toContain(`${URL}/webhooks/image-intelligence?token=IMAGE_INTELLIGENCE_TOKEN`);
    expect(banner).toContain(
      `SPYNE_SIGNING_SECRET      ${DEV_SECRETS.SPYNE_SIGNING_SECRET}   (dev default)`,
    );
    expect(banner).toContain(`${URL}/images?vendor={vendor}&collection={collectionId}`);
    expect(banner).toContain('DynamoDB Local  http://127.0.0.1:8000 (pid 4243)');
    expect(banner).toContain('Kept in /srv/project/.data');
    expect(banner).toContain(
      'Restored 2 messages to the main queue, 1 to the DLQ, 0 to quarantine.',
    );
    expect(banner).toContain('appended to /srv/project/.data/changes.jsonl');
    expect(banner).not.toContain('POSTed to');
  });

  it('says where change events go: the log, memory or changes.jsonl, and the forward URL', () => {
    // Prepare
    const input = {
      env: {},
      startupMs: 4200,
      restored: { main: 0, dlq: 0, quarantine: 0 },
      recoveredFromCrash: false,
      iamEnforced: true,
      now: NOW,
    };

    // Act
    const banner = startBanner({
      ...input,
      info: { ...STACK, inMemory: true },
      forwardChangesUrl: 'http://127.0.0.1:4000/changes',
    });

    // Assess
    expect(banner).toContain('kept in memory (--in-memory)');
    expect(banner).toContain('npm run changes -- --follow');
    expect(banner).toContain(
      'POSTed to http://127.0.0.1:4000/changes (retried with backoff until it answers 2xx)',
    );
  });

  it('says IAM is enforced, and warns loudly when --no-iam turned it off', () => {
    // Prepare
    const input = {
      info: STACK,
      env: {},
      startupMs: 4200,
      restored: { main: 0, dlq: 0, quarantine: 0 },
      recoveredFromCrash: false,
      now: NOW,
    };

    // Act
    const enforced = startBanner({ ...input, iamEnforced: true });
    const off = startBanner({ ...input, iamEnforced: false });

    // Assess
    expect(enforced).toContain('checked against its role from the CDK app');
    expect(enforced).not.toContain('IAM denied:');
    expect(enforced).not.toContain('WARNING');
    expect(off).toContain('WARNING: --no-iam');
  });
});
