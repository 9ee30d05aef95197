import type { RawBodyDigestConfig } from '../../auth/auth-scheme';
import { defineVendorManifest } from '../vendor-manifest';

/**
 * `X-Cld-Signature`: the lower-case hex SHA-1 (default) or SHA-256 of the raw body, then
 * `X-Cld-Timestamp`, then the API secret: a plain hash, not an HMAC.
 */
export const cloudinaryAuth = {
  kind: 'raw-body-digest',
  signatureHeader: 'x-cld-signature',
  timestampHeader: 'x-cld-timestamp',
  algorithms: ['sha1', 'sha256'],
  mode: 'suffix',
  secret: 'CLOUDINARY_API_SECRET',
} as const satisfies RawBodyDigestConfig<'CLOUDINARY_API_SECRET'>;

/** The sample delivery the local stack's start banner prints a curl for. */
export const SAMPLE_CLOUDINARY_BODY = {
  notification_type: 'upload',
  timestamp: '2026-11-01T09:30:14+00:00',
  request_id: 'demo-request-001',
  asset_id: 'demo-cloudinary-asset-1',
  public_id: 'demo/front-left',
  version: 1793525412,
  width: 1600,
  height: 1200,
  format: 'jpg',
  resource_type: 'image',
  created_at: '2026-11-01T09:30:12Z',
  type: 'upload',
  secure_url: 'https://media.example.com/demo/front-left.jpg',
  asset_folder: 'demo',
} as const;

/**
 * Cloudinary notifications: one POST per notification, always JSON, signed with
 * `X-Cld-Signature`, the lower-case hex SHA-1 (default) or SHA-256 of the raw body, then
 * `X-Cld-Timestamp`, then the API secret: a plain hash, not an HMAC (Cloudinary's
 * notification-signature page and SDKs). The window is the deployment's
 * (`SIGNATURE_MAX_AGE_SECONDS`, default 7,200 s as in Cloudinary's SDKs).
 */
export const cloudinaryManifest = defineVendorManifest({
  vendor: 'cloudinary',
  displayName: 'Cloudinary',
  routePath: '/webhooks/cloudinary',
  bodyFormats: ['json'],
  auth: cloudinaryAuth,
  secrets: {
    devDefaults: { CLOUDINARY_API_SECRET: 'dev-cloudinary-api-secret' },
    operatorSet: ['CLOUDINARY_API_SECRET'],
    description:
      'Cloudinary webhook credential: CLOUDINARY_API_SECRET (set it to the API secret that signs notifications: the dedicated notification key, else the oldest active key; comma-separated during rotation)',
    rotation:
      "CLOUDINARY_API_SECRET is an API secret of the operator's Cloudinary product environment, issued by Cloudinary; no rotation Lambda can change it there. Rotation is manual and gap-free: put 'new,old', switch Cloudinary's signing key, then drop 'old'.",
  },
  /** The API key fields, and the context whose `triggered_by.id` may be an API key. */
  redactedBodyKeys: ['api_key', 'signature_key', 'notification_context'],
  deployment: {
    functionDescription:
      'POST /webhooks/cloudinary: authenticate (X-Cld-Signature digest), validate, enqueue, ack',
    credential: 'X-Cld-Signature digest',
    urlOutputDescription:
      'Cloudinary notification URL (a trigger or notification_url; legacy signature, no payload template). Put the signing API secret as CLOUDINARY_API_SECRET in CloudinaryWebhookSecretName.',
    secretOutputDescription: 'Secret holding CLOUDINARY_API_SECRET.',
    throttle: {
      rateLimit: 100,
      burstLimit: 500,
      reason:
        'Cloudinary posts one notification per asset event (upload, eager, moderation, tags, …), so a bulk upload or a bulk tag edit in the Console sends hundreds within seconds. It retries a non-200 only a few times, minutes apart, so the bucket holds a whole bulk operation.',
    },
    // One asset per notification (1.4 ms of CPU): 13 ms at 512 MB, 10.5 ms at 1024 for 20 % more.
    memorySize: 512,
  },
  local: {
    bannerHint: '(headers X-Cld-Signature, X-Cld-Timestamp over the raw body)',
    /** An `upload` of one image; the start banner signs it afresh. */
    sample: {
      imageId: 'demo-cloudinary-asset-1',
      body: SAMPLE_CLOUDINARY_BODY,
    },
  },
  userAgent: 'cloudinary-webhooks',
});
