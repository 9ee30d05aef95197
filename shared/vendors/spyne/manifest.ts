import type { BodyJwtScheme } from '../../auth/auth-scheme';
import { defineVendorManifest } from '../vendor-manifest';

/** Image fields only v1 has. Their presence on the first image marks a v1 body. */
const V1_MARKERS = ['sequenceNumber', 'input_image_hres_url', 'output_image_hres_url'] as const;

/** Tells v1 from v2 by shape; anything unrecognizable is held to v2, the current version. */
export const spyneVersionOf = (payload: unknown): 'v1' | 'v2' => {
  if (typeof payload !== 'object' || payload === null) return 'v2';
  const images = (payload as { image_data?: unknown }).image_data;
  const first: unknown = Array.isArray(images) ? images[0] : undefined;
  if (typeof first !== 'object' || first === null) return 'v2';
  return V1_MARKERS.some((key) => Object.hasOwn(first, key)) ? 'v1' : 'v2';
};

/** Spyne's published signatures live 356 days; signatures the local tools make now too. */
const SPYNE_SIGNATURE_LIFETIME_SECONDS = 356 * 24 * 60 * 60;

/**
 * A v2 body's `signature`: an HS256 JWT whose `project_id` and `sku_id` claims equal the body's.
 * A body without one (v1) needs `?token=` equal to `SPYNE_URL_TOKEN`.
 */
export const spyneAuth: BodyJwtScheme<'SPYNE_SIGNING_SECRET' | 'SPYNE_URL_TOKEN'> = {
  kind: 'body-jwt',
  field: 'signature',
  boundClaims: ['project_id', 'sku_id'],
  secret: 'SPYNE_SIGNING_SECRET',
  lifetimeSeconds: SPYNE_SIGNATURE_LIFETIME_SECONDS,
  unsigned: { kind: 'query-token', secret: 'SPYNE_URL_TOKEN' },
  signsBody: (body) => spyneVersionOf(body) === 'v2',
};

/** The sample delivery the local stack's start banner prints a curl for. */
export const SAMPLE_SPYNE_BODY = {
  project_id: 'demo-project',
  sku_id: 'demo-sku-001',
  sku_status: 'Done',
  image_data: [
    {
      image_id: 'demo-spyne-image-1',
      image_name: 'demo-sku-001_Exterior_1',
      image_category: 'Exterior',
      frame_no: '1',
      input_image: 'https://media.example.com/raw/demo-sku-001_Exterior_1.jpg',
      output_image: 'https://media.example.com/edited/demo-sku-001_Exterior_1.png',
      status: 'done',
    },
  ],
} as const;

/**
 * Spyne's push service: one POST per SKU when it completes. v2 bodies carry an HS256 JWT in
 * `signature` over the project and SKU ids (not the image list), signed with a secret Spyne hands
 * out; v1 bodies carry none and authenticate with a URL token instead.
 */
export const spyneManifest = defineVendorManifest({
  vendor: 'spyne',
  displayName: 'Spyne',
  routePath: '/webhooks/spyne',
  bodyFormats: ['json'],
  auth: spyneAuth,
  secrets: {
    devDefaults: {
      SPYNE_SIGNING_SECRET: 'dev-spyne-signing-secret',
      SPYNE_URL_TOKEN: 'dev-spyne-url-token',
    },
    generated: 'SPYNE_URL_TOKEN',
    operatorSet: ['SPYNE_SIGNING_SECRET'],
    description:
      'Spyne webhook credentials: SPYNE_SIGNING_SECRET (set it to the value Spyne gives you) and SPYNE_URL_TOKEN (generated; ?token= for unsigned v1 payloads)',
    rotation:
      "SPYNE_SIGNING_SECRET is issued by Spyne and can only change when Spyne changes it; SPYNE_URL_TOKEN is configured in Spyne's account. An automatic rotation would break deliveries. Rotation is manual and gap-free: put 'new,old' (any listed value is accepted), update Spyne, then drop 'old'.",
  },
  /** The JWT is a credential: never kept, and the queued payload never carries it. */
  redactedBodyKeys: ['signature'],
  deployment: {
    functionDescription:
      'POST /webhooks/spyne: authenticate (JWT or URL token), validate, enqueue, ack',
    credential: 'HS256 JWT',
    urlOutputDescription:
      'Spyne push-service URL. Signed (v2) payloads need nothing more once SPYNE_SIGNING_SECRET is set in SpyneWebhookSecretName; for unsigned v1 payloads give Spyne <url>?token=<SPYNE_URL_TOKEN from that secret>.',
    secretOutputDescription: 'Secret holding SPYNE_SIGNING_SECRET and SPYNE_URL_TOKEN.',
    throttle: {
      rateLimit: 50,
      burstLimit: 100,
      reason:
        'Spyne posts once per SKU, when the SKU completes; a dealer shooting a lot completes tens of SKUs within seconds. 100 in the bucket takes such a batch whole, and 50 a second refills it faster than any documented pattern. Spyne documents no retry on 429.',
    },
    // A 100-image SKU (5.5 ms of CPU): 18 ms at 1024 MB against 27 ms at 512, for 12 % more.
    memorySize: 1024,
  },
  local: {
    bannerHint: '(v2: signed body; v1: ?token=SPYNE_URL_TOKEN)',
    /** A v2 SKU with one image; the start banner adds a freshly signed `signature`. */
    sample: {
      imageId: 'demo-spyne-image-1',
      body: SAMPLE_SPYNE_BODY,
    },
  },
  userAgent: 'spyne-webhooks',
  /** An image and the SKU of `events/bodies/spyne/v2-sample-a.json`. */
  readExample: { imageId: 'img-0f0d6707-d264-44fe-82ce-ab912b0a8ea0', collection: '523a07fa' },
});
