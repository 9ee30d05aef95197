import { defineVendorManifest } from '../vendor-manifest';

/** The event name of the sample delivery (sent in the event-type header). */
export const SAMPLE_SHARINPIX_EVENT = 'new_image';

/** The sample delivery the local stack's start banner prints a curl for. */
export const SAMPLE_SHARINPIX_BODY = {
  id: '7d1f4c2e-5b7a-4c1e-9a3b-2f6e8d0c1a11',
  public_id: '7d1f4c2e-5b7a-4c1e-9a3b-2f6e8d0c1a11',
  album_id: 'demo-album',
  filename: 'front-left.jpg',
  width: 1600,
  height: 1200,
  format: 'jpg',
  original_url: 'https://media.example.com/albums/demo-album/front-left.jpg',
  processed: true,
  created_at: '2026-11-01T09:30:00Z',
} as const;

/**
 * SharinPix webhooks: one POST per event, the event name in `X-Sharinpix-Event`, a shared secret
 * we generate in `X-Sharinpix-Secret` (the operator pastes it into SharinPix's admin page), the
 * body as JSON or, for older receivers, as the JSON in form field `p`.
 */
export const sharinpixManifest = defineVendorManifest({
  vendor: 'sharinpix',
  displayName: 'SharinPix',
  routePath: '/webhooks/sharinpix',
  bodyFormats: ['json', 'form'],
  auth: { kind: 'header-secret', header: 'x-sharinpix-secret', secret: 'SHARINPIX_SECRET' },
  secrets: {
    devDefaults: { SHARINPIX_SECRET: 'dev-sharinpix-secret' },
    generated: 'SHARINPIX_SECRET',
    operatorSet: [],
    description:
      'SharinPix webhook credential: SHARINPIX_SECRET (generated; paste it into the SharinPix webhook form as the X-Sharinpix-Secret header value)',
    rotation:
      "SHARINPIX_SECRET is pasted into SharinPix's admin page, which no rotation Lambda can update; an automatic rotation would make every delivery fail with 401. Rotation is manual and gap-free with the 'new,old' list.",
  },
  eventTypeHeader: 'x-sharinpix-event',
  /** The acting user (personal data) and the deep link, which carries a token. */
  redactedBodyKeys: ['user', 'app_url'],
  deployment: {
    functionDescription:
      'POST /webhooks/sharinpix: authenticate (X-Sharinpix-Secret), validate, enqueue, ack',
    credential: 'X-Sharinpix-Secret',
    urlOutputDescription:
      'SharinPix webhook URL. In the SharinPix webhook form add header X-Sharinpix-Secret with the SHARINPIX_SECRET value from SharinpixWebhookSecretName.',
    secretOutputDescription: 'Secret holding SHARINPIX_SECRET.',
    throttle: {
      rateLimit: 100,
      burstLimit: 500,
      reason:
        'One SharinPix upload of up to 50 images sends 50 new_image, up to 50 image_processed and tag events and an upload_done within seconds, and several users upload at once. SharinPix documents no retry, so a 429 may lose an event: the bucket holds several whole uploads.',
    },
    // One image per event (1.6 ms of CPU): 13.5 ms at 512 MB, 11 ms at 1024 for 20 % more.
    memorySize: 512,
  },
  local: {
    bannerHint: '(headers X-Sharinpix-Event, X-Sharinpix-Secret)',
    /** A `new_image` (sent with header `X-Sharinpix-Event: new_image`). */
    sample: {
      imageId: '7d1f4c2e-5b7a-4c1e-9a3b-2f6e8d0c1a11',
      eventType: SAMPLE_SHARINPIX_EVENT,
      body: SAMPLE_SHARINPIX_BODY,
    },
  },
  userAgent: 'SharinPix-Webhooks',
});
