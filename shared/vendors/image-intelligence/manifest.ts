import { defineVendorManifest } from '../vendor-manifest';

/** The sample delivery the local stack's start banner prints a curl for. */
export const SAMPLE_IMAGE_INTELLIGENCE_BODY = {
  id: 'demo-job-001',
  createdAt: 1_793_500_000_000,
  status: 'COMPLETED_SUCCESSFULLY',
  jobResults: [{ class: 'car', hitl: false }],
  imageResults: [
    {
      id: 'demo-ii-image-1',
      url: 'https://media.example.com/jobs/demo-job-001/image-1.jpg',
      status: 'COMPLETED_SUCCESSFULLY',
      objects: [{ class: 'car', confidence: 0.97, verdict: true }],
    },
  ],
} as const;

/**
 * Image Intelligence: one POST per finished job to the `webhookUrl` given when the job was
 * submitted, which carries our token in `?token=`.
 */
export const imageIntelligenceManifest = defineVendorManifest({
  vendor: 'image-intelligence',
  displayName: 'Image Intelligence',
  routePath: '/webhooks/image-intelligence',
  bodyFormats: ['json'],
  auth: { kind: 'query-token', secret: 'IMAGE_INTELLIGENCE_TOKEN' },
  secrets: {
    devDefaults: { IMAGE_INTELLIGENCE_TOKEN: 'dev-image-intelligence-token' },
    generated: 'IMAGE_INTELLIGENCE_TOKEN',
    operatorSet: [],
    description:
      'Image Intelligence webhook credential: IMAGE_INTELLIGENCE_TOKEN (generated; append ?token=<value> to the webhookUrl)',
    rotation:
      "IMAGE_INTELLIGENCE_TOKEN is embedded in the webhookUrl of every submitted job, including jobs still running; an automatic rotation would reject their results. Rotation is manual with the 'new,old' list, dropping 'old' once older jobs have completed.",
  },
  redactedBodyKeys: [],
  deployment: {
    functionDescription:
      'POST /webhooks/image-intelligence: authenticate (URL token), validate, enqueue, ack',
    credential: 'URL token',
    urlOutputDescription:
      'Image Intelligence webhookUrl: append ?token=<IMAGE_INTELLIGENCE_TOKEN from ImageIntelligenceWebhookSecretName>.',
    secretOutputDescription: 'Secret holding IMAGE_INTELLIGENCE_TOKEN.',
    throttle: {
      rateLimit: 20,
      burstLimit: 50,
      reason:
        'Image Intelligence posts once per completed job (1-64 images each), at the pace jobs finish, and retries a non-200 up to 5 times. 50 in the bucket covers a client submitting a batch of jobs that complete together.',
    },
    // A job of a few images (1.5 ms of CPU): 13 ms at 512 MB, 10.5 ms at 1024 for 20 % more.
    memorySize: 512,
  },
  local: {
    bannerHint: '?token=IMAGE_INTELLIGENCE_TOKEN',
    /** A `/detect` job result with one image and one detection. */
    sample: {
      imageId: 'demo-ii-image-1',
      body: SAMPLE_IMAGE_INTELLIGENCE_BODY,
    },
  },
  userAgent: 'image-intelligence-webhooks',
});
